"""Merge records: one per archive merged into the case, and the conflicts it raised."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from typing import Any

from forensics.records.declare import CustodyActionEnum, RecordType


@dataclass(frozen=True)
class MergeRecord:
    """One merge of an archive into this case."""

    id: str
    archive_name: str
    manifest_sha256: str
    origin_case_id: str | None
    origin_title: str | None
    packed_by: str | None
    packed_at: str | None
    signer: str | None
    redaction: str
    added: int
    updated: int
    unchanged: int
    conflicts: int
    created_at: str
    created_by: str


class ConflictKind(enum.StrEnum):
    """Why a record is in conflict."""

    EDITED = "edited"
    """Both sides changed the record."""
    DELETED_THERE = "deleted_there_edited_here"
    """They deleted the record, we changed it (or built on it) since."""


class ConflictStatus(enum.StrEnum):
    """Where a conflict stands: open until the analyst keeps ours or takes theirs."""

    OPEN = "open"
    KEPT_MINE = "kept_mine"
    TOOK_THEIRS = "took_theirs"


class MergeAction(CustodyActionEnum):
    """The custody actions of merging another team's archive."""

    MERGED = "merged", "merged from another team's archive"
    """A record the merge added or changed, and the merge itself."""
    CONFLICT = "merge_conflict", "merge conflict recorded"
    CONFLICT_RESOLVED = "merge_conflict_resolved", "merge conflict resolved"
    DELETED = "merge_deleted", "deleted because the other team deleted it"
    """A record deleted here because they deleted it."""
    DELETION_NOT_APPLIED = "merge_deletion_not_applied", "other team's deletion not applied"


EDITED = ConflictKind.EDITED.value
DELETED_THERE = ConflictKind.DELETED_THERE.value


@dataclass(frozen=True)
class Conflict:
    """A record both sides changed, or one they deleted and we changed: ours until decided.

    For a `DELETED_THERE` conflict `theirs` is empty and `deletion` holds the facts of their
    deletion entry (who, when, why, its seq and hash) and, when our records still point at the
    record, `used_by`.
    """

    id: str
    merge_id: str
    table_name: str
    record_id: str
    subject_type: str | None
    mine: dict[str, Any]
    theirs: dict[str, Any]
    status: str
    resolved_at: str | None
    resolved_by: str | None
    created_at: str
    created_by: str
    updated_at: str | None
    kind: str = EDITED
    deletion: dict[str, Any] | None = None

    @property
    def changed_columns(self) -> list[str]:
        """The columns whose values differ between the two sides (none for a deletion)."""
        if self.kind == DELETED_THERE:
            return []
        return [k for k in self.mine if self.mine.get(k) != self.theirs.get(k)]


OPEN = ConflictStatus.OPEN.value
KEPT_MINE = ConflictStatus.KEPT_MINE.value
TOOK_THEIRS = ConflictStatus.TOOK_THEIRS.value


def merge_state(merge: MergeRecord) -> dict[str, Any]:
    """The JSON-able state of a merge record (what its custody entry digests)."""
    return asdict(merge)


def conflict_state(conflict: Conflict) -> dict[str, Any]:
    """The JSON-able state of a conflict record (what its custody entries digest).

    An edit conflict's state leaves out `kind` and `deletion`, so the digests logged before
    conflicts had a kind still verify.
    """
    state = asdict(conflict)
    if conflict.kind == EDITED and conflict.deletion is None:
        del state["kind"], state["deletion"]
    return state


MERGE = RecordType(MergeRecord, subject="merge", table="merges", state_fn=merge_state)
CONFLICT = RecordType(
    Conflict, subject="merge_conflict", table="merge_conflicts", state_fn=conflict_state
)
