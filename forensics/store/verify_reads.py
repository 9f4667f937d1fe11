"""What `verify` reads from the database, a batch at a time: constant memory on any case.

`verify` compares every record the custody log tracks with the digest its newest entry
recorded, and every stored file with the items holding it. On a case of a million items,
reading all of that into lists and dictionaries first took gigabytes, and reading each
record by its own query took a million exchanges with a server. Here every read is a stream
(`Database.stream`: SQLite's cursor, or a server-side cursor inside the caller's snapshot),
cut into batches by the caller, and the records of a batch are read with one query per type.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar

from forensics.records.acquisition import EWF_ATTR
from forensics.store.rows import quote

if TYPE_CHECKING:
    from forensics.store.database import Database

BATCH = 1000
"""Rows per batch: large enough that a batch's query costs little per row, small enough that
a batch's records weigh a few megabytes."""

T = TypeVar("T")


def batched(rows: Iterable[T], size: int | None = None) -> Iterator[list[T]]:
    """`rows` in lists of `size` (default `BATCH`; the last one shorter)."""
    it = iter(rows)
    while batch := list(islice(it, size or BATCH)):
        yield batch


@dataclass(frozen=True)
class Latest:
    """A record's newest custody entry that recorded its state."""

    subject_type: str
    subject_id: str
    seq: int
    digest: str


def latest_digests(db: Database) -> Iterator[Latest]:
    """Each record's newest entry with a digest, in the order the records first appear in
    the log (as reading the whole log in order and keeping the last one of each gives)."""
    rows = db.stream(
        "SELECT c.subject_type, c.subject_id, c.seq, c.record_sha256 FROM ("
        " SELECT max(seq) AS last, min(seq) AS first FROM custody"
        " WHERE record_sha256 IS NOT NULL GROUP BY subject_type, subject_id"
        ") AS m JOIN custody AS c ON c.seq = m.last ORDER BY m.first"
    )
    for row in rows:
        yield Latest(str(row[0]), str(row[1]), int(row[2]), str(row[3]))


def unlogged_items(db: Database) -> Iterator[str]:
    """The ids of items no custody entry recorded (added outside the workbench)."""
    rows = db.stream(
        "SELECT id FROM items WHERE NOT EXISTS (SELECT 1 FROM custody"
        " WHERE custody.subject_type = 'item' AND custody.subject_id = items.id"
        " AND custody.record_sha256 IS NOT NULL) ORDER BY rowid"
    )
    for row in rows:
        yield str(row[0])


@dataclass(frozen=True)
class Content:
    """One stored content and the items holding it."""

    sha256: str
    size: int | None
    item_ids: tuple[str, ...]


def contents(db: Database) -> Iterator[Content]:
    """Every content the items hold, with its items, in sha256 order."""
    rows = db.stream(
        "SELECT sha256, size, id FROM items WHERE sha256 IS NOT NULL ORDER BY sha256, rowid"
    )
    sha: str | None = None
    size: int | None = None
    ids: list[str] = []
    for row in rows:
        if row[0] != sha:
            if sha is not None:
                yield Content(sha, size, tuple(ids))
            sha, ids = str(row[0]), []
        size = None if row[1] is None else int(row[1])
        ids.append(str(row[2]))
    if sha is not None:
        yield Content(sha, size, tuple(ids))


def content_bytes(db: Database) -> int:
    """The bytes of every distinct content the items hold (verify's progress total)."""
    row = db.conn.execute(
        "SELECT SUM(size) FROM (SELECT sha256, MAX(size) AS size FROM items"
        " WHERE sha256 IS NOT NULL GROUP BY sha256) AS c"
    ).fetchone()
    return int(row[0] or 0)


def known_contents(db: Database, names: list[str]) -> set[str]:
    """Which of these file names are the sha256 of some item's content."""
    if not names:
        return set()
    marks = ", ".join("?" for _ in names)
    rows = db.conn.execute(f"SELECT DISTINCT sha256 FROM items WHERE sha256 IN ({marks})", names)
    return {str(r[0]) for r in rows}


def acquisition_items(db: Database) -> Iterator[tuple[str, str]]:
    """`(item id, attributes JSON)` of the items that may keep an acquisition record (an
    E01's): the few whose attributes name one, not every item."""
    rows = db.stream(
        "SELECT id, attributes FROM items WHERE sha256 IS NOT NULL AND attributes LIKE ? "
        "ORDER BY rowid",
        (f'%"{EWF_ATTR}"%',),
    )
    for row in rows:
        yield str(row[0]), str(row[1])


def rows_by_key(db: Database, table: str, key_column: str, keys: list[str]) -> list[Any]:
    """The rows of `table` whose `key_column` is one of `keys` (one query)."""
    if not keys:
        return []
    marks = ", ".join("?" for _ in keys)
    return list(
        db.conn.execute(
            f"SELECT * FROM {quote(table)} WHERE {quote(key_column)} IN ({marks})", keys
        )
    )
