"""Moving a case between a folder and a server through archives, as users run `pwb`.

The demo case (annotations, hypotheses, components, a seal) packs, unpacks into a server
database, verifies clean there, packs again from the server and unpacks into a folder that
verifies clean too: every record and the custody chain arrive entry for entry, and a seal made
on the folder still matches on the server. A merge into a server case gives the same counts,
conflicts and records as the same merge into the folder case it was copied from; a reviewer's
merge is refused, clearly, and changes nothing.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

from forensics.case import Case
from tests.app.cli_process import pwb, pwb_json
from tests.forensics.exchange.engines import merged_records, records
from tests.pg_server import PgServer

NOT_COMPARED = {"custody", "case_info", "seals"}
"""Compared on their own below: each case logs, seals and heads its own chain past the
entries it received."""


def _chain(case: str | Path) -> list[dict[str, Any]]:
    with Case.open(case, readonly=True) as c:
        return records(c.db)["custody"]


def _records(case: str | Path) -> dict[str, list[dict[str, Any]]]:
    with Case.open(case, readonly=True) as c:
        return records(c.db)


def test_demo_case_to_a_server_through_an_archive_and_back(
    demo_case: Path, pg_server: PgServer, tmp_path: Path
) -> None:
    key = tmp_path / "team.key"
    assert pwb("keygen", key, "--name", "Team A").returncode == 0
    seal = tmp_path / "head.seal"
    assert pwb("seal", demo_case, "--out", seal).returncode == 0
    sent = _chain(demo_case)
    first = tmp_path / "demo.pwbcase"
    packed = pwb("pack", demo_case, first, "--sign", key)
    assert packed.returncode == 0, packed.stderr

    url = pg_server.new_database()
    try:
        share = tmp_path / "share" / "evidence"
        unpacked = pwb_json("unpack", first, url, "--evidence", share, "--trust", f"{key}.pub")
        assert unpacked["dest"] == url
        assert unpacked["evidence"] == str(share)
        assert unpacked["signature"]["valid"] is True
        checked = pwb("verify", url, "--against", seal)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        on_server = _chain(url)
        assert on_server[: len(sent)] == sent
        assert [e["action"] for e in on_server[len(sent) :]] == ["transferred", "verified"]

        second = tmp_path / "server.pwbcase"
        packed = pwb("pack", url, second, "--sign", key)
        assert packed.returncode == 0, packed.stderr
        back = tmp_path / "back"
        assert pwb_json("unpack", second, back, "--trust", f"{key}.pub")["dest"] == str(back)
        checked = pwb("verify", back, "--against", seal)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert _chain(back)[: len(on_server)] == on_server

        original, served, returned = (_records(c) for c in (demo_case, url, back))
        for table in ("items", "annotations", "geo_hypotheses", "components", "media_metadata"):
            assert original[table], f"the demo case has no {table}"
        for table in set(original) - NOT_COMPARED:
            assert original[table] == served[table] == returned[table], table
        # Seals made before each pack travel with it.
        assert (
            original["seals"][: len(served["seals"])] == served["seals"][: len(original["seals"])]
        )
        assert served["seals"] == returned["seals"][: len(served["seals"])]
    finally:
        pg_server.drop_database(url)


def _login(server: PgServer, name: str) -> tuple[str, dict[str, str]]:
    login = f"{name}_{uuid.uuid4().hex[:6]}"
    password = uuid.uuid4().hex
    server.admin_sql(f"CREATE ROLE {login} LOGIN PASSWORD '{password}'")
    return login, {"PGPASSFILE": os.devnull, "PGPASSWORD": password}


def _without_ids(result: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in result.items() if k != "merge_id"}
    out["conflicts"] = [{k: v for k, v in c.items() if k != "id"} for c in result["conflicts"]]
    return out


def test_merge_into_a_server_case_as_into_its_folder(pg_server: PgServer, tmp_path: Path) -> None:
    ours = tmp_path / "ours"
    pwb_json("init", ours, "--title", "Shared case")
    drone = pwb_json("add", ours, "--name", "Gerbera drone")["id"]
    base = tmp_path / "base.pwbcase"
    assert pwb("pack", ours, base).returncode == 0
    team_b = tmp_path / "team-b"
    pwb_json("unpack", base, team_b, "--accept-unsigned")
    assert pwb("edit", team_b, drone, "--note", "serial plate photographed").returncode == 0
    pwb_json("add", team_b, "--name", "GNSS module", "--parent", drone)
    theirs = tmp_path / "theirs.pwbcase"
    assert pwb("pack", team_b, theirs).returncode == 0
    assert pwb("edit", ours, drone, "--note", "our note").returncode == 0

    url = pg_server.new_database()
    dbname = url.rsplit("/", 1)[-1]
    try:
        pwb_json("copy-case", ours, url, "--evidence", tmp_path / "share")
        pwb_json("team", "setup", url)
        rita, as_rita = _login(pg_server, "rita")
        assert pwb("team", "add", url, rita, "--role", "reviewer").returncode == 0
        head = pwb_json("log", url)["entries"][-1]["hash"]
        refused = pwb(
            "merge", pg_server.url(dbname, user=rita), theirs, "--accept-unsigned", env=as_rita
        )
        assert refused.returncode == 2
        assert "only read" in refused.stderr
        assert "Traceback" not in refused.stderr
        assert pwb_json("log", url)["entries"][-1]["hash"] == head

        results = [
            json.loads(pwb("merge", case, theirs, "--accept-unsigned", "--json").stdout)
            for case in (ours, url)
        ]
        assert _without_ids(results[0]) == _without_ids(results[1])
        assert results[0]["added"] == 1
        [conflict] = results[1]["conflicts"]
        assert (conflict["record_id"], conflict["columns"]) == (drone, ["note"])
        listed = pwb_json("conflicts", url)["conflicts"]
        assert [c["id"] for c in listed] == [conflict["id"]]
        resolved = pwb_json("resolve", url, conflict["id"][:8], "--keep", "theirs")
        assert resolved["status"] == "took_theirs"
        assert pwb_json("show", url, drone)["note"] == "serial plate photographed"
        assert pwb("verify", url).returncode == 0
        [folder_conflict] = results[0]["conflicts"]
        pwb_json("resolve", ours, folder_conflict["id"][:8], "--keep", "theirs")
        with Case.open(ours, readonly=True) as a, Case.open(url, readonly=True) as b:
            mine, served = merged_records(a.db), merged_records(b.db)
        mine["custody"] = [e for e in mine["custody"] if e["action"] != "verified"]
        served["custody"] = [
            e for e in served["custody"] if e["action"] not in ("verified", "team_member_added")
        ]
        for table in mine:
            assert mine[table] == served[table], table
    finally:
        pg_server.drop_database(url)


def test_an_unpack_the_server_refuses_is_said_and_leaves_nothing(
    pg_server: PgServer, tmp_path: Path
) -> None:
    folder = tmp_path / "case"
    pwb_json("init", folder, "--title", "Small case")
    pwb_json("add", folder, "--name", "Gerbera drone")
    archive = tmp_path / "case.pwbcase"
    assert pwb("pack", folder, archive).returncode == 0
    url = pg_server.new_database()
    try:
        # A login that may connect but not make tables (PostgreSQL 15's public schema).
        nobody, as_nobody = _login(pg_server, "nobody")
        share = tmp_path / "share"
        share.mkdir()
        done = pwb(
            "unpack",
            archive,
            pg_server.url(url.rsplit("/", 1)[-1], user=nobody),
            "--evidence",
            share / "evidence",
            "--accept-unsigned",
            env=as_nobody,
        )
        assert done.returncode == 2, done.stderr
        assert "may not change this case" in done.stderr
        assert "Traceback" not in done.stderr
        assert list(share.iterdir()) == []
        # Still empty: the owner unpacks into it.
        made = pwb_json(
            "unpack", archive, url, "--evidence", share / "evidence", "--accept-unsigned"
        )
        assert made["dest"] == url
        assert pwb("verify", url).returncode == 0
        refused = pwb("unpack", archive, url, "--evidence", share / "again", "--accept-unsigned")
        assert refused.returncode == 2
        assert "not empty" in refused.stderr
        assert not (share / "again").exists()
    finally:
        pg_server.drop_database(url)
