"""The user guide (Help > User guide, F1): an HTML page shipped in `resources/guide/`, shown
offline in a QTextBrowser so an investigator on an air-gapped machine can read it."""

from __future__ import annotations

from importlib import resources

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

SECTIONS = (
    "case",
    "ingest",
    "viewer",
    "annotate",
    "geolocate",
    "provenance",
    "exchange",
    "verify",
)
"""The guide's sections, in order; each is an anchor of the page."""


def guide_html() -> str:
    """The guide's HTML, read from the package so it works from a wheel as from a checkout."""
    return resources.files("resources").joinpath("guide", "index.html").read_text("utf-8")


class UserGuideDialog(QDialog):
    """A non-modal window with the guide; links inside it jump between sections."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("user_guide_dialog")
        self.setWindowTitle("Provenance Workbench user guide")
        self.resize(760, 640)
        self.browser = QTextBrowser()
        self.browser.setObjectName("user_guide_text")
        # Nothing leaves the machine: links outside the page are not followed.
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(guide_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)

    def show_section(self, name: str) -> None:
        """Scroll to a section (one of `SECTIONS`)."""
        self.browser.scrollToAnchor(name)

    def text(self) -> str:
        """The guide's text (tests)."""
        return self.browser.toPlainText()
