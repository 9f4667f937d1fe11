"""`pwb comment add | list`: review comments on a case's records.

A comment is the one thing a reviewer may write on a server case; on a folder case anyone
who can write may comment. The case opens for reading (and commenting): a reviewer's
`pwb comment add` works where their `pwb annotate` is refused.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import UsageError, add_actor_flags, case_command, listing, open_case, reply
from app.cli.examiner import require_examiner
from forensics.errors import NotFoundError
from forensics.textsafe import shown


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `comment`."""
    top = sub.add_parser("comment", help="review comments on items, annotations and records")
    verbs = top.add_subparsers(dest="verb", metavar="VERB", required=True)
    p = case_command(verbs, "add", cmd_add, help="comment on a record (or reply to a comment)")
    p.add_argument(
        "--on",
        required=True,
        help="the record: an id (or a unique prefix), or an item's, maker's or source's name",
    )
    p.add_argument("text", help="what you say (at most 4000 characters)")
    add_actor_flags(p, reason=False)
    p = case_command(verbs, "list", cmd_list, help="the comments, all or on one record")
    p.add_argument("--on", help="only the comments on this record (and the replies to them)")


def _document(comment: Any, label: str) -> dict[str, Any]:
    return {
        "id": comment.id,
        "on": {"type": comment.target_type, "id": comment.target_id, "label": label},
        "item_id": comment.item_id,
        "reply": comment.is_reply,
        "text": comment.text,
        "by": comment.created_by,
        "login": comment.login,
        "at": comment.created_at,
    }


def cmd_add(args: argparse.Namespace) -> int:
    from forensics.case import Case
    from forensics.comments import add_comment, resolve
    from forensics.store.location import parse_location

    require_examiner()  # the comment's entry is signed with the profile's key
    with Case.open_for_reading(parse_location(args.case_dir)) as case:
        try:
            target = resolve(case, args.on)
        except NotFoundError as exc:
            raise UsageError(str(exc)) from exc
        comment = add_comment(case, target, args.text, actor=args.examiner)
    return reply(
        args,
        _document(comment, target.label),
        f"comment {comment.id} on {shown(target.label)} by {shown(comment.created_by)}",
    )


def cmd_list(args: argparse.Namespace) -> int:
    from forensics.comments import comments, resolve, target_of

    with open_case(args.case_dir, readonly=True) as case:
        on = None
        if args.on is not None:
            try:
                on = resolve(case, args.on)
            except NotFoundError as exc:
                raise UsageError(str(exc)) from exc
        found = comments(case, on)
        labels = {c.id: target_of(case, c).label for c in found}
    return listing(
        args,
        {
            "on": None if on is None else {"type": on.kind.value, "id": on.id, "label": on.label},
            "comments": [_document(c, labels[c.id]) for c in found],
        },
        [[c.created_at, shown(c.created_by), shown(labels[c.id]), shown(c.text)] for c in found],
        ["AT", "BY", "ON", "TEXT"],
    )
