"""Review comments: what a reviewer (or any examiner) says about a record of the case.

A comment is on one record (an item, an annotation, a location hypothesis, a component or
another provenance record) or on another comment (a reply). It is a record like any other:
written with its signed custody entry through the recorded-write path, carried in archives,
merged and verified. It is also the one record a reviewer on a server case may write
(`forensics.store.roles` grants that and nothing else); `login` is the server login that
wrote it, which the server checks against the connection (None on a folder case).
Comments are never edited or removed: a correction is a reply.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from forensics.records.declare import CustodyActionEnum, RecordType, col

MAX_TEXT = 4000
"""The longest comment, in characters (a review note, not a document)."""


class CommentTarget(enum.StrEnum):
    """What a comment can be on: the custody subject of the record it is about."""

    ITEM = "item"
    ANNOTATION = "annotation"
    HYPOTHESIS = "geo_hypothesis"
    COMPONENT = "component"
    COMPONENT_LINK = "component_link"
    MANUFACTURER = "manufacturer"
    SOURCE = "source"
    CLAIM = "claim"
    COMMENT = "comment"
    """A reply to another comment."""


class CommentAction(CustodyActionEnum):
    """The custody action of a comment."""

    COMMENTED = "comment_added", "review comment added"


@dataclass(frozen=True)
class Comment:
    """One comment on one record, by one person, at one time."""

    id: str
    target_type: str = field(metadata=col(vocabulary=CommentTarget))
    target_id: str
    item_id: str | None
    """The item the commented record belongs to (its own id for an item), when it has one:
    the custody entry is filed under it and the item's views reload."""
    text: str
    login: str | None
    """The server login that wrote it (None on a folder case)."""
    created_at: str
    created_by: str

    @property
    def is_reply(self) -> bool:
        """True when it answers another comment."""
        return self.target_type == CommentTarget.COMMENT

    def to_record(self) -> dict[str, Any]:
        """The JSON-able state whose digest the custody log keeps."""
        return COMMENT.state(self)


COMMENT = RecordType(Comment, subject="comment", table="comments")

RECORD_TYPES: tuple[RecordType[Any], ...] = (COMMENT,)
"""The comment record types."""
