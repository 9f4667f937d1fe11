"""Opening disk and memory-card images (raw and E01) and ingesting the files inside."""

from __future__ import annotations

from forensics.case import Case
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.models import Item

from forensics.intake.ingest import IngestOptions, IngestOutcome


def expand_disk_image(
    case: Case, image: Item, options: IngestOptions, *, cancel: CancelToken,
    progress: ProgressFn = no_progress,
) -> list[IngestOutcome]:
    """Ingest every file inside a disk image as a child item of the image."""
    return []
