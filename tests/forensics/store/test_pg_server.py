"""The suite's own PostgreSQL server: reachable by URL with the password from libpq's file."""

from __future__ import annotations

import os

import psycopg
import pytest

from tests.pg_server import ADMIN, PgServer


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
