"""Saving the viewer's picture as a PNG; the core logs the export (`log_frame_export`).

A frame that leaves the case is evidence leaving custody: the log records which frame (index,
pts, pixel hash, source media hash) went where, so the copy can be traced back to its source.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from forensics.case import Case
from ui.viewer.shown import ShownFrame


def export_shown_frame(
    parent: QWidget, case: Case, shown: ShownFrame, image: QImage, target: Path | None = None
) -> Path | None:
    """Save `image` (the picture `shown`) as PNG and log the export.

    Args:
        parent: The widget the file dialog and error box belong to.
        case: The open case whose custody chain records the export.
        shown: What is on screen (item, frame index, hashes).
        image: The decoded picture at full resolution.
        target: Where to write; None asks the user.

    Returns:
        The file written, or None when the user cancelled or the file could not be written.
    """
    if target is None:
        suggestion = f"frame-{shown.frame_index:06d}.png" if shown.frame_index >= 0 else "image.png"
        name, _ = QFileDialog.getSaveFileName(
            parent, "Export frame", suggestion, "PNG image (*.png)"
        )
        if not name:
            return None
        target = Path(name)
    if not image.save(str(target), "PNG"):  # type: ignore[call-overload]
        QMessageBox.warning(parent, "Export frame", f"{target}: the file could not be written")
        return None
    from forensics.media.frame_export import log_frame_export

    log_frame_export(
        case,
        item_id=shown.item_id,
        frame_index=shown.frame_index,
        pts=shown.pts,
        pixel_sha256=shown.pixel_sha256,
        media_sha256=shown.media_sha256,
        target=target,
    )
    return target
