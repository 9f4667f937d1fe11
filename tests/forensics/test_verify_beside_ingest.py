"""verify reads one snapshot of the case; an ingest committing beside it is no finding."""

from __future__ import annotations

import os
from pathlib import Path

from forensics.case import Case
from forensics.intake.ingest import IngestOptions, ingest_paths
from forensics.verify import verify_case


def test_a_file_committed_while_verify_hashes_is_not_unexpected(tmp_path: Path) -> None:
    """An item committed (its blob renamed, its rows committed, its marker cleared) after
    verify's snapshot began and before it lists the store: the snapshot does not know it,
    the database does by the time the blob is judged."""
    root = tmp_path / "case"
    first, later = tmp_path / "first.bin", tmp_path / "later.bin"
    first.write_bytes(os.urandom(50_000))
    later.write_bytes(os.urandom(50_000))
    with Case.create(root, title="beside") as case:
        ingest_paths(case, [first], IngestOptions())
    committed: list[str] = []

    def progress(done: int, total: int, current: str) -> None:
        if not committed:  # inside the snapshot, while the first file is hashed
            with Case.open(root) as other:
                report = ingest_paths(other, [later], IngestOptions())
                committed.append(str(report.outcomes[0].status))

    with Case.open(root) as case:
        report = verify_case(case, progress=progress, record_result=False)
    assert committed == ["ingested"]
    assert report.findings == []
