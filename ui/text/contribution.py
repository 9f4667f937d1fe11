"""Reading text in the GUI: Read text (Ctrl+R; Annotate menu, the viewer's right-click menu),
the Text dock, the lines' boxes over the image.

Read text reads the selected box of the frame in the viewer, or the whole frame when no box is
selected, in a background job with its own case connection (progress and Cancel in the status
bar); the lines are drawn over the image and listed in the Text dock with the makers and
places they suggest. Accepting one calls the core (`forensics.ocr.makers`, `geoloc.signage`),
which records it with its custody entry and the annotation it stands on.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox

from forensics.case import Case
from forensics.errors import WorkbenchError
from forensics.jobs import CancelToken, ProgressFn
from ui.actions import make_action
from ui.context import WorkbenchContext
from ui.lazy import LazyPanel, reveal

if TYPE_CHECKING:
    from forensics.ocr.models import OcrRead
    from forensics.provenance.read_markings import ReadSuggestion
    from geoloc.signage import PlaceClue
    from ui.jobs import Job
    from ui.text.overlay import ReadOverlay
    from ui.text.panel import TextPanel

log = logging.getLogger(__name__)

Result = tuple["OcrRead", list["ReadSuggestion"], list["PlaceClue"]]


def read_and_suggest(root: Any, request: Any, progress: ProgressFn, cancel: CancelToken) -> Result:
    """The job: read (own connection), then the makers and places the text points to."""
    from forensics.ocr.reading import read_text
    from forensics.provenance.read_markings import suggest_from_read
    from geoloc.gazetteer import default_gazetteer
    from geoloc.signage import place_clues

    with Case.open(root) as case:
        read = read_text(case, request, progress=progress, cancel=cancel)
    if not read.text.strip():
        return read, [], []
    return read, suggest_from_read(read.text), place_clues(read.text, default_gazetteer())


class TextContribution:
    """Installs Read text, the Text dock and the read's boxes over the viewer."""

    def install(self, ctx: WorkbenchContext) -> None:
        """Add the action to the Annotate menu, the dock, and follow the viewer."""
        self.ctx = ctx
        if ctx.viewer is None:
            raise RuntimeError("reading text needs the main window's media viewer")
        self.viewer = ctx.viewer
        self.job: Job | None = None
        self._overlay: ReadOverlay | None = None
        self.panel_slot = LazyPanel(self._make_panel, ctx.window)
        ctx.add_dock("Text", self.panel_slot, "right")
        self.panel_slot.contribution = self  # type: ignore[attr-defined]
        menu = ctx.menu("&Annotate")
        menu.addSeparator()
        self.action = make_action(
            ctx.window,
            "&Read text",
            "Ctrl+R",
            "Read the text in the selected box (or the whole frame): makers, places",
            self.read_text,
            name="action_read_text",
            writes=True,
        )
        menu.addAction(self.action)
        # And on the image itself: a right click on the viewer offers it.
        view = self.viewer.graphics_view()
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        view.addAction(self.action)
        self.viewer.frame_shown.connect(self._frame_shown)
        ctx.signals.case_closed.connect(self._closed)

    # widgets ------------------------------------------------------------------------------
    def _make_panel(self) -> TextPanel:
        from ui.text.panel import TextPanel

        panel = TextPanel()
        panel.read_requested.connect(self.read_text)
        panel.maker_accepted.connect(self.accept_maker)
        panel.place_accepted.connect(self.accept_place)
        return panel

    @property
    def panel(self) -> TextPanel:
        """The Text dock's widget (built on first use)."""
        return cast("TextPanel", self.panel_slot.ensure())

    @property
    def overlay(self) -> ReadOverlay:
        """The boxes over the viewer's image."""
        if self._overlay is None:
            from ui.text.overlay import ReadOverlay

            self._overlay = ReadOverlay(self.viewer.graphics_scene())
        return self._overlay

    def _frame_shown(self, item_id: str, frame_index: int, _pixels: str) -> None:
        if self._overlay is not None:
            self._overlay.follow(item_id, frame_index)

    def _closed(self) -> None:
        if self.job is not None:
            self.job.cancel()
        if self._overlay is not None:
            self._overlay.clear()
        if self.panel_slot.is_built():
            self.panel.show_result(None, [], [])

    def selected_annotation(self) -> str:
        """The annotation selected on the shown frame ("" when none, or no layer yet)."""
        controller = self.ctx.window.findChild(QObject, "annotation_controller")
        selected = getattr(controller, "selected_id", None)
        return str(selected()) if callable(selected) else ""

    # reading ------------------------------------------------------------------------------
    def read_text(self, langs: str | None = None) -> Job | None:
        """Read the selected box, or the whole frame, in the background."""
        from forensics.ocr.reading import ReadRequest

        root = self.ctx.case_root()
        shown = self.viewer.current_frame()
        case = self.ctx.current_case()
        if case is not None and case.readonly:
            self.ctx.window.statusBar().showMessage(
                "This case is read-only: a text read cannot be recorded", 8000
            )
            return None
        if root is None or shown is None:
            self.ctx.window.statusBar().showMessage(
                "Show an image or a video frame in the viewer first", 8000
            )
            return None
        if self.job is not None:
            return self.job
        panel = self.panel
        reveal(panel)
        langs = langs or str(panel.languages.currentData())
        request = ReadRequest(
            item_id=shown.item_id,
            frame_index=shown.frame_index,
            annotation_id=self.selected_annotation() or None,
            langs=langs,
        )
        panel.set_busy(True)
        job = self.ctx.runner.start(
            "Reading text",
            lambda progress, cancel: read_and_suggest(root, request, progress, cancel),
        )
        job.signals.finished.connect(self._read_done)
        job.signals.failed.connect(self._read_failed)
        job.signals.ended.connect(self._ended)
        self.job = job
        return job

    def _ended(self) -> None:
        self.job = None
        if self.panel_slot.is_built():
            self.panel.set_busy(False)

    def _read_failed(self, message: str, _traceback: str) -> None:
        QMessageBox.warning(self.ctx.window, "Read text", message)

    def _read_done(self, result: Result) -> None:
        read, makers, places = result
        self.panel.show_result(read, makers, places)
        self._fill_components(read.item_id)
        shown = self.viewer.current_frame()
        if shown is not None and (shown.item_id, shown.frame_index) == (
            read.item_id,
            read.frame_index,
        ):
            self.overlay.show(read)
        self.ctx.signals.flush()

    def _fill_components(self, item_id: str) -> None:
        from forensics.provenance.models import Component
        from forensics.store.provenance import ProvenanceRepository

        case = self.ctx.current_case()
        if case is None:
            return
        components = ProvenanceRepository(case.db).all(Component)
        names = [(c.id, case.items.get(c.id).name) for c in components]
        item = case.items.get(item_id)
        preferred = next(
            (c.id for c in components if c.id == item.parent_id or item_id in c.photo_item_ids),
            None,
        )
        self.panel.set_components(names, preferred)

    # accepting ----------------------------------------------------------------------------
    def accept_maker(self, index: int, component_id: str) -> None:
        """Link the component to the maker the read suggested."""
        from forensics.ocr.makers import accept_read_suggestion

        case, read = self.ctx.current_case(), self.panel.read
        if case is None or read is None:
            return
        suggestion = self.panel.makers[index]
        try:
            link = accept_read_suggestion(case, read, suggestion, component_id)
        except WorkbenchError as exc:
            QMessageBox.warning(self.ctx.window, "Link component to maker", str(exc))
            return
        self._accepted(read, f"Linked to {suggestion.manufacturer} ({link.basis})")

    def accept_place(self, index: int) -> None:
        """Record the place the read names as a hypothesis supported by the sign."""
        from geoloc.signage import accept_place_clue

        case, read = self.ctx.current_case(), self.panel.read
        if case is None or read is None:
            return
        clue = self.panel.places[index]
        try:
            hypothesis = accept_place_clue(case, read, clue)
        except WorkbenchError as exc:
            QMessageBox.warning(self.ctx.window, "Record place as hypothesis", str(exc))
            return
        self._accepted(read, f"Hypothesis recorded: {hypothesis.place_name}")

    def _accepted(self, read: OcrRead, message: str) -> None:
        self.ctx.window.statusBar().showMessage(message, 8000)
        if read.annotation_id is None:
            # A box was drawn for the read: show the frame again so the annotation layer
            # draws it.
            self.ctx.signals.frame_requested.emit(read.item_id, read.frame_index)
