"""A card ingested in batches: items are committed (and visible to another connection) before
their extraction is done, the progress names each phase with counts and time left, the
custody chain and the records verify, and a cancel keeps what was copied."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from forensics.case import Case
from forensics.intake.ingest import IngestOptions, ingest_paths
from forensics.jobs import CancelToken
from forensics.media.extract import PostIngestExtraction
from forensics.store.media import MediaRepository
from forensics.verify import verify_case


def _card(tmp_path: Path, corpus: Path, count: int) -> Path:
    folder = tmp_path / "DCIM" / "100CAMERA"
    folder.mkdir(parents=True)
    data = (corpus / "synthetic" / "gps_control_eiffel.jpg").read_bytes()
    for n in range(count):  # each its own content
        (folder / f"IMG_{n:04d}.JPG").write_bytes(data + n.to_bytes(4, "big"))
    return folder.parent


def test_items_are_in_the_case_before_their_metadata(tmp_path: Path, corpus: Path) -> None:
    card = _card(tmp_path, corpus, 100)
    case = Case.create(tmp_path / "case", title="card")
    seen: list[tuple[int, int]] = []
    messages: list[str] = []

    def progress(done: int, total: int, message: str) -> None:
        messages.append(message)
        with Case.open(case.root, readonly=True) as other:  # what the GUI's views would read
            items = len(other.items.search(kinds=["file"], limit=1000))
            records = other.db.conn.execute("SELECT count(*) FROM media_metadata").fetchone()[0]
        seen.append((items, records))

    step = PostIngestExtraction()
    try:
        report = ingest_paths(case, [card], IngestOptions(post_ingest=(step,)), progress=progress)
    finally:
        step.close()
    assert [o.status for o in report.outcomes] == ["ingested"] * 100
    assert any(items == 100 and records < 300 for items, records in seen), seen
    assert seen[-1] == (100, 300)
    assert any(m.startswith("copying and hashing ") for m in messages)
    assert any(m.startswith("extracting ") and " of 100" in m for m in messages)
    assert MediaRepository(case.db).positions() != []
    assert verify_case(case, record_result=False).findings == []
    case.close()


def test_a_cancel_keeps_every_file_copied_before_it(tmp_path: Path, corpus: Path) -> None:
    card = _card(tmp_path, corpus, 30)
    case = Case.create(tmp_path / "case", title="card")
    token = CancelToken()

    def progress(done: int, total: int, message: str) -> None:
        time.sleep(0.11)  # past the throttle: every file is reported
        if "IMG_0009" in message:
            token.cancel()

    report = ingest_paths(case, [card], progress=progress, cancel=token)
    copied = [o.item.name for o in report.outcomes if o.status == "ingested" and o.item]
    assert report.cancelled
    assert 0 < len(copied) < 30
    stored = case.items.search(kinds=["file"], limit=1000)
    assert sorted(i.name for i in stored) == sorted(copied)
    assert not any(case.evidence.tmp_dir.iterdir()), "no copy or marker left behind"
    assert verify_case(case, record_result=False).findings == []
    case.close()


def test_per_item_steps_share_commits_and_a_failing_one_leaves_nothing(
    tmp_path: Path, corpus: Path
) -> None:
    """The per-item steps run in shared transactions (`attempt` each): a step that records a
    change and then fails on one item leaves nothing of it, the others' changes commit, and
    the chain verifies."""
    from forensics.store.custody import Action

    card = _card(tmp_path, corpus, 12)
    case = Case.create(tmp_path / "case", title="card")
    commits = []
    case.changes.subscribe(lambda change_set: commits.append(change_set))

    def step(case: Case, item, cancel) -> list[str]:  # type: ignore[no-untyped-def]
        with case.recording("step", reason="test") as rec:
            rec.note(Action.INGEST_DUPLICATE, item_id=item.id, details={"step": item.name})
        if item.name == "IMG_0005.JPG":
            raise ValueError("this one breaks after writing")
        return ["step ran"]

    report = ingest_paths(case, [card], IngestOptions(post_ingest=(step,)))
    by_name = {o.item.name: o for o in report.outcomes if o.item is not None}
    assert by_name["IMG_0005.JPG"].warnings[-1].startswith("post-ingest step failed: this one")
    assert all(by_name[f"IMG_{n:04d}.JPG"].warnings[-1] == "step ran" for n in range(12) if n != 5)
    noted = [e.details["step"] for e in case.custody.entries() if e.details.get("step")]
    assert noted == [f"IMG_{n:04d}.JPG" for n in range(12) if n != 5]
    published = [n for c in commits for n in c.noted]
    broken = by_name["IMG_0005.JPG"].item
    assert broken is not None
    assert broken.id not in published
    assert verify_case(case, record_result=False).findings == []
    case.close()


class _OneAtATime:
    """A streaming step whose run finishes an item only once the per-item step has run on
    the one before it, and ends (however far it got) after its `wait` was asked 50 times."""

    def __init__(self) -> None:
        self.submitted: list[str] = []
        self.released: set[str] = set()
        self.ended = False
        self.waits = 0

    def __call__(self, case: Case, item: object, cancel: CancelToken) -> Sequence[str]:
        return []

    def start(self, case: Case, cancel: CancelToken) -> _OneAtATime:
        return self

    def submit(self, item_ids: Sequence[str], *, again: bool = False) -> None:
        self.submitted.extend(item_ids)
        self.released.add(self.submitted[0])

    def release_after(self, item_id: str) -> None:
        n = self.submitted.index(item_id) + 1
        if n < len(self.submitted):
            self.released.add(self.submitted[n])

    def counts(self) -> tuple[int, int]:
        return len(self.released), len(self.submitted)

    @contextlib.contextmanager
    def hold_writes(self) -> Iterator[None]:
        yield

    def finished(self, item_id: str, timeout: float = 0.0) -> bool:
        if item_id not in self.released and not self.ended:
            time.sleep(min(timeout, 0.01))
        return item_id in self.released or self.ended

    def wait(self, timeout: float) -> bool:
        self.waits += 1
        if self.waits > 50 or len(self.released) == len(self.submitted):
            self.ended = True
        else:
            time.sleep(min(timeout, 0.01))
        return self.ended

    def warnings(self) -> dict[str, list[str]]:
        return {}


def test_per_item_steps_run_on_items_the_streaming_run_has_finished_while_it_goes_on(
    tmp_path: Path, corpus: Path
) -> None:
    """The per-item steps (hypotheses) run on each item as soon as the streaming runs
    (extraction) have committed their work on it, not after the runs end: run after them,
    they were the ingest's tail on one core. Never before: they read what the run stored."""
    card = _card(tmp_path, corpus, 8)
    case = Case.create(tmp_path / "case", title="card")
    run = _OneAtATime()
    seen: list[tuple[str, bool, bool]] = []

    def step(case: Case, item, cancel) -> list[str]:  # type: ignore[no-untyped-def]
        seen.append((item.name, item.id in run.released, run.ended))
        run.release_after(item.id)
        return []

    report = ingest_paths(case, [card], IngestOptions(post_ingest=(run, step)))
    assert [o.status for o in report.outcomes] == ["ingested"] * 8
    assert seen == [(f"IMG_{n:04d}.JPG", True, False) for n in range(8)]
    assert run.waits < 50
    case.close()


def test_copies_made_ahead_are_removed_when_the_ingest_stops(tmp_path: Path, corpus: Path) -> None:
    """Files copied ahead of their recording (`CopyAhead`) and not recorded when the ingest
    fails are removed: the store keeps only what the case records."""
    card = _card(tmp_path, corpus, 60)
    case = Case.create(tmp_path / "case", title="card")

    def progress(done: int, total: int, message: str) -> None:
        time.sleep(0.11)  # past the throttle: every file is reported; copies go on ahead
        if "IMG_0020" in message:
            raise RuntimeError("the caller gives up")

    try:
        ingest_paths(case, [card], IngestOptions(post_ingest=()), progress=progress)
    except RuntimeError:
        pass
    else:
        raise AssertionError("the ingest should have stopped")
    stored = case.items.search(kinds=["file"], limit=1000)
    assert len(stored) < 60
    assert not any(case.evidence.tmp_dir.iterdir()), "no copy or marker left behind"
    assert verify_case(case, record_result=False).findings == []
    case.close()
