"""The annotation layer of one viewer: what is drawn, what the tools do, the undo stack.

The controller owns nothing of the picture: it listens to the frame the viewer shows, draws
that frame's annotations over it, turns finished drawings into undoable commands, and keeps
one `AnnotationService` per open case (on the GUI thread's connection). Tracks (a mark
followed across frames) are its `TrackEdits` part, in `ui/annotate/track_edits.py`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

from forensics.annotations.models import Annotation, AnnotationFilter, FrameAnchor
from forensics.annotations.service import AnnotationService
from forensics.case import Case
from forensics.errors import WorkbenchError
from ui.annotate import commands
from ui.annotate.shapes import AnnotationShape, Points
from ui.annotate.tools import DrawingTool
from ui.annotate.track_edits import TrackEdits
from ui.edit_conflict import save_edit

log = logging.getLogger(__name__)


class AnnotationController(TrackEdits, QObject):
    """Draws and edits the annotations of the frame on screen (tracks: `TrackEdits`)."""

    changed = Signal()
    """Annotations were added, edited or removed (lists reload)."""
    selection_changed = Signal(str)
    """The selected annotation's id ("" when none)."""
    warned = Signal(str)
    """A warning to show in the status bar (a clipped box…)."""
    failed = Signal(str)
    """An edit was refused; the message names what and why."""
    label_changed = Signal(str, bool)
    """The label new marks get ("" when none is chosen yet), and whether the analyst chose it
    just now (False when a case's last-used label is restored on opening it)."""

    def __init__(
        self,
        current_case: Callable[[], Case | None],
        scene: QGraphicsScene,
        view: QGraphicsView,
        parent: QObject | None = None,
        undo_stack: QUndoStack | None = None,
    ) -> None:
        super().__init__(parent)
        self._current_case = current_case
        self._scene = scene
        self.view = view
        # The menu's Undo and Redo can be made before the controller (it is built lazily).
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.tool = DrawingTool(view, self)
        self.tool.shape_drawn.connect(self._on_drawn)
        self._svc: AnnotationService | None = None
        self._svc_case: Case | None = None
        self._frame: FrameAnchor | None = None
        self._shapes: list[AnnotationShape] = []
        self._drawn: dict[str, Annotation] = {}
        """The annotations as drawn now: a moved shape is an edit made from this state."""
        self._keys_shown: dict[str, Annotation] = {}
        """Per track, its keyframe on the frame shown (an `outside` one too, which is not
        drawn), as shown: a track step on this frame is made from it (`TrackEdits`)."""
        self.label: str | None = None
        """The label new marks get: the one chosen or used last, never a silent default."""
        self.ask_label: Callable[[], str | None] | None = None
        """Asks the user for a label when a mark is drawn before any was chosen."""
        self.track_id: str | None = None
        """While set, drawn shapes become keyframes of this track."""
        self._scene.selectionChanged.connect(self._on_selection)

    # service --------------------------------------------------------------------------------
    def current_case(self) -> Case | None:
        """The open case (None when none is)."""
        return self._current_case()

    def service(self) -> AnnotationService:
        """The service of the open case.

        Raises:
            WorkbenchError: no case is open.
        """
        case = self._current_case()
        if case is None:
            raise WorkbenchError("no case is open")
        if self._svc is None or self._svc_case is not case:
            if self._svc is not None:
                self._svc.close()
            self._svc = AnnotationService(case)
            self._svc_case = case
            self.set_label(self._svc.last_used_label(), chosen=False)
        return self._svc

    def case_closed(self) -> None:
        """Forget the case: clear the overlay and the undo history."""
        self.undo_stack.clear()
        self.tool.set_tool("")
        self.track_id = None
        self.set_label(None, chosen=False)
        self._frame = None
        self._clear()
        if self._svc is not None:
            self._svc.close()
        self._svc = None
        self._svc_case = None

    # frame ----------------------------------------------------------------------------------
    @property
    def frame(self) -> FrameAnchor | None:
        """The frame annotations are drawn on."""
        return self._frame

    def set_frame(self, anchor: FrameAnchor | None) -> None:
        """The viewer shows a new frame: draw its annotations."""
        self._frame = anchor
        self.refresh()

    def show_frame(self, item_id: str, frame_index: int, pixel_sha256: str = "") -> None:
        """Slot for the viewer's `frame_shown(item_id, frame_index, pixel_sha256)`."""
        try:
            anchor = self.service().anchor(item_id, frame_index)
        except WorkbenchError as exc:
            self._frame = None
            self._clear()
            self.failed.emit(f"frame {frame_index}: {exc}")
            return
        if pixel_sha256 and anchor.pixel_sha256 != pixel_sha256:
            log.warning("viewer and core decode frame %d differently", frame_index)
        self.set_frame(anchor)

    def _clear(self) -> None:
        for shape in self._shapes:
            if shape.scene() is self._scene:
                self._scene.removeItem(shape)
        self._shapes = []

    def refresh(self) -> None:
        """Redraw the annotations of the current frame."""
        selected = self.selected_id()
        self._clear()
        self._keys_shown = {}
        if self._frame is None or self._current_case() is None:
            return
        svc = self.service()
        labels = svc.labels()
        self._drawn = {}
        self._keys_shown = {
            a.track_id: a
            for a in svc.search(
                AnnotationFilter(item_id=self._frame.item_id, frame_index=self._frame.frame_index)
            )
            if a.track_id is not None
        }
        for shown in svc.on_frame(self._frame.item_id, self._frame.frame_index):
            ann = shown.annotation
            if not shown.interpolated:
                self._drawn[ann.id] = ann
            item = AnnotationShape(
                ann.id,
                ann.kind,
                shown.points,
                ann.label,
                labels.color(ann.label),
                interpolated=shown.interpolated,
                flagged=bool(svc.flags(ann)),
                on_moved=self._on_interpolated_moved if shown.interpolated else self._on_moved,
            )
            item.track_id = ann.track_id  # type: ignore[attr-defined]
            self._scene.addItem(item)
            self._shapes.append(item)
            if ann.id == selected and not shown.interpolated:
                item.setSelected(True)

    def shapes(self) -> list[AnnotationShape]:
        """The shapes drawn on the current frame."""
        return list(self._shapes)

    # labels -------------------------------------------------------------------------------
    def set_label(self, label: str | None, *, chosen: bool = True) -> None:
        """The label new marks get (None: ask at the next mark); `chosen` False when it is
        restored rather than picked (then not announced over the status bar's news)."""
        if label != self.label:
            self.label = label
            self.label_changed.emit(label or "", chosen)

    def pick_label(self, number: int) -> str | None:
        """Keys 1-9: the `number`-th label of the case's set becomes the label of new marks."""
        names = self.service().labels().names()
        if not 1 <= number <= len(names):
            self.warned.emit(f"the case has no label {number} (it has {len(names)})")
            return None
        self.set_label(names[number - 1])
        return self.label

    def _label_for_new_mark(self) -> str | None:
        if self.label is None and self.ask_label is not None:
            self.set_label(self.ask_label())
        return self.label

    # selection ------------------------------------------------------------------------------
    def selected_id(self) -> str:
        """The selected annotation's id ("" when none)."""
        for shape in self._shapes:
            if shape.scene() is self._scene and shape.isSelected() and not shape.interpolated:
                return shape.annotation_id
        return ""

    def select(self, annotation_id: str) -> None:
        """Select an annotation drawn on the current frame."""
        for shape in self._shapes:
            shape.setSelected(shape.annotation_id == annotation_id and not shape.interpolated)

    def _on_selection(self) -> None:
        self.selection_changed.emit(self.selected_id())

    # edits ----------------------------------------------------------------------------------
    def _push(self, command: commands._Command) -> None:
        self.undo_stack.push(command)

    def _did_change(self) -> None:
        self.refresh()
        self.changed.emit()

    def _attempt(self, what: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except WorkbenchError as exc:
            self.failed.emit(f"{what}: {exc}")
            return None

    def _on_drawn(self, kind: str, points: Points) -> None:
        if self._frame is None:
            self.failed.emit("no frame is shown to annotate")
            return
        if self.track_id is not None:
            self.set_keyframe(kind, points)
        elif self._label_for_new_mark() is None:
            self.warned.emit("no label chosen: the mark was not made")
        else:
            self.add(kind, points)

    def add(self, kind: str, points: Points, label: str | None = None) -> Annotation | None:
        """Annotate the current frame (undoable)."""
        frame = self._frame
        if frame is None:
            return None
        chosen = label or self.label
        if chosen is None:
            self.failed.emit("choose a label for new marks first (Annotate > Label)")
            return None
        saved = self._attempt(
            "annotation refused",
            lambda: self.service().add(
                frame.item_id, frame.frame_index, kind, points, chosen, anchor=frame
            ),
        )
        if saved is None:
            return None
        self.set_label(saved.annotation.label)
        for warning in saved.warnings:
            self.warned.emit(warning)
        self._push(
            commands.AddAnnotation(
                self.service, self._did_change, saved.annotation, refused=self.failed.emit
            )
        )
        self.select(saved.annotation.id)
        return saved.annotation  # type: ignore[no-any-return]

    def edit(
        self,
        annotation_id: str,
        changes: Mapping[str, Any],
        *,
        based_on: Annotation | None = None,
    ) -> Annotation | None:
        """Change an annotation (undoable). With `based_on` (the annotation as the form or
        the frame showed it) a colleague's change since is settled in the conflict dialog."""
        svc = self.service()
        stored_before: list[Annotation] = []

        def write(base: Annotation | None) -> Any:
            stored_before[:] = [svc.get(annotation_id)]
            return svc.edit(annotation_id, changes, based_on=base)

        if based_on is None:
            saved = self._attempt("edit refused", lambda: write(None))
        else:
            saved = self._attempt(
                "edit refused",
                lambda: save_edit(
                    self.view,
                    svc.case,
                    f"Annotation '{based_on.label}'",
                    based_on,
                    write,
                    lambda _current: self._did_change(),
                ),
            )
        if saved is None:
            return None
        for warning in saved.warnings:
            self.warned.emit(warning)
        self._push(
            commands.EditAnnotation(
                self.service,
                self._did_change,
                stored_before[0],
                saved.annotation,
                refused=self.failed.emit,
            )
        )
        if "label" in changes:
            self.set_label(saved.annotation.label)
        return saved.annotation  # type: ignore[no-any-return]

    def _on_moved(self, annotation_id: str, points: Points) -> None:
        drawn = self._drawn.get(annotation_id)
        if self.edit(annotation_id, {"points": points}, based_on=drawn) is None:
            self.refresh()

    def delete(self, annotation_id: str | None = None, reason: str | None = None) -> None:
        """Delete an annotation, the selected one by default (undoable); `reason` goes into
        the delete's custody entry."""
        target = annotation_id or self.selected_id()
        if not target:
            return
        removed = self._attempt(
            "delete refused", lambda: self.service().delete(target, reason=reason)
        )
        if removed is not None:
            self._push(
                commands.DeleteAnnotation(
                    self.service, self._did_change, removed, reason, refused=self.failed.emit
                )
            )

    def link(self, annotation_id: str, target_type: str, target_id: str) -> bool:
        """Link an annotation to what it supports (undoable)."""
        link = self._attempt(
            "link refused", lambda: self.service().link(annotation_id, target_type, target_id)
        )
        if link is None:
            return False
        self._push(commands.AddLink(self.service, self._did_change, link, refused=self.failed.emit))
        return True

    def unlink(self, link_id: str) -> None:
        """Remove a link (undoable)."""
        link = self._attempt("unlink refused", lambda: self.service().unlink(link_id))
        if link is not None:
            self._push(
                commands.RemoveLink(self.service, self._did_change, link, refused=self.failed.emit)
            )
