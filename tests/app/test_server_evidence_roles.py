"""The evidence markers work for the people who ingest: an examiner's own login (no superuser,
only the grants `pwb team setup` gives) claims and clears marker rows, and after their
`pwb ingest` is killed mid-batch another examiner's `pwb` recovers it (reading which writers
are alive from pg_locks), with `verify` clean for the reviewer."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import psycopg

from tests.app.cli_process import PWB, pwb, pwb_json
from tests.app.test_server_evidence_kill import (
    _catch,
    _sources,
    _stranded,
    _writers,
    spawn,
)
from tests.app.test_team_roles_cli import _login
from tests.pg_server import PgServer


def test_examiners_ingest_and_recover_with_their_own_logins(
    pg_server: PgServer, tmp_path: Path
) -> None:
    url = pg_server.new_database()
    dbname = url.rsplit("/", 1)[-1]
    share = tmp_path / "share"
    proc: subprocess.Popen[bytes] | None = None
    try:
        pwb_json("init", url, "--title", "Team case", "--evidence", share)
        pwb_json("team", "setup", url)
        logins = {}
        for name, role in (("eve", "examiner"), ("ed", "examiner"), ("rita", "reviewer")):
            login, env = _login(pg_server, name)
            assert pwb("team", "add", url, login, "--role", role).returncode == 0
            logins[name] = (pg_server.url(dbname, user=login), env)
        one, _two = _sources(tmp_path / "sources")
        eve_url, as_eve = logins["eve"]
        watch = psycopg.connect(url, autocommit=True)
        env = {**os.environ, **as_eve}
        proc = spawn([*PWB, "ingest", eve_url, str(one), "--no-extract"], tmp_path / "eve.log", env)
        _catch(proc, lambda: bool(_writers(watch)), "eve's markers")
        eves = set(_writers(watch))
        _catch(proc, lambda: bool(_stranded(watch, eves, share)), "a batch of eve's renamed")
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert _stranded(watch, eves, share)

        ed_url, as_ed = logins["ed"]
        added = pwb("add", ed_url, "--name", "Gerbera drone", env=as_ed)
        assert added.returncode == 0, added.stderr
        assert _writers(watch) == {}
        entries = pwb_json("log", url)["entries"]
        assert [e["action"] for e in entries].count("recovered_interrupted_ingest") == 1
        items = pwb_json("items", url, "--limit", "100000")["items"]
        referenced = {i["sha256"] for i in items if i.get("sha256")}
        stored = {p.name for p in (share / "evidence").rglob("*") if p.is_file()}
        assert stored == referenced
        assert not list((share / "tmp").glob("*.part"))
        rita_url, as_rita = logins["rita"]
        verified = pwb("verify", rita_url, env=as_rita)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        watch.close()
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        pg_server.drop_database(url)
