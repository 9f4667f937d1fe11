"""Other examiners' commits reach this process's listeners on a server case (LISTEN/NOTIFY),
as the same typed change sets its own writes give; a rollback sends nothing."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.records.declare import Change, ChangeSet, RecordChange
from forensics.store.notify import change_set, payloads
from tests.app.cli_process import pwb
from tests.pg_server import PgServer


def test_a_large_change_set_travels_in_pieces_under_the_limit() -> None:
    changes = ChangeSet(
        tuple(Change("item", f"{k:036d}", RecordChange.INSERTED, None) for k in range(600)),
        ("ingested",) * 3000,
        tuple(f"{k:036d}" for k in range(900)),
    )
    parts = list(payloads(changes, origin="me"))
    assert len(parts) > 1
    assert all(len(p.encode()) < 8000 for p in parts)
    back = [change_set(p) for p in parts]
    assert {origin for origin, _ in back} == {"me"}
    assert tuple(c for _, s in back for c in s.changes) == changes.changes
    assert tuple(a for _, s in back for a in s.actions) == ("ingested",)
    assert tuple(n for _, s in back for n in s.noted) == changes.noted


def _wait(condition, timeout: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_another_process_commit_is_heard_once_and_a_rollback_never(
    pg_server: PgServer, tmp_path: Path
) -> None:
    url = pg_server.new_database()
    heard: list[ChangeSet] = []
    lock = threading.Lock()

    def listener(changes: ChangeSet) -> None:
        with lock:
            heard.append(changes)

    try:
        with Case.create(url, title="Live", examiner="A", evidence=tmp_path / "ev") as case:
            stop = case.changes.subscribe(listener)
            try:
                done = pwb("add", url, "--name", "from another examiner", "--json")
                assert done.returncode == 0, done.stderr
                new_id = json.loads(done.stdout)["id"]
                assert _wait(lambda: any(s.ids("item") == [new_id] for s in heard))
                # This process's own write: heard once (locally), not again from the server.
                mine = case.add_item(kind="hardware", name="mine")
                time.sleep(1.0)
                assert sum(mine.id in s.ids("item") for s in heard) == 1
                # Another connection's transaction that rolls back sends nothing.
                with (  # noqa: PT012
                    Case.open(url) as other,
                    pytest.raises(RuntimeError),
                    other.recording("B") as rec,
                ):
                    rec.note("noted")
                    raise RuntimeError("changed their mind")
                time.sleep(1.0)
                assert not any("noted" in s.actions for s in heard)
            finally:
                stop()
    finally:
        pg_server.drop_database(url)
