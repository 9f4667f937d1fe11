"""The suite's own PostgreSQL server: reachable by URL with the password from libpq's file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import psycopg
import pytest

from tests.pg_server import ADMIN, PgServer, find_bindir


def test_server_answers_by_url_with_the_password_from_pgpassfile(pg_server: PgServer) -> None:
    url = pg_server.new_database()
    assert "@" in url
    assert pg_server.password not in url
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT current_user, current_setting('server_encoding')").fetchone()
    assert row == (ADMIN, "UTF8")


def test_tcp_needs_the_password(pg_server: PgServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGPASSFILE", os.devnull)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(pg_server.url(), connect_timeout=10).close()


def test_each_database_is_new(pg_server: PgServer) -> None:
    first, second = pg_server.new_database(), pg_server.new_database()
    assert first != second
    with psycopg.connect(first, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (x int)")
    with psycopg.connect(second) as conn:
        found = conn.execute("SELECT to_regclass('t')").fetchone()
    assert found == (None,)


def test_a_killed_test_process_leaves_no_server_running(tmp_path: Path) -> None:
    """The server dies with the process that started it (a run killed half-way)."""
    import signal
    import subprocess
    import sys
    import time

    from tests.pg_server import REPO_ROOT

    started = subprocess.Popen(
        [sys.executable, "-c", "from tests.pg_server import start_server\n"
         "s = start_server()\nprint(s.folder, s.port, flush=True)\nimport time\n"
         "time.sleep(120)"],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert started.stdout is not None
    folder, port = started.stdout.readline().split()
    try:
        probe = [str(find_bindir() / "pg_isready"), "-q", "-h", f"{folder}/socket", "-p", port]
        assert subprocess.run(probe, check=False).returncode == 0
        started.send_signal(signal.SIGKILL)
        started.wait()
        deadline = time.monotonic() + 20
        while subprocess.run(probe, check=False).returncode == 0:
            assert time.monotonic() < deadline, "the server outlived its test process"
            time.sleep(0.2)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
