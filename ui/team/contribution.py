"""The team feature's part of the window: File > Team… (Ctrl+Alt+T).

Shown only while a case on a server is open (a folder case has no team), enabled for
whoever may list it; the dialog lets the case's admin add people.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ui.actions import make_action
from ui.context import WorkbenchContext

if TYPE_CHECKING:
    from forensics.case import Case
    from ui.team.dialog import TeamDialog


class TeamContribution:
    """Installs File > Team…"""

    def install(self, ctx: WorkbenchContext) -> None:
        """Add the action to the File menu; follow the open case."""
        self.ctx = ctx
        self.dialog: TeamDialog | None = None
        self.action = make_action(
            ctx.window,
            "&Team…",
            "Ctrl+Alt+T",
            "Who has which role in this server case; its administrator adds people",
            self.show_team,
            name="action_team",
        )
        ctx.menu("&File").addAction(self.action)
        self.action.setVisible(False)
        ctx.signals.case_opened.connect(self._opened)
        ctx.signals.case_closed.connect(lambda: self.action.setVisible(False))

    def _opened(self, case: Case) -> None:
        self.action.setVisible(case.db.on_server)

    def show_team(self) -> TeamDialog | None:
        """Open the Team dialog on the server case open (nothing on a folder case)."""
        from ui.team.dialog import TeamDialog

        case = self.ctx.current_case()
        if case is None or not case.db.on_server:
            return None
        self.dialog = TeamDialog(case, self.ctx.window)
        self.dialog.open()
        return self.dialog
