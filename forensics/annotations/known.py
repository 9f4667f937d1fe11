"""A mark as an examiner last knew it, and whether others touched it since.

Deleting a mark from a state I knew (the undo of my mark's creation; the redo of my delete
after its undo put the mark back; `pwb annotations delete --as-of SEQ`) must not delete what
is a colleague's now: a field they changed, a link they made (it would go with the mark), a
comment they wrote (it would be on nothing). What I knew is the mark's fields and the links
and comments on it then; anything else about it now was done since, and the delete is refused
(`AnnotationService.delete(based_on=)`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from forensics.errors import EditConflictError
from forensics.records.annotations import ANNOTATION, LINK, Annotation, Link
from forensics.records.comments import COMMENT, Comment
from forensics.store.comments import CommentRepository

if TYPE_CHECKING:
    from forensics.case import Case

_STAMP = ("updated_at",)


@dataclass(frozen=True)
class Known:
    """A mark as someone last knew it: its fields, and the links and comments on it then."""

    annotation: Annotation
    links: Mapping[str, str] = field(default_factory=dict)
    """The links on it then: id -> what it supports ("item <id>")."""
    comments: Mapping[str, str] = field(default_factory=dict)
    """The comments on it (replies included) then: id -> text."""


@dataclass(frozen=True)
class Removed:
    """A deleted annotation and the links that went with it (what an undo puts back)."""

    annotation: Annotation
    links: tuple[Link, ...]
    comments: tuple[Comment, ...] = ()
    """The comments on it when it was deleted (comments are never removed: they stay on its
    id, and are on it again once an undo puts it back)."""

    @property
    def known(self) -> Known:
        """The mark as an undo of its delete puts it back: the base of a redo of the delete."""
        return Known(
            self.annotation,
            {lk.id: supports(lk) for lk in self.links},
            {c.id: c.text for c in self.comments},
        )


def supports(link: Link) -> str:
    """What a link says the mark supports, as a person reads it ("item <id>")."""
    return f"{link.target_type} {link.target_id}"


def refuse_if_touched(
    based_on: Annotation | Known,
    stored: Annotation,
    links: Sequence[Link],
    comments: Sequence[Comment],
) -> None:
    """Refuse to delete a mark others touched since the caller knew it.

    Args:
        based_on: the mark as the caller knew it; a bare annotation is the mark as made (no
            links or comments on it yet).
        stored: the mark as stored now, read inside the delete's write transaction.
        links: the links on it now.
        comments: the comments on it now.

    Raises:
        EditConflictError: a field, a link or a comment differs from `based_on`, each
            named as a clash (base, theirs, and mine: nothing, the mark deleted).
    """
    known = based_on if isinstance(based_on, Known) else Known(based_on)
    changed = ANNOTATION.changes(known.annotation, stored, ignore=_STAMP)
    now_links = {lk.id: supports(lk) for lk in links}
    if now_links.keys() != known.links.keys():
        changed["links"] = {"from": tuple(known.links.values()), "to": tuple(now_links.values())}
    said = {c.id: c.text for c in comments}
    if said.keys() != known.comments.keys():
        changed["comments"] = {"from": tuple(known.comments.values()), "to": tuple(said.values())}
    if not changed:
        return
    raise EditConflictError(
        f"annotation '{stored.label}' was changed by someone else since "
        f"({', '.join(changed)}): nothing was deleted",
        ANNOTATION.subject,
        stored.id,
        list(changed),
        clashes=[
            {"field": f, "base": c["from"], "theirs": c["to"], "mine": None}
            for f, c in changed.items()
        ],
    )


def known_at(case: Case, current: Annotation, seq: int) -> Known:
    """A mark as it was just after custody entry `seq` (what a terminal user read with
    `pwb show`): its fields, rebuilt from the changes logged since (`forensics.edits`), and
    the links and comments on it then. The links are replayed from their logged links and
    unlinks (one removed since is among them: its removal was done since); a comment counts
    when its entry is at or before `seq`.

    Raises:
        EditConflictError: the mark did not exist yet at `seq`, or was changed since in a way
            its log does not spell field by field (deleted and put back).
    """
    from forensics.edits import state_at  # every record type: only `--as-of` needs them

    label = f"annotation '{current.label}'"
    state = state_at(case, current, seq, label=label, stamps=_STAMP)
    links: dict[str, str] = {}
    comment_ids: set[str] = set()
    for entry in case.custody.entries(item_id=current.item_id):
        if entry.seq > seq:
            break
        if entry.subject_id is None:
            continue
        details: dict[str, Any] = entry.details
        if entry.subject_type == COMMENT.subject:
            comment_ids.add(entry.subject_id)
        elif entry.subject_type == LINK.subject and details.get("annotation_id") == current.id:
            if details.get("op") == "unlink":
                links.pop(entry.subject_id, None)
            else:
                links[entry.subject_id] = f"{details.get('target_type')} {details.get('target_id')}"
    said = CommentRepository(case.db).on(current.id)
    return Known(state, links, {c.id: c.text for c in said if c.id in comment_ids})
