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

    def counted(case: Case, pending: list, placer: object) -> object:  # type: ignore[type-arg]
        sizes.append(len(pending))
        return commit(case, pending, placer)  # type: ignore[arg-type]

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
