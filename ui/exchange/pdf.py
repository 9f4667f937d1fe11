"""Printing the HTML case report to PDF with Qt's own PDF writer (no extra engine).

The report's pictures are data URIs; `QTextDocument` is given them through `loadResource`, so
the PDF holds exactly what the HTML file shows. Its rich-text engine does not draw inline
`<svg>` (the report's map), so each one becomes an `image/svg+xml` data URI that
`loadResource` renders with Qt SVG at twice its size, sharp at the writer's 150 dpi. Once the
pages are laid out, `pdf_pages.keep_together` moves headings, figures and small tables whose
page break falls in the wrong place (Qt ignores CSS `avoid`).
"""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QMarginsF, QSizeF, QUrl
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from ui.exchange.pdf_pages import keep_together

_INLINE_SVG = re.compile(r"<svg\b[^>]*>.*?</svg>", re.DOTALL)
_SIZE = re.compile(r'(?<![\w-])(width|height)="(\d+(?:\.\d+)?)"')
SVG_SCALE = 2
"""Pixels rendered per SVG unit: the page shows the map at its size, drawn at twice that."""


def svg_as_images(html: str) -> str:
    """Every inline `<svg>` replaced by an `<img>` of the same size holding it as a data URI."""

    def image(match: re.Match[str]) -> str:
        svg = match.group(0)
        head = svg[: svg.index(">")]
        size = " ".join(f'{k}="{v}"' for k, v in _SIZE.findall(head))
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        return f'<img src="data:image/svg+xml;base64,{data}" {size}>'

    return _INLINE_SVG.sub(image, html)


def render_svg(data: bytes, scale: int = SVG_SCALE) -> QImage:
    """An SVG drawn on white at `scale` times its size (an empty image when it is not SVG)."""
    renderer = QSvgRenderer(QByteArray(data))
    if not renderer.isValid() or renderer.defaultSize().isEmpty():
        return QImage()
    image = QImage(renderer.defaultSize() * scale, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


class _ReportDocument(QTextDocument):
    """A text document that understands `data:` image URLs."""

    def loadResource(self, kind: int, url: QUrl | str) -> Any:
        text = url.toString() if isinstance(url, QUrl) else str(url)
        if text.startswith("data:") and ";base64," in text:
            data = base64.b64decode(text.split(";base64,", 1)[1])
            if text.startswith("data:image/svg+xml;"):
                return render_svg(data)
            image = QImage()
            image.loadFromData(data)
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
    doc.setHtml(svg_as_images(html))
    layout = writer.pageLayout().paintRectPixels(writer.resolution())
    doc.setPageSize(QSizeF(layout.width(), layout.height()))
    keep_together(doc)
    doc.print_(writer)
    del writer
    tmp.replace(out)
    return out.read_bytes()
