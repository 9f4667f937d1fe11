"""Two writers storing the same source: the database's rule decides, in each commit path.

Two real connections to one real case (a case file, and a database on a real PostgreSQL server)
stand for two ingest processes; the one that commits second must log a duplicate of the
other's item and keep no second copy.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.errors import CaseWriteError
from forensics.intake.batch import IngestBatch
from forensics.intake.records import ContentSource, IngestOptions
from forensics.verify import verify_case
from tests.forensics.storing import store_bytes

SOURCE = ContentSource(name="a.bin", source_path="/card/a.bin", source_path_raw=b"/card/a.bin")


def test_a_batch_whose_file_another_writer_committed_logs_a_duplicate(
    case_location: tuple[str, Path | None],
) -> None:
    where, evidence = case_location
    Case.create(where, title="race", examiner="E", evidence=evidence).close()
    data = os.urandom(30_000)
    with Case.open(where) as first, Case.open(where) as second:
        batch = IngestBatch(first)
        queued = store_bytes(first, data, SOURCE, IngestOptions(batch=batch))
        assert queued.status == "ingested"  # copied, waiting in the batch
        committed = store_bytes(second, data, SOURCE, IngestOptions())
        assert committed.status == "ingested"
        assert committed.item is not None
        batch.flush()  # the rule refuses the queued row
        assert batch.duplicates[queued.item.id].id == committed.item.id  # type: ignore[union-attr]
        assert batch.committed == 0
    with Case.open(where) as case:
        root = case.root
        assert [i.id for i in case.items.content_items()] == [committed.item.id]
        actions = [e.action for e in case.custody.entries()]
        assert actions.count("ingested") == 1
        assert actions.count("ingest_duplicate") == 1
        assert len([p for p in (root / "evidence").rglob("*") if p.is_file()]) == 1
        assert not list((root / "tmp").glob("*.inflight"))
        assert not list((root / "tmp").glob("*.batch"))
        assert verify_case(case).ok


def test_a_batch_whose_rows_are_refused_leaves_no_copy_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The blobs of a batch are made durable in a thread while the next one is copied; when
    its rows are then refused (another program holds the database past the busy timeout),
    the blobs, the copies and the batch's marker all go, and the error reaches the caller."""
    monkeypatch.setenv("PWB_BUSY_TIMEOUT_MS", "300")
    root = tmp_path / "case"
    Case.create(root, title="locked", examiner="E").close()
    with Case.open(root) as case, Case.open(root) as other:
        batch = IngestBatch(case)
        for n in range(3):
            source = ContentSource(name=f"{n}.bin", source_path=f"/card/{n}.bin")
            data = os.urandom(20_000)
            store_bytes(case, data, source, IngestOptions(batch=batch))
        with other.transaction(), pytest.raises(CaseWriteError):
            batch.flush()
        assert batch.committed == 0
    with Case.open(root) as case:
        assert case.items.content_items() == []
        assert not [p for p in (root / "evidence").rglob("*") if p.is_file()]
        assert not list((root / "tmp").iterdir())
        assert verify_case(case).ok


def test_a_refused_row_among_many_keeps_its_place_in_the_chain(
    case_location: tuple[str, Path | None],
) -> None:
    """A batch's item rows go in several to a statement (`record_rows.insert_many`); when
    the rule refuses one of them, the others are stored, each found by the full-text search,
    and the duplicate's entry sits in the chain where its item's would have."""
    where, evidence = case_location
    Case.create(where, title="race", examiner="E", evidence=evidence).close()
    blobs = [os.urandom(5_000) for _ in range(70)]
    sources = [
        ContentSource(
            name=f"card{n}.bin", source_path=f"/card/{n}.bin", source_path_raw=b"/c%d" % n
        )
        for n in range(70)
    ]
    with Case.open(where) as first, Case.open(where) as second:
        batch = IngestBatch(first)
        queued = []
        for data, source in zip(blobs, sources, strict=True):
            queued.append(store_bytes(first, data, source, IngestOptions(batch=batch)))
        other = store_bytes(second, blobs[30], sources[30], IngestOptions())
        batch.flush()
        assert other.item is not None
        assert set(batch.duplicates) == {queued[30].item.id}  # type: ignore[union-attr]
        assert batch.committed == 69
        chain = first.custody.entries()[-70:]
        assert [e.action for e in chain] == ["ingested"] * 30 + ["ingest_duplicate"] + [
            "ingested"
        ] * 39
        assert chain[30].item_id == other.item.id
        assert [e.item_id for e in chain[:30]] == [q.item.id for q in queued[:30]]  # type: ignore[union-attr]
        assert [e.item_id for e in chain[31:]] == [q.item.id for q in queued[31:]]  # type: ignore[union-attr]
        assert len(first.items.search("card69")) == 1
        assert len(first.items.search("card29")) == 1
        assert verify_case(first).ok
