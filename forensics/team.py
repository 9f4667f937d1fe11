"""A server case's team, as the CLI's `pwb team add|list` and the GUI's File > Team… use it.

The grants are the store's (`forensics.store.roles`); adding a person is also a custody entry,
written in the same transaction as the grant, so the two entry points cannot differ.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from forensics.errors import CaseError
from forensics.records.core import CustodyAction
from forensics.store import roles

if TYPE_CHECKING:
    from forensics.case import Case

ROLES = roles.ROLES
"""The roles a person can be given: examiner, reviewer, admin."""


def _server(case: Case) -> None:
    if not case.db.on_server:
        raise CaseError(f"{case.location}: team roles are for a case on a server")


def members(case: Case) -> list[tuple[str, str]]:
    """`(login, role)` of everyone given a role in the case, sorted.

    Raises:
        CaseError: a folder case.
    """
    _server(case)
    return roles.members(case.db)


def may_add_people(case: Case) -> bool:
    """True when the connected person may add people (the case's admin or its owner)."""
    return case.db.on_server and not case.readonly and roles.may_add_people(case.db)


def add_member(
    case: Case, login: str, role: str, *, actor: str | None = None, reason: str | None = None
) -> str:
    """Give a person's server login a role in the case, and log it.

    Returns:
        The server role granted.

    Raises:
        CaseError: a folder case, an unknown role or login, the roles not set up, or the
            connected person is not the case's administrator (the server's refusal).
    """
    _server(case)
    login = login.strip()
    if not login:
        raise CaseError("give the person's login on the server")
    with case.recording(actor, reason=reason) as rec:
        granted = roles.grant(case.db, login, role)
        rec.note(
            CustodyAction.TEAM_MEMBER_ADDED,
            details={"login": login, "role": role, "server_role": granted},
        )
    return granted
