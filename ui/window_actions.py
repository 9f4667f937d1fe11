"""The main window's own menus: File, Case, View and Help, each action with a shortcut and a
status tip, and the handlers behind them (those that open, make and close cases are in
`ui.case_file_actions`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QMenu,
    QMessageBox,
    QWidget,
)

from ui.actions import make_action, mark_writes
from ui.case_file_actions import CaseFileActions

if TYPE_CHECKING:
    from ui.ingest_dialog import IngestDialog
    from ui.ingest_job import IngestJob
    from ui.main_window import MainWindow
    from ui.user_guide import UserGuideDialog
    from ui.verify_dialog import VerifyDialog

_DIGITS = [str(n) for n in range(1, 10)] + ["0"]
_DOCK_KEYS = [f"Alt+{d}" for d in _DIGITS] + [f"Alt+Shift+{d}" for d in _DIGITS]
"""Show/hide shortcuts of the docks in the order added: Alt+digit, then Alt+Shift+digit."""


class WindowActions(CaseFileActions):
    """Builds the window's menus and runs what they ask for."""

    def __init__(self, window: MainWindow) -> None:
        self.w = window
        self.actions: dict[str, QAction] = {}
        self._dock_toggles = 0
        file_menu = window.menu("&File")
        self._add(
            file_menu, "new_case", "&New case…", "Ctrl+N", "Create a new case folder", self.new_case
        )
        self._add(
            file_menu,
            "open_case",
            "&Open case…",
            "Ctrl+O",
            "Open an existing case folder",
            self.open_case,
        )
        self._add(
            file_menu,
            "open_server_case",
            "Open case on a &server…",
            "Ctrl+Shift+O",
            "Open a case a team shares on a PostgreSQL server, by its URL",
            self.open_server_case,
        )
        self.recent_menu = file_menu.addMenu("&Recent cases")
        self.recent_menu.setObjectName("menu_recent")
        self.recent_menu.menuAction().setStatusTip("Open one of the cases opened last")
        self._add(
            file_menu,
            "close_case",
            "&Close case",
            "Ctrl+W",
            "Close the open case",
            self.close_case,
        )
        self.export_menu = file_menu.addMenu("E&xport")
        self.export_menu.setObjectName("menu_export")
        self.export_menu.menuAction().setStatusTip(
            "Write the case for others: archives, reports, CASE/UCO, CSV, maps, annotations"
        )
        file_menu.addSeparator()
        switch = window.examiner.switch_action
        file_menu.addAction(switch)
        self.actions["switch_examiner"] = switch
        file_menu.addSeparator()
        self._add(
            file_menu,
            "quit",
            "&Quit",
            "Ctrl+Q",
            "Stop running jobs, save the layout and quit",
            self.w.close,
        )

        case_menu = window.menu("&Case")
        self._add(
            case_menu,
            "add_evidence",
            "Add &evidence…",
            "Ctrl+I",
            "Ingest files, folders or disk images into the case",
            self.add_evidence,
        )
        self._add(
            case_menu,
            "add_hardware",
            "Register &hardware item…",
            "Ctrl+Shift+N",
            "Register a physical item (drone, module, chip) with no file",
            self.add_item,
        )
        self._add(
            case_menu,
            "edit_item",
            "&Edit selected item…",
            "Ctrl+E",
            "Edit the fields of the selected item",
            self.edit_item,
        )
        case_menu.addSeparator()
        self._add(
            case_menu,
            "verify",
            "&Verify case…",
            "Ctrl+Shift+V",
            "Re-hash every stored file and re-walk the custody chain",
            self.verify,
        )

        view_menu = window.menu("&View")
        self._add(
            view_menu,
            "find",
            "&Find in catalogue",
            "Ctrl+F",
            "Move to the catalogue's search box",
            self.w.catalogue.focus_search,
        )
        self._add(
            view_menu,
            "reset_layout",
            "&Reset layout",
            "Ctrl+Shift+R",
            "Put every panel back where it started",
            self.reset_layout,
        )
        view_menu.addSeparator()
        for dock in window.docks():
            self.add_dock_toggle(dock)

        help_menu = window.menu("&Help")
        self._add(
            help_menu,
            "user_guide",
            "&User guide",
            QKeySequence.StandardKey.HelpContents,
            "How to work a case: ingest, view, annotate, geolocate, provenance, exchange, verify",
            self.user_guide,
        )
        self._add(
            help_menu,
            "about",
            "&About Provenance Workbench",
            "Ctrl+F1",
            "Version, data sources and their licences",
            self.about,
        )
        self.guide: UserGuideDialog | None = None
        self.ingest_dialog: IngestDialog | None = None
        self.verify_dialog: VerifyDialog | None = None
        self.ingests: list[IngestJob] = []
        """The ingests started here that have not ended."""
        self.refresh_recent()
        window.signals.case_opened.connect(lambda _c: self._case_state())
        window.signals.case_closed.connect(self._case_state)
        self._case_state()
        mark_writes(*(self.actions[k] for k in ("add_evidence", "add_hardware", "edit_item")))

    def _add(
        self,
        menu: QMenu,
        key: str,
        text: str,
        shortcut: QKeySequence.StandardKey | str,
        tip: str,
        slot: Callable[[], object],
    ) -> QAction:
        action = make_action(self.w, text, shortcut, tip, slot, name=f"action_{key}")
        action.setToolTip(tip)
        menu.addAction(action)
        self.actions[key] = action
        return action

    def add_dock_toggle(self, dock: QDockWidget) -> None:
        """A View menu entry showing or hiding a dock."""
        toggle = dock.toggleViewAction()
        if self._dock_toggles < len(_DOCK_KEYS):
            toggle.setShortcut(QKeySequence(_DOCK_KEYS[self._dock_toggles]))
        self._dock_toggles += 1
        toggle.setStatusTip(f"Show or hide the {dock.windowTitle()} panel")
        self.w.menu("&View").addAction(toggle)

    def finish_menus(self) -> None:
        """Called once every feature has installed: a submenu a feature left without a
        status tip gets one naming it, so the status bar never goes blank on a menu entry."""
        pending: list[QWidget] = [self.w.menuBar()]
        while pending:
            for action in pending.pop().actions():
                sub = action.menu()
                if not isinstance(sub, QMenu):
                    continue
                if not action.statusTip():
                    action.setStatusTip(f"The {action.text().replace('&', '')} submenu")
                pending.append(sub)

    def _case_state(self) -> None:
        has_case = self.w.current_case() is not None
        for key in ("close_case", "add_evidence", "add_hardware", "edit_item", "verify"):
            self.actions[key].setEnabled(has_case)
        if not has_case:
            # The open dialogs name the case that closed: an ingest chosen there must not
            # go into the next case opened.
            if self.ingest_dialog is not None:
                self.ingest_dialog.reject()
            if self.verify_dialog is not None:
                self.verify_dialog.reject()  # cancels a running verify first
                self.verify_dialog.hide()

    # Case ---------------------------------------------------------------------------------
    def add_evidence(self) -> None:
        """Open the ingest dialog."""
        self.ingest([])

    def ingest(self, paths: Sequence[Path]) -> IngestDialog | IngestJob | None:
        """Open the Add evidence dialog (not modal), or with `paths` (files dropped on the
        window) ingest them at once under the selected item. Either way the ingest runs in
        the Jobs panel while the window stays usable.

        Returns:
            The dialog, or the job when `paths` were given; None without an open case.
        """
        from ui.ingest_dialog import IngestDialog
        from ui.ingest_job import IngestJob, IngestRequest

        case = self.w.current_case()
        if case is None:
            return None
        # The dialog's parent picker starts on the selected tree node.
        parent = self.w.tree.selected_item_id() or self.w.catalogue.selected_item_id()
        if paths:
            request = IngestRequest(paths=tuple(paths), parent_id=parent)
            job = IngestJob(self.w.runner, case.location, request, self.w.post_ingest, self.w)
            self._follow_ingest(job)
            return job
        if self.ingest_dialog is not None:
            self.ingest_dialog.reject()  # one at a time, starting from today's selection
        dialog = IngestDialog(
            self.w.runner, case.location, self.w, parent_id=parent, post_ingest=self.w.post_ingest
        )
        dialog.started.connect(self._follow_ingest)
        self.ingest_dialog = dialog
        dialog.show()
        return dialog

    def _follow_ingest(self, job: IngestJob) -> None:
        """Keep the views current while `job` runs; show a failure in a dialog."""
        from ui.error_list import ErrorListDialog

        self.ingests.append(job)
        job.ingested.connect(self.w.signals.flush)

        def failed(message: str, _trace: str) -> None:
            ErrorListDialog(
                "Ingest failed", "The ingest stopped with an error:", [message], self.w
            ).open()

        def ended() -> None:
            if job in self.ingests:
                self.ingests.remove(job)
            self.w.statusBar().showMessage(f"{job.job.name}: {job.status}", 10000)

        job.job.signals.failed.connect(failed)
        job.job.signals.ended.connect(ended)

    def add_item(self) -> None:
        """Register a hardware item under the selected item."""
        from ui.item_dialog import ItemDialog

        case = self.w.current_case()
        if case is None:
            return
        dialog = ItemDialog(case, self.w, parent_id=self.w.catalogue.selected_item_id())
        dialog.exec()  # the saved item reaches the views as a records_changed

    def edit_item(self) -> None:
        """Edit the selected item's fields."""
        from ui.item_dialog import ItemDialog

        case = self.w.current_case()
        item_id = self.w.catalogue.selected_item_id()
        if case is None:
            return
        if item_id is None:
            QMessageBox.information(
                self.w, "Edit item", "Select an item in the catalogue or the case tree first."
            )
            return
        dialog = ItemDialog(case, self.w, item_id=item_id)
        dialog.exec()  # the edit reaches the views as a records_changed

    def verify(self) -> None:
        """Verify the case in the background and show the findings beside the window."""
        from ui.verify_dialog import VerifyDialog

        case = self.w.current_case()
        if case is None:
            return
        if self.verify_dialog is not None:
            self.verify_dialog.reject()
        dialog = VerifyDialog(self.w.runner, case.location, self.w)
        self.verify_dialog = dialog
        dialog.start()
        dialog.show()  # not modal: verify runs as a job, the window stays usable

    # View / Help --------------------------------------------------------------------------
    def reset_layout(self) -> None:
        """Show every dock again in its first place."""
        self.w.dock_layout.reset()

    def user_guide(self) -> None:
        """Show the user guide beside the window (not modal: it is read while working)."""
        from ui.user_guide import UserGuideDialog

        if self.guide is None:
            self.guide = UserGuideDialog(self.w)
        self.guide.show()
        self.guide.raise_()
        self.guide.activateWindow()

    def about(self) -> None:
        """The About box: version, data sources and licences."""
        from ui.about import AboutDialog

        AboutDialog(self.w).exec()
