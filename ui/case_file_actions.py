"""File menu handlers that open, make and close cases: the recent cases, and the question
asked before a case closes while its jobs run (closing a case stops them).

A mixin of `ui.window_actions.WindowActions`, which gives it the window (`w`) and the Recent
cases submenu (`recent_menu`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class CaseFileActions:
    """Opening, making and closing cases from the File menu."""

    w: MainWindow
    recent_menu: QMenu

    # recent cases --------------------------------------------------------------------------
    def refresh_recent(self) -> None:
        """Rebuild the Recent cases submenu from the settings."""
        self.recent_menu.clear()
        recent = self.w.recent_cases()
        for n, path in enumerate(recent, start=1):
            action = QAction(f"&{n} {path}", self.w)
            action.setShortcut(QKeySequence(f"Ctrl+Alt+{n}"))
            action.setStatusTip(f"Open the case in {path}")
            action.triggered.connect(lambda _c=False, p=path: self.switch_to(p))
            self.recent_menu.addAction(action)
        self.recent_menu.setEnabled(bool(recent))

    # File ---------------------------------------------------------------------------------
    def may_close_case(self, doing: str) -> bool:
        """True when the open case may close now: no job of the user's runs, or the user
        agreed to stop them (closing a case cancels its jobs; what they finished stays)."""
        from ui.jobs import ENDED_STATES

        busy = [j for j in self.w.runner.jobs() if not j.quiet and j.state not in ENDED_STATES]
        if not busy or self.w.current_case() is None:
            return True
        names = "\n".join(f"• {j.name} ({j.state})" for j in busy[:6])
        more = f"\n… and {len(busy) - 6} more" if len(busy) > 6 else ""
        answer = QMessageBox.question(
            self.w,
            "Jobs are running",
            f"{doing} closes the open case and stops its running jobs:\n{names}{more}\n\n"
            "What they finished stays in the case. Stop them and go on?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def switch_to(self, location: Path | str) -> bool:
        """Open another case, after asking when jobs of the open one would be stopped."""
        case = self.w.current_case()
        same = case is not None and str(case.location) == str(location)
        if not same and not self.may_close_case("Opening another case"):
            return False
        return self.w.open_case(location)

    def close_case(self) -> None:
        """Close the open case, after asking when that stops running jobs."""
        if self.may_close_case("Closing the case"):
            self.w.close_case()

    def new_case(self) -> None:
        """Ask for a folder and a title, create the case and open it."""
        from ui.case_dialogs import NewCaseDialog

        if not self.may_close_case("A new case"):
            return
        dialog = NewCaseDialog(self.w.data_dir, self.w)
        if dialog.exec() and dialog.case is not None:
            root = dialog.case.root
            dialog.case.close()
            self.w.open_case(root)

    def open_server_case(self) -> None:
        """Ask for a server case's URL and open it (the password comes from libpq's usual
        places, never from this box)."""
        url, ok = QInputDialog.getText(
            self.w,
            "Open a case on a server",
            "Case URL (postgresql://USER@HOST:PORT/DATABASE; the password goes in ~/.pgpass "
            "or PGPASSWORD):",
        )
        if ok and url.strip():
            self.switch_to(url.strip())

    def open_case(self) -> None:
        """Pick a case folder and open it."""
        last = self.w.last_case()
        start = str(last if isinstance(last, Path) else self.w.data_dir)
        folder = QFileDialog.getExistingDirectory(self.w, "Open case folder", start)
        if folder:
            self.switch_to(Path(folder))
