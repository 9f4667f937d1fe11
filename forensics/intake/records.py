"""The records of an ingest: options, per-input outcomes, the report, a content's source
and the item it becomes.

Kept apart from the ingest machinery so the GUI and the CLI can build and read them without
pulling in the copying code.
"""

from __future__ import annotations

from collections.abc import Callable, MutableSequence, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from forensics.case import Case
from forensics.jobs import CancelToken
from forensics.models import Item
from forensics.store.db import new_id, utc_now

if TYPE_CHECKING:
    from forensics.intake.batch import IngestBatch


class PostIngestRun(Protocol):
    """One ingest's post-ingest work, running alongside the copying (see `PostIngest`)."""

    def submit(self, item_ids: Sequence[str], *, again: bool = False) -> None:
        """Hand over items just committed (called from the ingesting thread); `again`: items
        found already stored, on which only what was left undone is done."""
        ...

    def counts(self) -> tuple[int, int]:
        """Items finished and items handed over so far."""
        ...

    def hold_writes(self) -> AbstractContextManager[None]:
        """While the ingest commits a batch: the run commits what it holds first and opens
        no transaction until the ingest leaves (both write the same case)."""
        ...

    def finished(self, item_id: str, timeout: float = 0.0) -> bool:
        """True once the run's work on this item is committed, or the run has ended (the
        per-item steps may read what it stored); waits up to `timeout` s for it."""
        ...

    def wait(self, timeout: float) -> bool:
        """After the last `submit`: wait up to `timeout` s; True once all work has ended."""
        ...

    def warnings(self) -> dict[str, list[str]]:
        """After `wait` returned True: the warnings to report, per item id."""
        ...


PostIngest = Callable[[Case, Item, CancelToken], Sequence[str]]
"""Work run on each newly ingested item (metadata extraction, hypotheses…); returns warnings
to report. A step that also has `start` (`StreamingPostIngest`) runs alongside the copying."""


@runtime_checkable
class StreamingPostIngest(Protocol):
    """A post-ingest step that works alongside the copying (metadata extraction).

    `ingest_paths` starts one run per ingest and hands items over in batches as they are
    committed, so the work proceeds while the rest is still copied; the other steps run on
    each item once the streaming ones are done (they may read what those stored). A lone
    `store_content` (the demo) calls every step on its one item.
    """

    def __call__(self, case: Case, item: Item, cancel: CancelToken) -> Sequence[str]:
        """Work on one item now; returns the warnings to report."""
        ...

    def start(self, case: Case, cancel: CancelToken) -> PostIngestRun:
        """Begin a run for one ingest."""
        ...


@dataclass(frozen=True)
class IngestOptions:
    """How an ingest runs: who, under which parent, and what to do after each file."""

    parent_id: str | None = None
    examiner: str | None = None
    note: str | None = None
    reason: str | None = None
    expand_disk_images: bool = True
    carve: bool = False
    """Also carve each disk image's unallocated space with PhotoRec (`intake.carve`)."""
    post_ingest: Sequence[PostIngest] = ()
    batch: IngestBatch | None = field(default=None, compare=False, repr=False)
    """Set by `ingest_paths` while it runs: stored items are committed in batches."""


@dataclass(frozen=True)
class IngestOutcome:
    """What happened to one input."""

    path: str
    """The input's path, escaped for display."""
    status: str
    """"ingested", "duplicate", "recorded" (a symlink), "skipped" (an empty folder) or
    "rejected"."""
    item: Item | None = None
    reason: str | None = None
    warnings: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()
    """Integrity problems of the evidence itself (an E01 whose stored hashes do not match
    its media): the ingest ends with the verification-findings exit code."""

    def to_json(self) -> dict[str, Any]:
        """The outcome as `pwb ingest --json` prints it."""
        out: dict[str, Any] = {"path": self.path, "status": self.status}
        if self.item is not None:
            out["item"] = self.item.to_json()
        if self.reason is not None:
            out["reason"] = self.reason
        out["warnings"] = list(self.warnings)
        out["findings"] = list(self.findings)
        return out


@dataclass
class IngestReport:
    """Every outcome of one ingest command, and whether it was cancelled."""

    outcomes: MutableSequence[IngestOutcome] = field(default_factory=list)
    """In input order; `ingest_paths` keeps them in a temporary file (`OutcomeLog`)."""
    cancelled: bool = False

    @property
    def rejected(self) -> list[IngestOutcome]:
        """The inputs that could not be ingested."""
        return [o for o in self.outcomes if o.status == "rejected"]

    @property
    def findings(self) -> list[str]:
        """Integrity problems found in the evidence (an E01 failing its stored hashes)."""
        return [f for o in self.outcomes for f in o.findings]

    @property
    def items(self) -> list[Item]:
        """The items created or found by this ingest."""
        return [o.item for o in self.outcomes if o.item is not None]

    def summary(self, each: Callable[[IngestOutcome], None] | None = None) -> dict[str, Any]:
        """Everything `to_json` says but the outcomes themselves: whether it was cancelled,
        how many inputs had each status, and the findings (one pass over the outcomes);
        `each` is called with every outcome on the way (the CLI prints them in that pass:
        a card's outcomes are read back from a file)."""
        counts = dict.fromkeys(("ingested", "duplicate", "recorded", "skipped", "rejected"), 0)
        findings: list[str] = []
        for o in self.outcomes:
            if each is not None:
                each(o)
            if o.status in counts:
                counts[o.status] += 1
            findings.extend(o.findings)
        return {
            "cancelled": self.cancelled,
            "ingested": counts["ingested"],
            "duplicates": counts["duplicate"],
            "recorded": counts["recorded"],
            "skipped": counts["skipped"],
            "rejected": counts["rejected"],
            "findings": findings,
        }

    def to_json(self) -> dict[str, Any]:
        """The report as `pwb ingest --json` prints it."""
        return {**self.summary(), "outcomes": [o.to_json() for o in self.outcomes]}


@dataclass(frozen=True)
class ContentSource:
    """Where a piece of content came from, for the item it becomes."""

    name: str
    source_path: str | None = None
    source_path_raw: bytes | None = None
    fs_path: str | None = None
    fs_path_raw: bytes | None = None
    fs_deleted: bool | None = None
    fs_mtime: str | None = None
    fs_atime: str | None = None
    fs_ctime: str | None = None
    fs_crtime: str | None = None
    recovery: str | None = None
    """How a not-live content was found (`models.Recovery`); None for a live file."""
    content_state: str | None = None
    """What is known of a not-live content (`models.ContentState`); None for a live file."""
    attributes: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    """What the caller already knows is doubtful about the content (a deleted file...)."""


def item_from_source(
    source: ContentSource,
    *,
    kind: str,
    parent_id: str | None,
    actor: str,
    note: str | None,
    warnings: tuple[str, ...] | None = None,
    **content: Any,
) -> Item:
    """The new item a found piece of content becomes, in one place for the files, folders
    and links of a host folder or a disk image: where it was found (paths, file-system
    times, deletion, recovery, what is known of its content) is its source's.

    Args:
        source: where it was found.
        kind: the item's kind (`models.ItemKind`).
        parent_id: the item it goes under.
        actor: who records it.
        note: the ingest's note.
        warnings: the item's warnings (default: the source's).
        content: what the content itself gave (sha256, md5, size, mime, link_target).
    """
    return Item(
        id=new_id(),
        kind=kind,
        name=source.name,
        parent_id=parent_id,
        source_path=source.source_path,
        source_path_raw=source.source_path_raw,
        fs_path=source.fs_path,
        fs_path_raw=source.fs_path_raw,
        fs_deleted=source.fs_deleted,
        fs_mtime=source.fs_mtime,
        fs_atime=source.fs_atime,
        fs_ctime=source.fs_ctime,
        fs_crtime=source.fs_crtime,
        recovery=source.recovery,
        content_state=source.content_state,
        attributes=dict(source.attributes),
        warnings=source.warnings if warnings is None else warnings,
        note=note,
        created_at=utc_now(),
        created_by=actor,
        **content,
    )
