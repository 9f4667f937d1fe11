"""The window title: which case (its title, and its folder or server URL), whether it is the
original or a copy imported from a team's archive, and who examines.

Two windows on a case and its imported copy look alike in every panel; the title is what
tells them apart at a glance, on the task bar too. A copy is known by the custody entry its
unpack wrote (`transferred`, with the archive's name and whether it was signed); the name a
signer claims is not shown here, as it is not trusted (`forensics.exchange.trust_store`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from forensics.identity import session_examiner
from forensics.records.core import CustodyAction
from forensics.textsafe import shown

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from forensics.case import Case
    from ui.context import WorkbenchSignals

APP_NAME = "Provenance Workbench"


class ImportedFrom(NamedTuple):
    """Where an imported copy came from, as its unpack recorded it."""

    archive: str
    signed: bool
    packed_at: str


def imported_from(case: Case) -> ImportedFrom | None:
    """The archive this case was unpacked from, or None for an original case."""
    details: dict[str, Any] | None = case.custody.last_details(CustodyAction.TRANSFERRED)
    if details is None:
        return None
    signature = details.get("signature")
    signed = isinstance(signature, dict) and bool(signature.get("valid"))
    return ImportedFrom(
        archive=str(details.get("received", "?")),
        signed=signed,
        packed_at=str(details.get("packed_at") or ""),
    )


def title_for(case: Case | None) -> str:
    """The whole title line for the window showing `case` (None: no case open)."""
    examiner = (case.signer if case is not None else None) or session_examiner()
    who = f"examiner {shown(examiner.label())}" if examiner else "no examiner (unsigned)"
    if case is None:
        return f"{APP_NAME} — {who}"
    info = case.info_or_none()
    name = shown(info.title if info else case.root.name)
    if case.readonly:
        # A reviewer's server case takes comments, nothing else.
        name += " [reviewer: read and comment]" if case.may_comment else " [read-only]"
    source = imported_from(case)
    if source is None:
        origin = "original"
    else:
        origin = f"imported copy of {shown(source.archive)}" + (
            "" if source.signed else " (unsigned)"
        )
    # The folder, or the server URL of a case kept on PostgreSQL (never with a password).
    return f"{name} — {shown(str(case.location))} — {origin} — {who} — {APP_NAME}"


class WindowTitle:
    """Keeps the window's title current as cases open and close and the examiner changes."""

    def __init__(
        self,
        window: QMainWindow,
        signals: WorkbenchSignals,
        current_case: Callable[[], Case | None],
    ) -> None:
        self._window = window
        self._current_case = current_case
        signals.case_opened.connect(lambda _c: self.refresh())
        signals.case_closed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Write the title for the open case and examiner."""
        self._window.setWindowTitle(title_for(self._current_case()))
