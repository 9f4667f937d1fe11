"""`pwb team setup | add | list`: who may do what in a case on a PostgreSQL server; and
`pwb copy-case SOURCE DEST`: a case moved between a folder and a server, either way.

The server enforces the roles (`forensics.store.roles`): a reviewer's writes are refused by
PostgreSQL, not only by this program. Adding someone is logged in the custody chain.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.common import (
    UsageError,
    add_actor_flags,
    case_command,
    listing,
    open_case,
    reply,
)
from app.cli.examiner import require_examiner
from app.cli.interrupt import long_work
from forensics.case import Case
from forensics.store import roles


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `team`."""
    top = sub.add_parser("team", help="a server case's team: reviewers, examiners, admins")
    verbs = top.add_subparsers(dest="verb", metavar="VERB", required=True)
    case_command(
        verbs,
        "setup",
        cmd_setup,
        help="make the case's roles on the server (its owner, once; again after an upgrade)",
    )
    p = case_command(verbs, "add", cmd_add, help="give a person's server login a role here")
    p.add_argument("login", help="their login role on the PostgreSQL server")
    p.add_argument("--role", required=True, choices=roles.ROLES)
    add_actor_flags(p)
    case_command(verbs, "list", cmd_list, help="who has which role in the case")

    p = case_command(
        sub,
        "copy-case",
        cmd_copy,
        help="copy a case between a folder and a PostgreSQL server (every record, the custody "
        "chain, the seals and the files)",
        case_arg="source",
    )
    p.add_argument("dest", help="a new folder, or postgresql://USER@HOST:PORT/DB (empty)")
    p.add_argument("--evidence", type=Path, help="a server destination's evidence folder")
    add_actor_flags(p, reason=False)


def cmd_copy(args: argparse.Namespace) -> int:
    from forensics.exchange.copy_case import copy_case

    require_examiner()
    with long_work("copy-case") as (bar, cancel):
        result = copy_case(
            args.source,
            args.dest,
            evidence=args.evidence,
            actor=args.examiner,
            progress=bar,
            cancel=cancel,
        )
    return reply(
        args,
        {
            "case_dir": result.destination,
            "evidence": str(result.evidence_root),
            "rows": result.rows,
            "evidence_files": result.evidence_files,
            "derived_files": result.derived_files,
        },
        f"copied to {result.destination}: {sum(result.rows.values())} rows "
        f"({result.rows.get('custody', 0)} custody entries), {result.evidence_files} evidence "
        f"and {result.derived_files} derived files",
    )


def _server_case(case: Case) -> None:
    if not case.db.on_server:
        raise UsageError(f"{case.location}: team roles are for a case on a server")


def cmd_setup(args: argparse.Namespace) -> int:
    with open_case(args.case_dir) as case:
        _server_case(case)
        names = roles.setup(case.db)
    return reply(
        args,
        {"roles": names},
        "roles made: " + ", ".join(f"{role} = {name}" for role, name in names.items()),
    )


def cmd_add(args: argparse.Namespace) -> int:
    from forensics.team import add_member

    with open_case(args.case_dir) as case:
        _server_case(case)
        granted = add_member(case, args.login, args.role, actor=args.examiner, reason=args.reason)
    return reply(
        args,
        {"login": args.login, "role": args.role, "server_role": granted},
        f"{args.login} is now {args.role} of the case ({granted})",
    )


def cmd_list(args: argparse.Namespace) -> int:
    with open_case(args.case_dir, readonly=True) as case:
        _server_case(case)
        people = roles.members(case.db)
    return listing(
        args,
        {"members": [{"login": login, "role": role} for login, role in people]},
        [[login, role] for login, role in people],
        ["LOGIN", "ROLE"],
    )
