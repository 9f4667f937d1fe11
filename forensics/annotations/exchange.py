"""One entry point per format for the CLI and the GUI, and the custody entry of each export.

The formats are the ones the application installed (`forensics.annotations.formats`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from forensics.annotations.collect import ExportReport
from forensics.annotations.formats import exporter, importer
from forensics.annotations.importing import ImportReport
from forensics.annotations.models import AnnotationFilter
from forensics.annotations.service import AnnotationService
from forensics.errors import ValidationError
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.store.custody import Action

Exporter = Callable[..., ExportReport]
Importer = Callable[..., ImportReport]


def guess_format(path: Path) -> str:
    """The import format of a file from its content's first bytes."""
    with Path(path).open("rb") as fh:
        head = fh.read(512).lstrip()
    if head.startswith(b"<"):
        return "cvat-video"
    if head.startswith(b"{"):
        return "coco"
    raise ValidationError(f"{path}: neither COCO JSON nor CVAT XML")


def export_annotations(
    svc: AnnotationService,
    fmt: str,
    out_dir: Path,
    flt: AnnotationFilter | None = None,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> ExportReport:
    """Export in one format and log the export in the custody chain.

    Raises:
        ValidationError: unknown format.
    """
    write: Exporter = exporter(fmt)
    report = write(svc, Path(out_dir), flt, progress=progress, cancel=cancel)
    if not svc.case.readonly:
        with svc.case.recording(svc.actor) as rec:
            rec.note(
                Action.EXPORTED,
                details={
                    "what": "annotations",
                    "format": fmt,
                    "frames": report.frames,
                    "shapes": report.shapes,
                    "files": len(report.files),
                    "warnings": report.warnings[:50],
                },
            )
    return report


def import_annotations(
    svc: AnnotationService,
    path: Path,
    fmt: str | None = None,
    *,
    item_id: str | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> ImportReport:
    """Import a COCO or CVAT file (format guessed from the content when not given).

    Raises:
        ValidationError: unknown format or a file that is not of it.
    """
    fmt = fmt or guess_format(path)
    read: Importer = importer(fmt)
    return read(svc, Path(path), item_id=item_id, progress=progress, cancel=cancel)
