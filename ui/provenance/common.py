"""What the provenance docks share: the case accessor and error reporting."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from forensics.case import Case
from forensics.errors import WorkbenchError

CaseProvider = Callable[[], Case | None]


def report_error(parent: QWidget, what: str, exc: Exception) -> None:
    """Show why an action failed, naming the action and the reason."""
    QMessageBox.warning(parent, "Provenance", f"{what} failed: {exc}")


def run_guarded(parent: QWidget, what: str, fn: Callable[[], object]) -> bool:
    """Run a core call; a refused value becomes a dialog instead of a crash."""
    try:
        fn()
    except (WorkbenchError, ValueError) as exc:
        report_error(parent, what, exc)
        return False
    return True
