"""The annotation feature's part of the main window: tools, docks, menu, export and import."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QMenu,
    QMessageBox,
    QWidget,
)

from forensics.case import Case
from forensics.jobs import CancelToken, ProgressFn
from ui.context import WorkbenchContext
from ui.lazy import LazyPanel, WhenShown

if TYPE_CHECKING:
    # The annotation layer (service, controller, tools) loads with the first frame shown or
    # the first Annotate action, not at start-up.
    from forensics.annotations.models import AnnotationFilter
    from forensics.annotations.service import AnnotationService
    from ui.annotate.controller import AnnotationController
    from ui.annotate.editor import AnnotationEditor
    from ui.annotate.frames_view import FramesOfInterestView
    from ui.annotate.list_dock import AnnotationsDock

log = logging.getLogger(__name__)

_TOOLS = (
    ("box", "&Box", "B"),
    ("point", "&Point", "P"),
    ("polygon", "Pol&ygon", "G"),
    ("arrow", "&Arrow", "A"),
)


def _action(parent: Any, text: str, shortcut: str, tip: str, slot: Any) -> QAction:
    action = QAction(text, parent)
    action.setShortcut(QKeySequence(shortcut))
    action.setStatusTip(tip)
    action.triggered.connect(slot)
    return action


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
        # The docks start tabbed behind the viewer: their widgets are built, and read the
        # case, when first looked at (or when an action needs them).
        self.list_slot = LazyPanel(self._make_list, ctx.window)
        self.editor_slot = LazyPanel(self._make_editor, ctx.window)
        self.frames_slot = LazyPanel(self._make_frames, ctx.window)
        for title, slot in (
            ("Annotations", self.list_slot),
            ("Annotation", self.editor_slot),
            ("Frames of interest", self.frames_slot),
        ):
            ctx.add_dock(title, slot)
        # The slot is a child of the window: it keeps this contribution alive with it.
        self.list_slot.contribution = self  # type: ignore[attr-defined]
        self.list_refresh = WhenShown(self.list_slot, lambda: self.list.reload())
        self.frames_refresh = WhenShown(self.frames_slot, self._thumbnails)
        ctx.signals.case_opened.connect(lambda _case: self._reload(thumbnails=True))
        ctx.signals.case_closed.connect(self._closed)
        ctx.signals.case_changed.connect(self.list_refresh.request)
        self._build_menu(ctx.menu("&Annotate"))

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
            self._controller = controller
        return self._controller

    def _make_list(self) -> AnnotationsDock:
        from ui.annotate.list_dock import AnnotationsDock

        dock = AnnotationsDock(self._service)
        dock.frame_requested.connect(self.ctx.signals.frame_requested.emit)
        dock.annotation_chosen.connect(self._chosen)
        return dock

    def _make_editor(self) -> AnnotationEditor:
        from ui.annotate.editor import AnnotationEditor

        editor = AnnotationEditor(self.controller)
        editor.link_followed.connect(self._follow)
        editor.show_annotation(self.controller.selected_id())
        return editor

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
        return cast("AnnotationEditor", self.editor_slot.ensure())

    @property
    def frames(self) -> FramesOfInterestView:
        """The frames-of-interest thumbnails (built on first use)."""
        return cast("FramesOfInterestView", self.frames_slot.ensure())

    def _build_menu(self, menu: QMenu) -> None:
        w = self.ctx.window
        self.tool_actions: dict[str, QAction] = {}
        for tool, text, key in _TOOLS:
            act = _action(
                w,
                text,
                key,
                f"Draw a {tool} on the frame in the viewer",
                lambda _c=False, t=tool: self.controller.tool.set_tool(t),
            )
            act.setCheckable(True)
            self.tool_actions[tool] = act
            menu.addAction(act)
        menu.addAction(
            _action(
                w,
                "Stop &drawing",
                "S",
                "Back to panning the frame",
                lambda: self.controller.tool.set_tool(""),
            )
        )
        menu.addAction(
            _action(
                w,
                "&Label for new marks…",
                "L",
                "Choose the label new annotations get",
                self._choose_label,
            )
        )
        menu.addSeparator()
        menu.addAction(
            _action(
                w,
                "Start &track",
                "T",
                "Drawn boxes become keyframes of a new track; frames between are interpolated",
                lambda: self.controller.start_track(),
            )
        )
        menu.addAction(
            _action(
                w,
                "&End track on this frame",
                "E",
                "The tracked object leaves the view here",
                lambda: self.controller.end_track_here(),
            )
        )
        menu.addAction(
            _action(
                w,
                "Stop tracking",
                "Shift+T",
                "Drawn shapes are single marks again",
                lambda: self.controller.stop_track(),
            )
        )
        menu.addSeparator()
        undo = self.undo_stack.createUndoAction(w, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        undo.setStatusTip("Undo the last annotation edit")
        redo = self.undo_stack.createRedoAction(w, "&Redo")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        redo.setStatusTip("Redo the annotation edit undone last")
        menu.addActions([undo, redo])
        menu.addAction(
            _action(
                w,
                "&Delete annotation",
                "Delete",
                "Delete the selected annotation and its links",
                lambda: self.controller.delete(),
            )
        )
        menu.addSeparator()
        menu.addAction(
            _action(
                w,
                "E&xport annotations…",
                "Ctrl+Shift+E",
                "Export as COCO, CVAT for video, MOT or drawn PNGs",
                self._export,
            )
        )
        menu.addAction(
            _action(
                w,
                "&Import annotations…",
                "Ctrl+Shift+I",
                "Import COCO JSON or CVAT for video XML",
                self._import,
            )
        )
        menu.addAction(
            _action(
                w,
                "Refresh frames of &interest",
                "Ctrl+Shift+F",
                "Draw the thumbnails of every annotated frame again",
                self.frames_refresh.show_and_run,
            )
        )

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
        self.ctx.signals.case_changed.emit()

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

    def _choose_label(self) -> None:
        svc = self._service()
        if svc is None:
            return
        names = svc.labels().names()
        label, ok = QInputDialog.getItem(
            self.ctx.window,
            "Label",
            "Label for new marks:",
            names,
            max(0, names.index(self.controller.label)) if self.controller.label in names else 0,
            True,
        )
        if ok and label:
            if label not in names:
                svc.add_label(label)
            self.controller.label = label

    # jobs -----------------------------------------------------------------------------------
    def _thumbnails(self) -> None:
        root = self.ctx.case_root()
        if root is None:
            return

        def work(progress: ProgressFn, cancel: CancelToken) -> Any:
            from forensics.annotations.service import AnnotationService
            from forensics.annotations.thumbnails import frames_of_interest

            with Case.open(root, readonly=True) as case:
                svc = AnnotationService(case)
                try:
                    return frames_of_interest(svc, progress=progress, cancel=cancel)
                finally:
                    svc.close()

        job = self.ctx.runner.start("Drawing frames of interest", work)
        job.signals.finished.connect(self.frames.load)
        job.signals.failed.connect(lambda m, _tb: self._failed(f"frames of interest: {m}"))

    def _export(self) -> None:
        root = self.ctx.case_root()
        if root is None:
            return
        from forensics.annotations.exchange import EXPORTERS

        parent: QWidget = self.ctx.window
        fmt, ok = QInputDialog.getItem(
            parent, "Export annotations", "Format:", list(EXPORTERS), 0, False
        )
        if not ok:
            return
        out = QFileDialog.getExistingDirectory(parent, "Export annotations into folder")
        if out:
            self.run_export(fmt, Path(out), self.list.current_filter())

    def run_export(self, fmt: str, out: Path, flt: AnnotationFilter | None = None) -> Any:
        """Export in the background; returns the job."""
        root = self.ctx.case_root()

        def work(progress: ProgressFn, cancel: CancelToken) -> Any:
            from forensics.annotations.exchange import export_annotations
            from forensics.annotations.service import AnnotationService

            with Case.open(root) as case:  # type: ignore[arg-type]
                svc = AnnotationService(case)
                try:
                    return export_annotations(svc, fmt, out, flt, progress=progress, cancel=cancel)
                finally:
                    svc.close()

        job = self.ctx.runner.start(f"Exporting annotations ({fmt})", work)
        job.signals.finished.connect(lambda report: self._exported(report, out))
        job.signals.failed.connect(lambda m, _tb: self._failed(f"export to {out}: {m}"))
        return job

    def _exported(self, report: Any, out: Path) -> None:
        text = f"{report.frames} frame(s), {report.shapes} shape(s) exported to {out}"
        if report.warnings:
            QMessageBox.information(
                self.ctx.window,
                "Export annotations",
                text + "\n\n" + "\n".join(report.warnings[:30]),
            )
        self.ctx.window.statusBar().showMessage(text, 8000)

    def _import(self) -> None:
        path, _f = QFileDialog.getOpenFileName(
            self.ctx.window, "Import annotations", "", "COCO JSON or CVAT XML (*.json *.xml)"
        )
        if path:
            self.run_import(Path(path))

    def run_import(self, path: Path, fmt: str | None = None) -> Any:
        """Import in the background; returns the job."""
        from forensics.annotations.exchange import IMPORTERS, import_annotations

        root = self.ctx.case_root()
        if fmt is not None and fmt not in IMPORTERS:
            raise ValueError(fmt)

        def work(progress: ProgressFn, cancel: CancelToken) -> Any:
            from forensics.annotations.service import AnnotationService

            with Case.open(root) as case:  # type: ignore[arg-type]
                svc = AnnotationService(case)
                try:
                    return import_annotations(svc, path, fmt, progress=progress, cancel=cancel)
                finally:
                    svc.close()

        job = self.ctx.runner.start(f"Importing annotations from {path.name}", work)
        job.signals.finished.connect(lambda report: self._imported(report, path))
        job.signals.failed.connect(lambda m, _tb: self._failed(f"import of {path}: {m}"))
        return job

    def _imported(self, report: Any, path: Path) -> None:
        self._reload(thumbnails=True)
        if self._controller is not None:
            self._controller.refresh()
        self.ctx.signals.case_changed.emit()
        text = (
            f"{report.imported} imported, {report.tracks} track(s), {report.duplicates} "
            f"already in the case, {len(report.rejected)} rejected"
        )
        if report.rejected or report.warnings:
            QMessageBox.warning(
                self.ctx.window,
                f"Import of {path.name}",
                text + "\n\n" + "\n".join((report.rejected + report.warnings)[:40]),
            )
        self.ctx.window.statusBar().showMessage(text, 8000)
