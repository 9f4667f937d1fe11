"""How an ingest's batches grow: small first when post-ingest runs wait for them.

With extraction on, the workers have nothing to do until the first batch commits; a first
batch at the usual size (or age) kept them idle for the first half second of a card.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.intake import batch as batch_module
from forensics.intake.batch import IngestBatch
from forensics.intake.records import ContentSource, IngestOptions
from forensics.verify import verify_case
from tests.forensics.storing import store_bytes


class _Run:
    """A post-ingest run that only records what it is handed."""

    def __init__(self) -> None:
        self.handed: list[int] = []

    def submit(self, item_ids: Sequence[str], *, again: bool = False) -> None:
        self.handed.append(len(item_ids))

    def counts(self) -> tuple[int, int]:
        return 0, sum(self.handed)

    @contextlib.contextmanager
    def hold_writes(self) -> Iterator[None]:
        yield

    def finished(self, item_id: str, timeout: float = 0.0) -> bool:
        return True

    def wait(self, timeout: float) -> bool:
        return True

    def warnings(self) -> dict[str, list[str]]:
        return {}


def _fill(case: Case, batch: IngestBatch, count: int) -> None:
    for n in range(count):
        data = os.urandom(64)
        source = ContentSource(
            name=f"{n}.jpg", source_path=f"/card/{n}.jpg", source_path_raw=b"/%d" % n
        )
        store_bytes(case, data, source, IngestOptions(batch=batch))


@pytest.mark.parametrize("with_run", [True, False])
def test_the_first_batches_are_small_only_when_a_run_waits_for_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_run: bool
) -> None:
    """With a run: 32 items, then 64, 128, and the usual 256 from then on (each next batch
    doubles); without one every batch is the usual size. Ages are made long here so only
    the counts decide."""
    monkeypatch.setattr(batch_module, "FIRST_AGE_S", 60.0)
    monkeypatch.setattr(batch_module, "MAX_AGE_S", 600.0)
    sizes: list[int] = []
    commit = batch_module._BlobCommit

    def counted(case: Case, pending: list, placer: object, keep: bool) -> object:  # type: ignore[type-arg]
        sizes.append(len(pending))
        return commit(case, pending, placer, keep)  # type: ignore[arg-type]

    monkeypatch.setattr(batch_module, "_BlobCommit", counted)
    Case.create(tmp_path / "c", title="batches", examiner="E").close()
    run = _Run()
    with Case.open(tmp_path / "c") as case:
        batch = IngestBatch(case, [run] if with_run else [])
        _fill(case, batch, 32 + 64 + 128 + 256 + 10)
        batch.flush()
        assert batch.committed == 490
    if with_run:
        assert sizes == [32, 64, 128, 256, 10]
        assert run.handed == sizes
    else:
        assert sizes == [256, 234]


class _HeldPlacer:
    """A copier that places a batch's blobs only when the ingest waits for them, and says
    what it was asked, in order."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self._moves: dict[int, object] = {}

    def place(self, moves: object) -> int:
        token = len(self._moves)
        self._moves[token] = moves
        self.events.append(f"place {token}")
        return token

    def placed(self, token: int) -> bool:
        return False  # never by itself: only `wait_placed` finishes a batch here

    def wait_placed(self, token: int) -> None:
        self.events.append(f"wait {token}")
        self._moves[token].run()  # type: ignore[attr-defined]


def test_the_next_batch_starts_while_the_one_before_is_placed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`IN_FLIGHT` batches are placed at once: the ingest waits for a batch's syncs only
    when the one after it is full too; rows still commit in order. A batch holding content
    that a batch being placed holds too waits for it first."""
    monkeypatch.setattr(batch_module, "MAX_ITEMS", 4)
    monkeypatch.setattr(batch_module, "MAX_AGE_S", 600.0)
    Case.create(tmp_path / "c", title="in flight", examiner="E").close()
    placer = _HeldPlacer()
    with Case.open(tmp_path / "c") as case:
        batch = IngestBatch(case, placer=placer)
        _fill(case, batch, 12)
        assert placer.events == ["place 0", "place 1", "wait 0", "place 2"]
        again = b"the same photo twice"
        for n in range(2):  # a copy of a copy, a batch apart
            source = ContentSource(
                name=f"c{n}.jpg", source_path=f"/card/c{n}.jpg", source_path_raw=b"/c%d" % n
            )
            store_bytes(case, again, source, IngestOptions(batch=batch))
            _fill_named(case, batch, 3, f"d{n}")
        batch.flush()
        assert batch.committed == 20
        shas = [i.sha256 for i in case.items.search(kinds=["file"], limit=100)]
    assert placer.events == [
        *("place 0", "place 1", "wait 0", "place 2", "wait 1", "place 3"),
        *("wait 2", "wait 3", "place 4"),  # the copy's batch waits for its twin's
        "wait 4",
    ]
    assert len(shas) == 20
    assert len(set(shas)) == 19
    with Case.open(tmp_path / "c") as case:
        assert verify_case(case, record_result=False).findings == []


def _fill_named(case: Case, batch: IngestBatch, count: int, prefix: str) -> None:
    for n in range(count):
        source = ContentSource(
            name=f"{prefix}{n}.jpg",
            source_path=f"/card/{prefix}{n}.jpg",
            source_path_raw=f"/{prefix}{n}".encode(),
        )
        store_bytes(case, os.urandom(64), source, IngestOptions(batch=batch))
