"""`pwb withdraw`: take back a component's attribution to a manufacturer.

A link is withdrawn, never deleted: it stays on the record, marked withdrawn, with who, when
and why in the custody log. Withdrawing is the one change a link can get, to one value, so two
examiners withdrawing the same link at once never clash: the second finds it done, writes
nothing, and is told who withdrew it and when (exit 0, the same end).
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import add_actor_flags, case_command, open_case, reply, resolved
from forensics.provenance.components import withdraw_link, withdrawal
from forensics.provenance.models import ComponentLink, Manufacturer
from forensics.records.provenance import LinkStatus
from forensics.store.provenance import ProvenanceRepository
from forensics.textsafe import escape_name


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the withdraw command."""
    p = case_command(
        sub,
        "withdraw",
        cmd_withdraw,
        help="withdraw a component's attribution (it stays on the record, marked withdrawn)",
        case_arg="case",
    )
    p.add_argument("link", help="the link's id or prefix (`pwb link` and `component list`)")
    add_actor_flags(p)


def cmd_withdraw(args: argparse.Namespace) -> int:
    with open_case(args.case) as case:
        repo = ProvenanceRepository(case.db)
        link = resolved(lambda r: repo.resolve_prefix(ComponentLink, r), args.link)
        withdrawn = withdraw_link(case, link.id, actor=args.examiner, reason=args.reason)
        entry = withdrawal(case, link.id)
        maker = repo.get(Manufacturer, link.manufacturer_id)
    # Withdrawn already (by a colleague, or before): the same end, nothing written, exit 0.
    already = link.status == LinkStatus.WITHDRAWN and entry is not None
    by = (
        f" (withdrawn already by {escape_name(entry.actor)} at "
        f"{entry.at[:16].replace('T', ' ')} UTC"
        + (f": {escape_name(entry.reason)}" if entry.reason else "")
        + ")"
        if already and entry is not None
        else ""
    )
    return reply(
        args,
        {
            **withdrawn.record(),
            "manufacturer": maker.name,
            "withdrawn_by": entry.actor if entry else None,
            "withdrawn_at": entry.at if entry else None,
            "reason": entry.reason if entry else None,
        },
        f"{withdrawn.id}  {withdrawn.component_id[:8]} -/-> {escape_name(maker.name)} "
        f"withdrawn{by}",
    )
