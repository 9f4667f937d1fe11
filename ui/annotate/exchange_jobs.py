"""The annotation feature's background work: frames of interest, export and import.

Each job opens its own connection to the case (jobs run off the GUI thread) and its own
`AnnotationService`, closed when the work ends; the result is reported in the status bar,
with a dialog listing what was left out or rejected, naming the file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from forensics.case import Case
from forensics.jobs import CancelToken, ProgressFn
from ui.context import WorkbenchContext

if TYPE_CHECKING:
    from forensics.annotations.models import AnnotationFilter
    from forensics.annotations.service import AnnotationService
    from ui.jobs import Job


def _with_service(
    root: Path, fn: Callable[[AnnotationService], Any], *, readonly: bool = False
) -> Any:
    """Run `fn` with a service over its own connection to the case at `root`."""
    from forensics.annotations.service import AnnotationService

    with Case.open(root, readonly=readonly) as case:
        svc = AnnotationService(case)
        try:
            return fn(svc)
        finally:
            svc.close()


class AnnotationJobs:
    """Starts the annotation jobs and reports how they ended.

    Args:
        ctx: the main window's context (runner, window, open case).
        failed: shows an error message to the user.
        imported: called after an import, before its report (reload what shows annotations).
    """

    def __init__(
        self,
        ctx: WorkbenchContext,
        failed: Callable[[str], None],
        imported: Callable[[], None],
    ) -> None:
        self.ctx = ctx
        self._failed = failed
        self._after_import = imported

    def _start(
        self,
        title: str,
        failure: str,
        call: Callable[[AnnotationService, ProgressFn, CancelToken], Any],
        done: Callable[[Any], None],
        *,
        readonly: bool = False,
    ) -> Job:
        """Run `call(service, progress, cancel)` as a job over its own connection; `done`
        gets the result, a failure is shown as "`failure`: reason"."""
        root = self.ctx.case_root()

        def work(progress: ProgressFn, cancel: CancelToken) -> Any:
            return _with_service(
                root,  # type: ignore[arg-type]
                lambda svc: call(svc, progress, cancel),
                readonly=readonly,
            )

        job = self.ctx.runner.start(title, work, writes=not readonly)
        job.signals.finished.connect(done)
        job.signals.failed.connect(lambda m, _tb: self._failed(f"{failure}: {m}"))
        return job

    def thumbnails(self, done: Callable[[Any], None]) -> Job | None:
        """Draw the frames of interest in the background; `done` gets them."""
        if self.ctx.case_root() is None:
            return None

        def draw(svc: AnnotationService, progress: ProgressFn, cancel: CancelToken) -> Any:
            from forensics.annotations.thumbnails import frames_of_interest

            return frames_of_interest(svc, progress=progress, cancel=cancel)

        return self._start(
            "Drawing frames of interest", "frames of interest", draw, done, readonly=True
        )

    def ask_export(self, current_filter: Callable[[], AnnotationFilter | None]) -> None:
        """Ask for a format and a folder, then export what `current_filter()` then selects."""
        if self.ctx.case_root() is None:
            return
        from forensics.annotations.formats import export_names

        parent: QWidget = self.ctx.window
        fmt, ok = QInputDialog.getItem(
            parent, "Export annotations", "Format:", export_names(), 0, False
        )
        if not ok:
            return
        out = QFileDialog.getExistingDirectory(parent, "Export annotations into folder")
        if out:
            self.run_export(fmt, Path(out), current_filter())

    def run_export(self, fmt: str, out: Path, flt: AnnotationFilter | None = None) -> Any:
        """Export in the background; returns the job."""

        def export(svc: AnnotationService, progress: ProgressFn, cancel: CancelToken) -> Any:
            from forensics.annotations.exchange import export_annotations

            return export_annotations(svc, fmt, out, flt, progress=progress, cancel=cancel)

        return self._start(
            f"Exporting annotations ({fmt})",
            f"export to {out}",
            export,
            lambda report: self._exported(report, out),
        )

    def _exported(self, report: Any, out: Path) -> None:
        text = f"{report.frames} frame(s), {report.shapes} shape(s) exported to {out}"
        if report.warnings:
            QMessageBox.information(
                self.ctx.window,
                "Export annotations",
                text + "\n\n" + "\n".join(report.warnings[:30]),
            )
        self.ctx.window.statusBar().showMessage(text, 8000)

    def ask_import(self) -> None:
        """Ask for a COCO or CVAT file, then import it."""
        path, _f = QFileDialog.getOpenFileName(
            self.ctx.window, "Import annotations", "", "COCO JSON or CVAT XML (*.json *.xml)"
        )
        if path:
            self.run_import(Path(path))

    def run_import(self, path: Path, fmt: str | None = None) -> Any:
        """Import in the background; returns the job."""
        from forensics.annotations.exchange import import_annotations
        from forensics.annotations.formats import import_names

        if fmt is not None and fmt not in import_names():
            raise ValueError(fmt)
        # Files from other tools name frames, not media (CVAT's `frame_000042`): they land
        # on the media on screen, as `--item` does on the command line.
        frame = self.ctx.viewer.current_frame() if self.ctx.viewer is not None else None
        shown = frame.item_id if frame is not None else None
        return self._start(
            f"Importing annotations from {path.name}",
            f"import of {path}",
            lambda svc, progress, cancel: import_annotations(
                svc, path, fmt, item_id=shown, progress=progress, cancel=cancel
            ),
            lambda report: self._imported(report, path),
        )

    def _imported(self, report: Any, path: Path) -> None:
        self._after_import()
        self.ctx.signals.flush()
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
