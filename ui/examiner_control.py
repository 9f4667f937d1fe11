"""The window's examiner: who signs, shown in the status bar, switched from the File menu.

The examiner is the process's (`forensics.identity.use_examiner`): every case connection the
window or its jobs open signs with that key, and the GUI thread's open case is switched too.
The key is unlocked here, on the GUI thread (a passphrase is asked in a dialog), before any
job could need it. Closing the window seals the open case's head with the examiner's key.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QLabel, QLineEdit, QMainWindow, QMessageBox

from forensics.errors import WorkbenchError
from forensics.identity import Examiner, session_examiner, short_fingerprint, use_examiner
from ui.after_paint import after_first_paint

if TYPE_CHECKING:
    from collections.abc import Callable

    from forensics.case import Case
    from ui.examiner_dialog import ExaminerDialog, ProfileLike, Profiles

log = logging.getLogger(__name__)


class ExaminerControl:
    """Status-bar label, File > Switch examiner…, first-start question, seal on close."""

    def __init__(
        self,
        window: QMainWindow,
        profiles: Profiles | None,
        current_case: Callable[[], Case | None],
    ) -> None:
        self._window = window
        self._profiles = profiles
        self._current_case = current_case
        self.label = QLabel()
        self.label.setObjectName("examiner_status")
        window.statusBar().addPermanentWidget(self.label)
        self.switch_action = QAction("Switch e&xaminer…", window)
        self.switch_action.setObjectName("action_switch_examiner")
        self.switch_action.setShortcut(QKeySequence("Ctrl+Alt+E"))
        self.switch_action.setStatusTip(
            "Choose or create the examiner profile whose key signs what you do"
        )
        self.switch_action.setEnabled(profiles is not None)
        self.switch_action.triggered.connect(lambda: self.ask(first_start=False))
        self.dialog: ExaminerDialog | None = None
        self.listeners: list[Callable[[], None]] = []
        """Called whenever the examiner changes (the window title names them)."""
        self.refresh()

    def refresh(self) -> None:
        """Show who signs now."""
        examiner = session_examiner()
        if examiner is None:
            self.label.setText("Examiner: none (nothing is signed)")
            self.label.setToolTip("")
        else:
            self.label.setText(f"Examiner: {examiner.label()}")
            self.label.setToolTip(
                f"Entries are signed with key {short_fingerprint(examiner.fingerprint)} "
                f"(profile {examiner.profile or '-'})"
            )
        for listener in self.listeners:
            listener()

    def start(self) -> None:
        """On start: act as the last profile, else ask who is examining, once the window has
        painted (the question sits on the workbench, which is in sight first; a profile
        chosen meanwhile from the File menu is not asked for again)."""
        if session_examiner() is not None or self._profiles is None:
            self.refresh()
            return
        try:
            selected = self._profiles.selected()
        except WorkbenchError as exc:
            log.warning("the last examiner profile cannot be used: %s", exc)
            selected = None
        if selected is None or not self._activate(selected):
            after_first_paint(self._window, self._ask_at_start)

    def _ask_at_start(self) -> None:
        if session_examiner() is None and self.dialog is None:
            self.ask(first_start=True)

    def ask(self, *, first_start: bool) -> ExaminerDialog | None:
        """Open the profile dialog (window-modal, not blocking); None without profiles."""
        if self._profiles is None:
            return None
        # The dialog's module loads when it is first opened: an examiner with a profile is
        # never asked at start.
        from ui.examiner_dialog import ExaminerDialog

        dialog = ExaminerDialog(self._profiles, first_start=first_start, parent=self._window)
        dialog.accepted.connect(lambda: self._chosen(dialog))
        if first_start:
            dialog.rejected.connect(self._declined)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _declined(self) -> None:
        if session_examiner() is None:
            self._window.statusBar().showMessage(
                "No examiner chosen: nothing you do can be signed. File > Switch examiner… "
                "(Ctrl+Alt+E) to choose one.",
                15000,
            )

    def _chosen(self, dialog: ExaminerDialog) -> None:
        if self._profiles is None or dialog.chosen is None:
            return
        try:
            profile = self._profiles.use(dialog.chosen)
        except WorkbenchError as exc:
            QMessageBox.critical(self._window, "Cannot use the profile", str(exc))
            return
        self._activate(profile)

    def _activate(self, profile: ProfileLike) -> bool:
        assert self._profiles is not None
        try:
            examiner = self._profiles.examiner(profile, self._ask_passphrase)
            if profile.encrypted:
                examiner.unlock()  # the passphrase is asked here: a job could not ask it
            # (a key without one is read when first needed, off the start-up path)
        except WorkbenchError as exc:
            QMessageBox.critical(self._window, "Cannot unlock the examiner's key", str(exc))
            return False
        self.act_as(examiner)
        return True

    def act_as(self, examiner: Examiner) -> None:
        """Sign as `examiner` from now on, in the open case too."""
        use_examiner(examiner)
        case = self._current_case()
        if case is not None:
            case.act_as(examiner)
        self.refresh()
        self._window.statusBar().showMessage(f"Acting as {examiner.label()}", 5000)

    def _ask_passphrase(self, prompt: str) -> str:
        text, ok = QInputDialog.getText(
            self._window, "Examiner's passphrase", prompt, QLineEdit.EchoMode.Password
        )
        if not ok:
            raise WorkbenchError("no passphrase given")
        return str(text)

    def seal_on_close(self, case: Case | None) -> dict[str, object] | None:
        """Seal the open case's head as the window closes (a failure is logged, never
        keeps the window open)."""
        if case is None or case.readonly or case.signer is None:
            return None
        from forensics.seals import seal_case

        try:
            return seal_case(case, "closing the workbench")
        except Exception:  # a locked database must not keep the window from closing
            log.exception("%s: could not seal the case on closing", case.root)
            return None
