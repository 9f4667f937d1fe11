"""Recovery after a crash between the rename of a copy and the commit of its item row."""

from __future__ import annotations

from pathlib import Path

from forensics.case import Case
from forensics.verify import verify_case


def test_blob_renamed_but_never_committed_is_removed(tmp_path: Path) -> None:
    root = tmp_path / "case"
    Case.create(root, title="crash window", examiner="A. Analyst").close()
    with Case.open(root) as case:
        kept_tmp, kept = case.evidence.copy_in([b"kept content"], 12)
        case.evidence.commit_blob(kept_tmp, kept.sha256)
        case.evidence.clear_marker(kept.sha256)  # pretend an item refers to it: see below
        tmp, blob = case.evidence.copy_in([b"half ", b"an ingest"], 14)
        assert case.evidence.commit_blob(tmp, blob.sha256)
        partial = case.evidence.tmp_dir / "0123.part"
        partial.write_bytes(b"partial copy")
        # The process dies here: the blob is in place, its row never committed.
    with Case.open(root) as case:
        assert not case.evidence.has(blob.sha256)
        assert not partial.exists()
        assert not list(case.evidence.tmp_dir.iterdir())
        entry = case.custody.entries()[-1]
        assert entry.action == "recovered_interrupted_ingest"
        assert entry.details["unreferenced_blobs_removed"] == [blob.sha256]
        # A blob without a marker is never removed by recovery: verify reports it instead.
        assert case.evidence.has(kept.sha256)
        report = verify_case(case)
        assert [f.kind for f in report.findings] == ["evidence_unexpected"]


def test_a_batch_renamed_but_never_committed_is_removed(tmp_path: Path) -> None:
    """A batch of copies has one marker naming them all: while it is there verify sees the
    blobs as in flight, a second writer's failed insert keeps them, and recovery after a
    crash removes the ones no row refers to."""
    root = tmp_path / "case"
    Case.create(root, title="crash window", examiner="A. Analyst").close()
    with Case.open(root) as case:
        copies = [case.evidence.copy_in([b"photo %d" % n], 7, sync=False) for n in range(3)]
        marker = case.evidence.batch_marker()
        case.evidence.commit_blobs([(tmp, blob.sha256) for tmp, blob in copies], marker)
        shas = [blob.sha256 for _tmp, blob in copies]
        assert all(case.evidence.has(s) for s in shas)
        assert all(case.evidence.in_flight(s) for s in shas)
        assert not verify_case(case).findings
        # Another writer gives up the same content: the batch still needs it.
        assert not case.evidence.release_blob(shas[0], lambda _sha: False)
        assert case.evidence.has(shas[0])
        # The process dies here: the blobs are in place, their rows never committed.
    with Case.open(root) as case:
        assert not any(case.evidence.has(s) for s in shas)
        assert not list(case.evidence.tmp_dir.iterdir())
        entry = case.custody.entries()[-1]
        assert entry.action == "recovered_interrupted_ingest"
        assert sorted(entry.details["unreferenced_blobs_removed"]) == sorted(shas)
        assert not verify_case(case).findings
