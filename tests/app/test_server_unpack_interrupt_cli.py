"""Ctrl-C stops `pwb unpack ARCHIVE postgresql://...` in every stage and leaves nothing behind;
it stops `pwb merge postgresql://... ARCHIVE` and leaves the server case as it was.

As for a folder (test_exchange_interrupt_cli.py): a real `pwb` process receives an archive of
1,500 files, and the SIGINT lands while members inflate into the working folder, while the
records stream into the server (its one transaction holds the case's write lock and the
streams are still there), or during the checks after them (the lock held, the streams gone).
The process must exit 130 saying nothing was unpacked, the database must be as empty as it
was, and the evidence folder's parent must hold nothing (no folder, no lock file). A merge
into a server case is interrupted while it checks the archive and while its one transaction
writes (holding the case's write lock): the custody head, the items and the evidence folder's
files are then what they were.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from forensics.case import Case
from forensics.store.db import WRITE_LOCK
from tests.app.cli_process import pwb_json
from tests.app.test_exchange_interrupt_cli import _checking, _interrupt_when, _working
from tests.app.test_exchange_interrupt_cli import archive as archive  # the fixture
from tests.pg_server import ADMIN, PgServer


class Server:
    """Looks at the database from outside: is the unpack's transaction holding the lock?"""

    def __init__(self, pg_server: PgServer, url: str) -> None:
        self.conn = psycopg.connect(
            host=str(pg_server.socket_dir),
            port=pg_server.port,
            user=ADMIN,
            dbname=url.rsplit("/", 1)[-1],
            autocommit=True,
        )

    def writing(self) -> bool:
        row = self.conn.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND ((classid::bigint << 32) | objid::bigint) = %s",
            (WRITE_LOCK,),
        ).fetchone()
        return bool(row and row[0])

    def tables(self) -> list[str]:
        rows = self.conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
        return [str(r[0]) for r in rows]


@pytest.fixture
def target(pg_server: PgServer) -> Iterator[tuple[str, Server]]:
    url = pg_server.new_database()
    server = Server(pg_server, url)
    try:
        yield url, server
    finally:
        server.conn.close()
        pg_server.drop_database(url)


def _stages(server: Server) -> dict[str, Callable[[Path], bool]]:
    def inflating(work: Path) -> bool:
        evidence = work / "evidence"
        return evidence.is_dir() and any(evidence.iterdir()) and not server.writing()

    def streaming(work: Path) -> bool:
        return (work / "records").is_dir() and server.writing()

    def checking(work: Path) -> bool:
        return not (work / "records").exists() and server.writing()

    return {"inflating": inflating, "streaming records": streaming, "checking": checking}


@pytest.mark.parametrize("stage", ["inflating", "streaming records", "checking"])
def test_ctrl_c_stops_an_unpack_into_a_server_and_leaves_nothing(
    stage: str, archive: Path, target: tuple[str, Server], tmp_path: Path
) -> None:
    url, server = target
    parent = tmp_path / "share"
    parent.mkdir()
    done = _interrupt_when(
        ["unpack", str(archive), url, "--evidence", str(parent / "ev"), "--accept-unsigned"],
        lambda: _working(parent, ".ev.unpack-*"),
        _stages(server)[stage],
    )
    assert done.returncode == 130, done.stderr
    assert "interrupted: nothing was unpacked" in done.stderr
    assert "Traceback" not in done.stderr
    assert server.tables() == []
    assert list(parent.iterdir()) == []


@pytest.mark.parametrize("stage", ["checking", "writing"])
def test_ctrl_c_stops_a_merge_into_a_server_case_and_changes_nothing(
    stage: str, archive: Path, target: tuple[str, Server], tmp_path: Path
) -> None:
    url, server = target
    share = tmp_path / "share"
    pwb_json("init", url, "--title", "ours", "--evidence", share)
    pwb_json("add", url, "--name", "our drone")
    with Case.open(url, readonly=True) as case:
        head = case.custody.head()
        ids = set(case.items.all_ids())
    files = {p.relative_to(share) for p in share.rglob("*") if "tmp" not in p.parts}

    def working() -> Path | None:
        return next((p / "case" for p in (share / "tmp").glob("merge-*")), None)

    def writing(_case: Path) -> bool:
        return server.writing()

    done = _interrupt_when(
        ["merge", url, str(archive), "--accept-unsigned"],
        working,
        _checking if stage == "checking" else writing,
    )
    assert done.returncode == 130, done.stderr
    assert "interrupted: the case is unchanged" in done.stderr
    assert "Traceback" not in done.stderr
    with Case.open(url, readonly=True) as case:
        assert case.custody.head() == head
        assert set(case.items.all_ids()) == ids
    assert list((share / "tmp").glob("merge-*")) == []
    now = {p.relative_to(share) for p in share.rglob("*") if "tmp" not in p.parts}
    assert now == files
