"""Roles enforced by the server: a reviewer reads and cannot write (PostgreSQL refuses it,
not only `pwb`), an examiner writes but cannot change the custody chain or the case's
facts, and only the case's administrator adds people. Each runs `pwb` as their own login."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.app.cli_process import pwb, pwb_json
from tests.pg_server import PgServer


def _login(server: PgServer, name: str) -> tuple[str, dict[str, str]]:
    login = f"{name}_{uuid.uuid4().hex[:6]}"
    password = uuid.uuid4().hex
    server.admin_sql(f"CREATE ROLE {login} LOGIN PASSWORD '{password}'")
    return login, {"PGPASSFILE": os.devnull, "PGPASSWORD": password}


def test_reviewer_examiner_and_administrator(pg_server: PgServer, tmp_path: Path) -> None:
    url = pg_server.new_database()
    dbname = url.rsplit("/", 1)[-1]
    try:
        pwb_json("init", url, "--title", "Team case", "--evidence", tmp_path / "ev")
        made = pwb_json("team", "setup", url)
        assert set(made["roles"]) == {"examiner", "reviewer", "admin"}
        rita, as_rita = _login(pg_server, "rita")
        eve, as_eve = _login(pg_server, "eve")
        alan, as_alan = _login(pg_server, "alan")
        assert pwb("team", "add", url, alan, "--role", "admin").returncode == 0

        def url_of(login: str) -> str:
            return pg_server.url(dbname, user=login)

        # The administrator adds the others; the addition is in the custody chain.
        for login, role in ((rita, "reviewer"), (eve, "examiner")):
            done = pwb("team", "add", url_of(alan), login, "--role", role, env=as_alan)
            assert done.returncode == 0, done.stderr
        listed = pwb_json("team", "list", url)["members"]
        assert {(m["login"], m["role"]) for m in listed} == {
            (alan, "admin"),
            (rita, "reviewer"),
            (eve, "examiner"),
        }
        log = pwb_json("log", url)["entries"]
        added = [e["details"]["login"] for e in log if e["action"] == "team_member_added"]
        assert added == [alan, rita, eve]

        # The examiner writes; their entries are signed like anyone's.
        drone = pwb("add", url_of(eve), "--name", "Gerbera drone", "--json", env=as_eve)
        assert drone.returncode == 0, drone.stderr
        drone_id = json.loads(drone.stdout)["id"]
        refused = pwb("team", "add", url_of(eve), rita, "--role", "admin", env=as_eve)
        assert refused.returncode == 2
        assert "administrator" in refused.stderr

        # The reviewer reads, verifies (not logged), and cannot write.
        items = pwb("items", url_of(rita), "--json", env=as_rita)
        assert items.returncode == 0, items.stderr
        assert [i["id"] for i in json.loads(items.stdout)["items"]] == [drone_id]
        verified = pwb("verify", url_of(rita), env=as_rita)
        assert verified.returncode == 0, verified.stderr
        assert "not logged" in verified.stdout + verified.stderr
        write = pwb("add", url_of(rita), "--name", "refused", env=as_rita)
        assert write.returncode == 2
        assert "only read" in write.stderr
        assert "Traceback" not in write.stderr

        # The server itself refuses what a program might still try.
        with (
            psycopg.connect(url_of(rita), password=as_rita["PGPASSWORD"]) as conn,
            pytest.raises(psycopg.errors.InsufficientPrivilege),
        ):
            conn.execute("INSERT INTO items (id) VALUES ('x')")
        with psycopg.connect(url_of(eve), password=as_eve["PGPASSWORD"], autocommit=True) as c:
            for statement in ("UPDATE custody SET actor = 'someone'", "DELETE FROM custody"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    c.execute(statement)
            changed = c.execute("UPDATE case_info SET value = 'x' WHERE key = 'title'")
            assert changed.rowcount == 0  # row-level security: only the custody head
        assert pwb("verify", url).returncode == 0
        assert pwb_json("show", url, drone_id)["name"] == "Gerbera drone"
    finally:
        pg_server.drop_database(url)
