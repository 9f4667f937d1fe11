"""Printing the HTML case report to PDF with Qt's own PDF writer (no extra engine).

The report's pictures are data URIs; `QTextDocument` is given them through `loadResource`, so
the PDF holds exactly what the HTML file shows.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QSizeF, QUrl
from PySide6.QtGui import QGuiApplication, QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QApplication


class _ReportDocument(QTextDocument):
    """A text document that understands `data:` image URLs."""

    def loadResource(self, kind: int, url: QUrl | str) -> Any:
        text = url.toString() if isinstance(url, QUrl) else str(url)
        if text.startswith("data:") and ";base64," in text:
            image = QImage()
            image.loadFromData(base64.b64decode(text.split(";base64,", 1)[1]))
            return image
        return super().loadResource(kind, url)


def _ensure_app() -> None:
    if QGuiApplication.instance() is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        # A QApplication (not a QGuiApplication): widgets may be created later in-process.
        _APP.append(QApplication([]))


_APP: list[QApplication] = []


def html_to_pdf(html: str, out: Path) -> bytes:
    """Lay the HTML out on A4 pages and write `out`; returns the PDF's bytes."""
    _ensure_app()
    tmp = out.with_name(f".{out.name}.part")
    writer = QPdfWriter(str(tmp))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
    writer.setResolution(150)
    writer.setTitle("Case report")
    writer.setCreator("Provenance Workbench")
    doc = _ReportDocument()
    doc.setHtml(html)
    layout = writer.pageLayout().paintRectPixels(writer.resolution())
    doc.setPageSize(QSizeF(layout.width(), layout.height()))
    doc.print_(writer)
    del writer
    tmp.replace(out)
    return out.read_bytes()
