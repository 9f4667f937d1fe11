"""File > Export: one action per export format of the case, whichever feature declares it.

The window does not know the formats: the application hands it the list it derives from its
feature list (`app.features.export_formats`), the same one `pwb export` runs. Each export runs
as a job with its own case connection, in the Jobs panel (progress, Cancel; a failure shown
with its reason); the writer logs the export in the custody chain, so it waits its turn in
the case's writer queue.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu

from forensics.case import Case
from forensics.jobs import CancelToken, ProgressFn
from ui.actions import make_action

if TYPE_CHECKING:
    from ui.job_handle import JobHandle
    from ui.main_window import MainWindow


class CaseExport(Protocol):
    """An export format of the whole case (`app.features.ExportFormat`)."""

    @property
    def name(self) -> str:
        """The format's name (`pwb export --format`)."""
        ...

    @property
    def label(self) -> str:
        """The menu text, with its `&` mnemonic."""
        ...

    @property
    def suffix(self) -> str:
        """The file suffix the save dialog proposes."""
        ...

    @property
    def shortcut(self) -> str:
        """The action's key sequence."""
        ...

    @property
    def tip(self) -> str:
        """The action's status tip."""
        ...

    def write(self, case: Case, out: Path, actor: str | None = None) -> dict[str, Any]:
        """Write the case into `out`; returns a summary with `path` and `sha256`."""
        ...


class CaseExports:
    """The export actions of File > Export and the jobs behind them."""

    def __init__(self, window: MainWindow, formats: Sequence[CaseExport], menu: QMenu) -> None:
        self.w = window
        self.formats = {f.name: f for f in formats}
        self.actions: dict[str, QAction] = {}
        self.last_job: JobHandle | None = None
        for fmt in formats:
            action = make_action(
                window,
                fmt.label,
                fmt.shortcut,
                fmt.tip,
                lambda name=fmt.name: self.export(name),
                name=f"export_{fmt.name}",
            )
            menu.addAction(action)
            self.actions[fmt.name] = action
        window.signals.case_opened.connect(lambda _c: self._enable(True))
        window.signals.case_closed.connect(lambda: self._enable(False))
        self._enable(window.current_case() is not None)

    def _enable(self, has_case: bool) -> None:
        for action in self.actions.values():
            action.setEnabled(has_case)

    def export(self, name: str, out: Path | None = None) -> JobHandle | None:
        """Export the open case in format `name` into `out` (asked for when not given).

        Returns:
            The job, or None when no case is open or no file was chosen.
        """
        from ui.job_handle import JobHandle

        case = self.w.current_case()
        if case is None:
            return None
        fmt = self.formats[name]
        if out is None:
            start = str(case.root.parent / f"{case.root.name}{fmt.suffix}")
            chosen, _ = QFileDialog.getSaveFileName(
                self.w, f"Export {fmt.label.replace('&', '').rstrip('…')}", start
            )
            if not chosen:
                return None
            out = Path(chosen)
        root, target = case.location, out

        def work(_progress: ProgressFn, _cancel: CancelToken) -> dict[str, Any]:
            with Case.open_for_reading(root) as own:  # the job's own connection
                return fmt.write(own, target)

        handle = JobHandle(
            self.w.runner,
            f"Export ({fmt.name})",
            work,
            lambda summary: self._exported(fmt.name, summary),
            self.w,
            writes=True,
        )
        self.last_job = handle
        return handle

    def _exported(self, name: str, summary: dict[str, Any]) -> str:
        self.w.signals.flush()
        text = f"Wrote {summary.get('path')} ({name}, sha256 {str(summary.get('sha256'))[:16]})"
        self.w.statusBar().showMessage(text, 10000)
        return text
