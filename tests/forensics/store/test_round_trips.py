"""Round trips to the server per recorded write: each costs a network exchange (about 1 ms on
one machine, more across a network) while the write lock is held, so they bound how many
writes a team's case takes a second. Counted by a wrapper on the case's connection that sees
every statement the store sends (a pipeline of several is one exchange)."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from forensics.case import Case
from forensics.models import Item
from forensics.store.db import utc_now
from forensics.verify import verify_case
from tests.pg_server import PgServer


class Counting:
    """The case's connection, counting the exchanges with the server."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self.trips = 0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._conn, name)
        if name in {"execute", "executemany", "stream", "copy_in", "execute_schema", "batch"}:

            def counted(*args: Any, **kwargs: Any) -> Any:
                self.trips += 1
                return attr(*args, **kwargs)

            return counted
        return attr


@pytest.fixture
def counted(pg_server: PgServer, tmp_path: Path) -> Iterator[tuple[Case, Counting]]:
    url = pg_server.new_database()
    case = Case.create(url, title="Trips", examiner="E", evidence=tmp_path / "ev")
    try:
        case.add_item(kind="hardware", name="warm-up")  # the examiner's key is in the case
        counting = Counting(case.db.conn)
        case.db.conn = counting  # type: ignore[assignment]
        yield case, counting
    finally:
        case.db.conn = counting._conn
        case.close()
        pg_server.drop_database(url)


def _trips(counting: Counting, work: Any) -> int:
    before = counting.trips
    work()
    return counting.trips - before


def test_round_trips_per_write(counted: tuple[Case, Counting]) -> None:
    case, counting = counted
    one = _trips(counting, lambda: case.add_item(kind="hardware", name="rotor"))
    ten: list[Any] = []

    def batch() -> None:
        with case.recording("E") as rec:
            for k in range(10):
                ten.append(rec.insert(_item(case, f"motor {k}"), "item_added"))

    many = _trips(counting, batch)
    drone = case.add_item(kind="hardware", name="drone")
    edit = _trips(counting, lambda: case.edit_item(drone.id, {"note": "seized"}, actor="E"))
    # Before (one exchange per statement, a savepoint around each item, the custody head read
    # for every entry and moved by a statement of its own): 11, 65 and 13.
    assert one <= 5  # begin+lock, the item, the custody head read, the entry, head+notify+commit
    assert many <= 3 + 2 * 10
    assert edit <= 9
    # The chain is whole: each entry links to the one before (the head remembered within a
    # transaction was the real one), and the anchored head is the last entry.
    entries = case.custody.entries()
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert all(e.prev_hash == p.hash for p, e in itertools.pairwise(entries))
    assert case.custody.head() == (entries[-1].seq, entries[-1].hash)
    assert verify_case(case).ok


def _item(case: Case, name: str) -> Any:

    return Item(
        id=str(uuid.uuid4()), kind="hardware", name=name, created_at=utc_now(), created_by="E"
    )
