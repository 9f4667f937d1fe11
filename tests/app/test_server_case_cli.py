"""A case on a PostgreSQL server from the command line, as a team's examiner runs it:
`pwb init postgresql://... --evidence DIR`, then every command with the URL where a folder
would go. The password reaches libpq from its usual places and is never printed."""

from __future__ import annotations

import os
from pathlib import Path

from tests.app.cli_process import pwb, pwb_json
from tests.pg_server import PgServer


def test_a_server_case_end_to_end(pg_server: PgServer, corpus: Path, tmp_path: Path) -> None:
    url = pg_server.new_database()
    evidence = tmp_path / "share" / "evidence"
    try:
        made = pwb_json("init", url, "--title", "Downed drone", "--evidence", evidence)
        assert made["case_dir"] == url
        assert made["evidence"] == str(evidence.resolve())
        drone = pwb_json("add", url, "--name", "Gerbera drone", "--tag", "seized")
        done = pwb("ingest", url, corpus / "exif-samples/jpg/Canon_40D.jpg", "--no-extract")
        assert done.returncode == 0, done.stderr
        found = pwb_json("items", url, "--search", "canon")
        assert [i["name"] for i in found["items"]] == ["Canon_40D.jpg"]
        assert found["items"][0]["sha256"]
        assert (evidence / "evidence").is_dir()
        log = pwb_json("log", url)
        actions = [e["action"] for e in log["entries"]]
        assert actions[:2] == ["examiner_added", "case_created"]
        assert "item_added" in actions
        assert "ingested" in actions
        assert {e["actor"] for e in log["entries"]} == {"Test Examiner"}
        assert all(e["signer"] for e in log["entries"])
        verified = pwb("verify", url)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        shown = pwb_json("show", url, drone["id"])
        assert shown["name"] == "Gerbera drone"
        report = pwb("report", url, tmp_path / "report.html")
        assert report.returncode == 0, report.stderr
        assert "Gerbera drone" in (tmp_path / "report.html").read_text()
        # It packs to an archive that unpacks as a folder case, verified clean.
        key = tmp_path / "team.key"
        assert pwb("keygen", key, "--name", "Team A").returncode == 0
        archive = tmp_path / "case.pwbcase"
        packed = pwb("pack", url, archive, "--sign", key, "--reason", "to the lab")
        assert packed.returncode == 0, packed.stderr
        folder = tmp_path / "unpacked"
        unpacked = pwb("unpack", archive, folder, "--trust", f"{key}.pub")
        assert unpacked.returncode == 0, unpacked.stderr
        assert pwb("verify", folder).returncode == 0
        names = sorted(i["name"] for i in pwb_json("items", folder)["items"])
        assert names == sorted(i["name"] for i in pwb_json("items", url)["items"])
        # Merging its own archive back changes nothing: every record is the one it sent.
        merged = pwb_json("merge", url, archive, "--trust", f"{key}.pub")
        assert (merged["added"], merged["updated"], merged["conflicts"]) == (0, 0, [])
        everything = "".join(p.stdout + p.stderr for p in (done, verified)) + str(made) + str(log)
        assert pg_server.password not in everything
    finally:
        pg_server.drop_database(url)


def test_credentials_come_from_libpq_and_are_never_printed(
    pg_server: PgServer, tmp_path: Path
) -> None:
    url = pg_server.new_database()
    try:
        # PGPASSWORD instead of the password file.
        by_env = {"PGPASSFILE": os.devnull, "PGPASSWORD": pg_server.password}
        done = pwb("init", url, "--title", "T", "--evidence", tmp_path / "ev", env=by_env)
        assert done.returncode == 0, done.stderr
        assert pg_server.password not in done.stdout + done.stderr
        # No password anywhere: a clear refusal naming the case, no traceback.
        refused = pwb("items", url, env={"PGPASSFILE": os.devnull})
        assert refused.returncode != 0
        assert "cannot connect" in refused.stderr
        assert url in refused.stderr
        assert "Traceback" not in refused.stderr
        # A password typed into the URL is refused and not repeated.
        with_password = url.replace("@", f":{pg_server.password}@", 1)
        typed = pwb("items", with_password)
        assert typed.returncode != 0
        assert "pgpass" in typed.stderr.lower()
        assert pg_server.password not in typed.stdout + typed.stderr
    finally:
        pg_server.drop_database(url)
