"""Review comments: what a person says about a record, and what a reference to one means.

A comment is a declared record (`forensics.records.comments`) written with its signed custody
entry through the recorded-write path, restricted to comments (`case.recording(only=COMMENT)`):
that is the one write a reviewer's case allows (`Case.may_comment`), and on a server the
reviewer's role may insert a comment, as themselves, and nothing else (`forensics.store.roles`).

Reports and lists name the record a comment is on in words (`Target.label`), never by its id
alone: "annotation 'vehicle' on DJI_0001.MP4", "component camera module".
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from forensics.errors import NotFoundError, ReadOnlyCaseError, ValidationError
from forensics.records.comments import COMMENT, MAX_TEXT, Comment, CommentAction, CommentTarget
from forensics.store.comments import CommentRepository
from forensics.store.db import utc_now
from forensics.store.roles import current_login

if TYPE_CHECKING:
    from forensics.case import Case


@dataclass(frozen=True)
class Target:
    """A record a comment can be on, as a person reads it."""

    kind: CommentTarget
    id: str
    item_id: str | None
    """The item it belongs to (its own id for an item), when it has one."""
    label: str
    """What it is, in words ("annotation 'vehicle' on DJI_0001.MP4")."""


def _item_name(case: Case, item_id: str | None) -> str:
    if item_id is None:
        return "(no item)"
    item = case.items.find(item_id)
    return item.name if item is not None else "(removed item)"


def describe(case: Case, kind: CommentTarget, record: Any) -> Target:
    """A record as a comment target: its kind, id, item and label."""
    rid = str(record.id)
    if kind is CommentTarget.ITEM:
        return Target(kind, rid, rid, f"item {record.name}")
    if kind is CommentTarget.ANNOTATION:
        item = _item_name(case, record.item_id)
        return Target(kind, rid, record.item_id, f"annotation '{record.label}' on {item}")
    if kind is CommentTarget.HYPOTHESIS:
        where = record.place_name or f"{record.lat:.5f}, {record.lon:.5f}"
        on = f" for {_item_name(case, record.item_id)}" if record.item_id else ""
        return Target(kind, rid, record.item_id, f"location hypothesis {where}{on}")
    if kind is CommentTarget.COMPONENT:
        return Target(kind, rid, rid, f"component {_item_name(case, rid)} ({record.function})")
    if kind is CommentTarget.COMPONENT_LINK:
        maker = _maker_name(case, record.manufacturer_id)
        component = _item_name(case, record.component_id)
        return Target(kind, rid, record.component_id, f"attribution of {component} to {maker}")
    if kind is CommentTarget.MANUFACTURER:
        return Target(kind, rid, None, f"manufacturer {record.name}")
    if kind is CommentTarget.SOURCE:
        return Target(kind, rid, None, f"source {record.title}")
    if kind is CommentTarget.CLAIM:
        text = record.text if len(record.text) <= 60 else record.text[:57] + "..."
        return Target(kind, rid, None, f"claim '{text}'")
    return Target(kind, rid, record.item_id, f"comment by {record.created_by}")


def _maker_name(case: Case, maker_id: str) -> str:
    maker = CommentRepository(case.db).find_target(CommentTarget.MANUFACTURER, maker_id)
    return str(maker.name) if maker is not None else "(removed manufacturer)"


def resolve(case: Case, ref: str) -> Target:
    """The record a person means by `ref`: an id, a unique prefix of one, or the name of an
    item, a manufacturer or a source.

    Raises:
        NotFoundError: nothing, or several records, match.
    """
    found = CommentRepository(case.db).locate(ref)
    if not found:
        raise NotFoundError(
            f"'{ref}': no item, annotation, hypothesis, provenance record or comment has that "
            "id or name"
        )
    if len(found) > 1:
        listed = "; ".join(f"{describe(case, k, r).label} ({r.id})" for k, r in found[:5])
        raise NotFoundError(f"'{ref}' could mean several records: {listed}; give an id")
    kind, record = found[0]
    return describe(case, kind, record)


def target_of(case: Case, comment: Comment) -> Target:
    """The record a comment is on (labelled as removed when it is gone)."""
    kind = CommentTarget(comment.target_type)
    record = CommentRepository(case.db).find_target(kind, comment.target_id)
    if record is None:
        label = f"{kind.value.replace('_', ' ')} {comment.target_id} (removed)"
        return Target(kind, comment.target_id, comment.item_id, label)
    return describe(case, kind, record)


def check_text(text: str) -> str:
    """The comment's text, trimmed.

    Raises:
        ValidationError: empty, or longer than `MAX_TEXT` characters.
    """
    text = text.strip()
    if not text:
        raise ValidationError("a comment needs some text")
    if len(text) > MAX_TEXT:
        raise ValidationError(
            f"a comment holds at most {MAX_TEXT} characters (this one has {len(text)}); "
            "split it into replies"
        )
    return text


def add_comment(
    case: Case, target: Target | str, text: str, *, actor: str | None = None
) -> Comment:
    """Comment on a record (or reply to a comment), with its signed custody entry.

    Args:
        case: the case (writable, or a reviewer's: `case.may_comment`).
        target: the record, or a reference to it (see `resolve`).
        text: what the commenter says.
        actor: who comments (default: the case's actor, the signing examiner).

    Returns:
        The comment as stored.

    Raises:
        ReadOnlyCaseError: the case cannot take comments (read-only media, read-only open).
        NotFoundError: the reference matches no record, or several.
        ValidationError: empty or over-long text.
    """
    if not case.may_comment:
        if case.db.on_server:
            raise ReadOnlyCaseError(
                f"{case.location}: your role on the server may not comment on this case "
                "(a case set up by an older version: its owner runs `pwb team setup` again)"
            )
        raise ReadOnlyCaseError(f"{case.location}: read-only case; comments cannot be added")
    text = check_text(text)
    if isinstance(target, str):
        target = resolve(case, target)
    name = case.actor(actor)
    comment = Comment(
        id=str(uuid.uuid4()),
        target_type=target.kind.value,
        target_id=target.id,
        item_id=target.item_id,
        text=text,
        login=current_login(case.db),
        created_at=utc_now(),
        created_by=name,
    )
    with case.recording(name, only=COMMENT) as rec:
        rec.insert(
            comment,
            CommentAction.COMMENTED,
            item_id=target.item_id,
            details={"target_type": target.kind.value, "target_id": target.id},
        )
    return comment


def comments(case: Case, on: Target | None = None) -> list[Comment]:
    """The comments on one record (with the replies to them), or all, oldest first."""
    repo = CommentRepository(case.db)
    return repo.all() if on is None else repo.on(on.id)
