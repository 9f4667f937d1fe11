"""The annotation feature's part of the main window: tools, docks, menu, export and import.

The menu is built in `menu.py`, the background jobs (frames of interest, export, import) run
from `exchange_jobs.py`; this module wires them to the viewer, the docks and the case.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QPoint
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox

from forensics.errors import WorkbenchError
from forensics.store.events import ChangeSet
from ui.annotate.context_menus import ShapeMenus
from ui.annotate.details_panel import DetailsPanel
from ui.annotate.exchange_jobs import AnnotationJobs
from ui.annotate.menu import build_annotate_menu
from ui.context import WorkbenchContext
from ui.lazy import LazyPanel, WhenShown

if TYPE_CHECKING:
    # The annotation layer (service, controller, tools) loads with the first frame shown or
    # the first Annotate action, not at start-up.
    from forensics.annotations.service import AnnotationService
    from ui.annotate.controller import AnnotationController
    from ui.annotate.editor import AnnotationEditor
    from ui.annotate.frames_view import FramesOfInterestView
    from ui.annotate.list_dock import AnnotationsDock
    from ui.annotate.shapes import AnnotationShape

log = logging.getLogger(__name__)


def _subjects() -> tuple[str, ...]:
    """The record types the annotation list shows (their module loads on the first change)."""
    from forensics.records.annotations import RECORD_TYPES

    return tuple(t.subject for t in RECORD_TYPES)


class AnnotateContribution:
    """Installs annotation tools on the viewer and the annotation docks and menu."""

    def install(self, ctx: WorkbenchContext) -> None:
        """Add the docks, the Annotate menu and the viewer overlay."""
        self.ctx = ctx
        viewer = ctx.viewer
        if viewer is None:
            raise RuntimeError("annotations need the main window's media viewer")
        self.viewer = viewer
        self._controller: AnnotationController | None = None
        self.undo_stack = QUndoStack(ctx.window)
        viewer.frame_shown.connect(self._frame_shown)
        viewer.cleared.connect(self._viewer_cleared)
        self.context_menu: QMenu | None = None
        """The right-click menu shown last (tests trigger its entries)."""
        self._shape_menus = ShapeMenus(viewer.graphics_view(), self._shape_menu)
        # The list and the frames start tabbed behind the viewer, the details beside it (one
        # labels while looking at the frame): their widgets are built, and read the case, when
        # first looked at (or when an action needs them).
        self.list_slot = LazyPanel(self._make_list, ctx.window)
        self.details = DetailsPanel(ctx.window)
        self.frames_slot = LazyPanel(self._make_frames, ctx.window)
        for title, slot, area in (
            ("Annotations", self.list_slot, "bottom"),
            ("Annotation details", self.details, "beside viewer"),
            ("Frames of interest", self.frames_slot, "bottom"),
        ):
            ctx.add_dock(title, slot, area)
        # The slot is a child of the window: it keeps this contribution alive with it.
        self.list_slot.contribution = self  # type: ignore[attr-defined]
        self.list_refresh = WhenShown(self.list_slot, lambda: self.list.reload())
        self.frames_refresh = WhenShown(self.frames_slot, self._thumbnails)
        ctx.signals.case_opened.connect(lambda _case: self._reload(thumbnails=True))
        ctx.signals.case_closed.connect(self._closed)
        ctx.signals.records_changed.connect(self._records_changed)
        self.jobs = AnnotationJobs(ctx, self._failed, self._after_import)
        self.tool_actions = build_annotate_menu(ctx.menu("&Annotate"), self)

    # the lazily built controller and widgets ---------------------------------------------
    @property
    def controller(self) -> AnnotationController:
        """The annotation layer on the viewer (built on first use)."""
        if self._controller is None:
            from ui.annotate.controller import AnnotationController

            controller = AnnotationController(
                self.ctx.current_case,
                self.viewer.graphics_scene(),
                self.viewer.graphics_view(),
                self.ctx.window,
                undo_stack=self.undo_stack,
            )
            controller.setObjectName("annotation_controller")
            controller.contribution = self  # type: ignore[attr-defined]
            controller.changed.connect(self._changed)
            controller.failed.connect(self._failed)
            controller.warned.connect(lambda m: self.ctx.window.statusBar().showMessage(m, 8000))
            controller.tool.tool_changed.connect(self._tool_changed)
            controller.ask_label = self._ask_label
            controller.label_changed.connect(self._label_changed)
            self._controller = controller
            self.details.set_editor(self._make_editor(controller))
            self._add_comments(controller)
        return self._controller

    def _make_list(self) -> AnnotationsDock:
        from ui.annotate.list_dock import AnnotationsDock

        dock = AnnotationsDock(self._service)
        dock.frame_requested.connect(self.ctx.signals.frame_requested.emit)
        dock.annotation_chosen.connect(self._chosen)
        dock.menu_requested.connect(self._row_menu)
        return dock

    def _make_editor(self, controller: AnnotationController) -> AnnotationEditor:
        from ui.annotate.editor import AnnotationEditor

        editor = AnnotationEditor(controller)
        editor.link_followed.connect(self._follow)
        editor.show_annotation(controller.selected_id())
        return editor

    def _add_comments(self, controller: AnnotationController) -> None:
        """The thread on the selected annotation, under the editor (outside it: the editor
        is off on a read-only case, the comments are not on a reviewer's)."""
        from ui.comments.box import CommentsBox

        comments = CommentsBox(self.ctx.signals, self.ctx.current_case, self.details)
        self.details.comments = comments  # type: ignore[attr-defined]
        controller.selection_changed.connect(lambda ann_id: comments.show_for(ann_id or None))
        comments.show_for(controller.selected_id() or None)
        self.details.add_below(comments)

    def _make_frames(self) -> FramesOfInterestView:
        from ui.annotate.frames_view import FramesOfInterestView

        frames = FramesOfInterestView()
        frames.frame_requested.connect(self.ctx.signals.frame_requested.emit)
        return frames

    @property
    def list(self) -> AnnotationsDock:
        """The annotations list (built on first use)."""
        return cast("AnnotationsDock", self.list_slot.ensure())

    @property
    def editor(self) -> AnnotationEditor:
        """The annotation editor (built on first use)."""
        self.controller  # noqa: B018 - building the layer builds the editor
        return cast("AnnotationEditor", self.details.editor())

    @property
    def frames(self) -> FramesOfInterestView:
        """The frames-of-interest thumbnails (built on first use)."""
        return cast("FramesOfInterestView", self.frames_slot.ensure())

    def _frame_shown(self, item_id: str, frame_index: int, pixel_sha256: str) -> None:
        from forensics.annotations.models import FrameAnchor

        # The viewer already knows the anchor of what it shows: no second decode.
        shown = self.viewer.current_frame()
        if (
            shown is not None
            and shown.item_id == item_id
            and shown.frame_index == frame_index
            and shown.pixel_sha256 == pixel_sha256
        ):
            self.controller.set_frame(
                FrameAnchor(
                    shown.item_id,
                    shown.media_sha256,
                    shown.frame_index,
                    shown.pts,
                    shown.pixel_sha256,
                    shown.width,
                    shown.height,
                )
            )
        else:
            self.controller.show_frame(item_id, frame_index, pixel_sha256)

    def _viewer_cleared(self) -> None:
        """The viewer shows no picture (a hardware item was picked…): no box may stay."""
        if self._controller is not None:
            self._controller.tool.set_tool("")
            self._controller.set_frame(None)

    def _tool_changed(self, tool: str) -> None:
        for name, action in self.tool_actions.items():
            action.setChecked(name == tool)

    # state ----------------------------------------------------------------------------------
    def _service(self) -> AnnotationService | None:
        return None if self.ctx.current_case() is None else self.controller.service()

    def _reload(self, *, thumbnails: bool = False) -> None:
        self.list_refresh.request()
        if thumbnails:
            self.frames_refresh.request()

    def _closed(self) -> None:
        if self._controller is not None:
            self._controller.case_closed()
        self.list_refresh.request()
        if self.frames_slot.is_built():
            self.frames.clear()

    def _changed(self) -> None:
        self.list_refresh.request()

    def _records_changed(self, changes: ChangeSet) -> None:
        if changes.touches(*_subjects()):
            self.list_refresh.request()

    def _shape_menu(self, shape: AnnotationShape, pos: QPoint) -> None:
        if self._controller is None:
            return  # nothing is drawn before the annotation layer exists
        from ui.annotate.context_menus import shape_menu

        view = self.viewer.graphics_view()
        if not shape.interpolated:
            self._controller.select(shape.annotation_id)
        self._popup(shape_menu(self, shape, view), view.viewport().mapToGlobal(pos))

    def _row_menu(self, annotation_id: str, where: QPoint) -> None:
        from ui.annotate.context_menus import row_menu

        self._chosen(annotation_id)
        self._popup(row_menu(self, annotation_id, self.list), where)

    def _popup(self, menu: QMenu, where: QPoint) -> None:
        if self.context_menu is not None:
            self.context_menu.deleteLater()
        self.context_menu = menu
        menu.popup(where)

    def go_to_annotation(self, annotation_id: str) -> None:
        """Show the frame of a mark and select it."""
        ann = self.controller.service().repo.find(annotation_id)
        if ann is not None:
            self.ctx.signals.frame_requested.emit(ann.item_id, ann.frame_index)
            self._chosen(annotation_id)

    def show_details(self, annotation_id: str) -> None:
        """Show a mark's details in the dock beside the viewer."""
        self._chosen(annotation_id)
        dock = self.details.parentWidget()
        if dock is not None:
            dock.show()
            dock.raise_()

    def _chosen(self, annotation_id: str) -> None:
        self.controller.select(annotation_id)
        self.editor.show_annotation(annotation_id)

    def _failed(self, message: str) -> None:
        QMessageBox.warning(self.ctx.window, "Annotation", message)

    def _follow(self, target_type: str, target_id: str) -> None:
        if target_type in ("item", "component"):
            self.ctx.signals.item_selected.emit(target_id)
            self.ctx.signals.open_item_requested.emit(target_id)
        else:
            self.ctx.window.statusBar().showMessage(f"{target_type} {target_id}", 8000)

    def choose_label(self) -> None:
        """Ask for the label new marks get (a new name is added to the case's set)."""
        label = self._ask_label()
        if label is not None:
            self.controller.set_label(label)

    def _ask_label(self) -> str | None:
        svc = self._service()
        if svc is None:
            return None
        names = svc.labels().names()
        current = self.controller.label
        label, ok = QInputDialog.getItem(
            self.ctx.window,
            "Label",
            "Label for new marks (keys 1-9 pick one without asking):",
            names,
            names.index(current) if current in names else 0,
            True,
        )
        label = label.strip()
        if not (ok and label):
            return None
        if label not in names:
            try:
                svc.add_label(label)
            except WorkbenchError as exc:
                self._failed(f"label refused: {exc}")
                return None
        return str(label)

    def delete_annotation(self, annotation_id: str | None = None) -> None:
        """Delete an annotation (the selected one by default) after asking why; the reason
        goes into the custody log. Cancelling, or giving no reason, deletes nothing."""
        controller = self.controller
        target = annotation_id or controller.selected_id()
        if not target:
            self.ctx.window.statusBar().showMessage("select the annotation to delete", 8000)
            return
        ann = controller.service().repo.find(target)
        if ann is None:
            return
        where = "the still" if ann.frame_index < 0 else f"frame {ann.frame_index}"
        reason, ok = QInputDialog.getText(
            self.ctx.window,
            "Delete annotation",
            f"Why is the '{ann.label}' mark on {where} deleted? (kept in the custody log)",
        )
        if not ok:
            return
        if not reason.strip():
            self.ctx.window.statusBar().showMessage("not deleted: a delete needs a reason", 8000)
            return
        controller.delete(target, reason.strip())

    def label_names(self) -> tuple[str, ...]:
        """The case's labels in key order (none when no case is open)."""
        svc = self._service()
        return () if svc is None else tuple(svc.labels().names())

    def pick_label(self, number: int) -> None:
        """Keys 1-9: the label of that number gets new marks."""
        if self.ctx.current_case() is not None:
            self.controller.pick_label(number)

    def manage_labels(self) -> None:
        """Open the label manager (non-modal: one keeps drawing while it is open)."""
        if self.ctx.current_case() is None:
            self._failed("open a case to manage its labels")
            return
        from ui.annotate.label_manager import LabelManager

        found = self.ctx.window.findChild(LabelManager, "label_manager")
        if found is None:
            found = LabelManager(self.controller, self.ctx.signals, self.ctx.window)
        found.reload()
        found.show()
        found.raise_()

    def _label_changed(self, label: str, chosen: bool) -> None:
        if not chosen:
            return  # restored with the case: opening it must not hide what it said
        self.ctx.window.statusBar().showMessage(
            f"New marks: {label}" if label else "New marks: a label is asked for", 8000
        )

    def _thumbnails(self) -> None:
        if self.ctx.case_root() is not None:
            self.jobs.thumbnails(self.frames.load)

    def _after_import(self) -> None:
        self._reload(thumbnails=True)
        if self._controller is not None:
            self._controller.refresh()
