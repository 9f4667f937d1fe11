"""The core records of a case: its facts, its items, the custody entries and verify findings.

Records are frozen: a change to evidence metadata is a new state written through the store,
logged in the custody chain, never an in-place mutation of an object someone else holds.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from forensics.records.declare import CustodyActionEnum, RecordType, col


class ItemKind(enum.StrEnum):
    """The kinds of item a case holds (their values are what the database stores), each
    with its names in words, declared here once for every view and report: the short label
    of a column ("Disk image"), and one and many in a sentence ("3 hardware items")."""

    _value_: str
    label: str
    noun: str
    nouns: str

    def __new__(cls, code: str, label: str, one: str, many: str) -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label, member.noun, member.nouns = label, one, many
        return member

    HARDWARE = "hardware", "Hardware", "hardware item", "hardware items"
    COMPONENT = "component", "Component", "component", "components"
    FILE = "file", "File", "file", "files"
    DISK_IMAGE = "disk_image", "Disk image", "disk image", "disk images"
    SYMLINK = "symlink", "Link", "symbolic link", "symbolic links"
    FOLDER = "folder", "Folder", "folder", "folders"
    """A folder of the source (a host folder ingested, a folder inside a disk image): it
    holds its files as children, so the evidence keeps the structure it was found in."""

    @classmethod
    def words(cls, kind: str, n: int | None = None) -> str:
        """ "3 hardware items", "1 file"; without a count, the kind's name ("hardware item").
        A kind this version does not declare (another team's) reads as its words."""
        found = cls._value2member_map_.get(kind)
        if isinstance(found, ItemKind):
            one, many = found.noun, found.nouns
        else:
            one = kind.replace("_", " ")
            many = one + "s"
        if n is None:
            return one
        return f"{n:,} {one if n == 1 else many}"

    @classmethod
    def label_of(cls, kind: str) -> str:
        """The short label of a kind ("Disk image"); an undeclared one capitalised."""
        found = cls._value2member_map_.get(kind)
        return found.label if isinstance(found, ItemKind) else kind.replace("_", " ").capitalize()

    ALL: ClassVar[tuple[str, ...]]
    WITH_CONTENT: ClassVar[tuple[str, ...]]


ItemKind.ALL = tuple(k.value for k in ItemKind)
ItemKind.WITH_CONTENT = (ItemKind.FILE.value, ItemKind.DISK_IMAGE.value)


class Recovery(enum.StrEnum):
    """How a deleted (or otherwise not live) item was found: `Item.recovery`.

    None on an item found live (allocated in its file system, or a host file).
    """

    DELETED_ENTRY = "deleted_entry"
    """A deleted name still in its folder, read with its own metadata (FAT directory entry,
    ext inode, NTFS MFT record)."""
    ORPHAN = "orphan"
    """Metadata no folder names any more (its folder was deleted or overwritten): TSK lists it
    under `$OrphanFiles`, and its path says so."""
    FREED_RECORD = "freed_mft_record"
    """NTFS: a deleted name paired again with its freed MFT record (see `intake.ntfs`)."""
    CARVED = "carved"
    """Cut out of unallocated space by a carver from its content alone: no name, no
    metadata; the byte offsets and the carver are in the item's attributes."""

    ALL: ClassVar[tuple[str, ...]]


Recovery.ALL = tuple(r.value for r in Recovery)


class ContentState(enum.StrEnum):
    """What is known of a deleted item's content: `Item.content_state`.

    None on a live item (its content is the file system's current content).
    """

    INTACT = "intact"
    """Every block the metadata names is still free: nothing written since took it over."""
    PARTLY_REALLOCATED = "partly_reallocated"
    """Some of its blocks now belong to live files: those parts may be another file's."""
    REALLOCATED = "reallocated"
    """All of its blocks (or its metadata itself) now belong to something else."""
    NO_CONTENT = "no_content"
    """The metadata no longer locates any content (ext4 clears a deleted inode's extents;
    a FAT entry whose first cluster is gone); the item holds what TSK reads: nothing."""
    UNKNOWN = "unknown"
    """Nothing tells (a carved file: no allocation record names its bytes)."""

    ALL: ClassVar[tuple[str, ...]]


ContentState.ALL = tuple(c.value for c in ContentState)


class CustodyAction(CustodyActionEnum):
    """The custody actions of the case's core, each with the phrase reports print (features
    add their own enums; the log stores the code, so any feature's action reads back as a
    plain string)."""

    CASE_CREATED = "case_created", "case created"
    ITEM_ADDED = "item_added", "item registered"
    ITEM_EDITED = "item_edited", "item details changed"
    INGESTED = "ingested", "file ingested (copied and hashed)"
    INGEST_DUPLICATE = "ingest_duplicate", "file offered again: already held"
    INGEST_REJECTED = "ingest_rejected", "file refused at ingest"
    RECOVERED = "recovered_interrupted_ingest", "interrupted ingest cleaned up"
    DISK_IMAGE_EXPANDED = "disk_image_expanded", "disk image expanded into its files"
    CARVED = "carved", "files carved from free space"
    EXTRACTED = "extracted", "metadata or frames extracted"
    ANNOTATED = "annotated", "annotation made or changed"
    EXPORTED = "exported", "written out to a file (report, archive or export)"
    VERIFIED = "verified", "case verified"
    TRANSFERRED = "transferred", "case received from an archive"
    EXAMINER_ADDED = "examiner_added", "examiner's key added to the case"
    DEMO_BUILT = "demo_built", "demo case finished"
    CASE_COPIED = "case_copied", "case copied whole to another folder or server"
    TEAM_MEMBER_ADDED = "team_member_added", "team member given access to the server case"


@dataclass(frozen=True)
class CaseInfo:
    """Who made the case, when, and with which version."""

    case_id: str
    title: str
    examiner: str
    created_at: str
    created_with: str


@dataclass(frozen=True)
class Item:
    """One piece of evidence: a physical object, or a file with its content in the store."""

    id: str
    kind: str = field(metadata=col(vocabulary=ItemKind))
    name: str
    parent_id: str | None = None
    sha256: str | None = None
    md5: str | None = None
    size: int | None = None
    mime: str | None = None
    source_path: str | None = None
    source_path_raw: bytes | None = None
    serial: str | None = None
    marking: str | None = None
    exhibit: str | None = None
    note: str | None = None
    status: str = "active"
    tags: tuple[str, ...] = ()
    fs_path: str | None = None
    fs_path_raw: bytes | None = None
    fs_deleted: bool | None = None
    fs_mtime: str | None = None
    fs_atime: str | None = None
    fs_ctime: str | None = None
    fs_crtime: str | None = None
    link_target: str | None = None
    recovery: str | None = field(default=None, metadata=col(added_later=True))
    """How a deleted item was found (`Recovery`); None for a live one."""
    content_state: str | None = field(default=None, metadata=col(added_later=True))
    """What is known of a deleted item's content (`ContentState`); None for a live one."""
    attributes: dict[str, Any] = field(default_factory=dict)
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    created_at: str = ""
    created_by: str = ""

    def to_json(self) -> dict[str, Any]:
        """The item as the CLI's `--json` documents show it (raw byte fields left out)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "parent_id": self.parent_id,
            "sha256": self.sha256,
            "md5": self.md5,
            "size": self.size,
            "mime": self.mime,
            "source_path": self.source_path,
            "serial": self.serial,
            "marking": self.marking,
            "exhibit": self.exhibit,
            "note": self.note,
            "status": self.status,
            "tags": list(self.tags),
            "fs_path": self.fs_path,
            "fs_deleted": self.fs_deleted,
            "fs_mtime": self.fs_mtime,
            "fs_atime": self.fs_atime,
            "fs_ctime": self.fs_ctime,
            "fs_crtime": self.fs_crtime,
            "link_target": self.link_target,
            "recovery": self.recovery,
            "content_state": self.content_state,
            "attributes": self.attributes,
            "created_at": self.created_at,
            "created_by": self.created_by,
            "errors": list(self.errors),
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class CustodyEntry:
    """One link of the custody hash chain."""

    seq: int
    entry_id: str
    at: str
    actor: str
    action: str
    item_id: str | None
    subject_type: str | None
    subject_id: str | None
    record_sha256: str | None
    details: dict[str, Any]
    reason: str | None
    prev_hash: str
    hash: str
    signer: str | None = None
    """The fingerprint of the key that signed the entry (None: made before signing)."""
    actor_given: bool = False
    """`actor` was typed (`--examiner`), not the signing examiner's own name."""
    signature: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The entry as `pwb log --json` prints it."""
        return {
            "seq": self.seq,
            "entry_id": self.entry_id,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "item_id": self.item_id,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "record_sha256": self.record_sha256,
            "details": self.details,
            "reason": self.reason,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
            "signer": self.signer,
            "actor_given": self.actor_given,
            "signature": self.signature,
        }


@dataclass(frozen=True)
class Finding:
    """One problem `verify` found: what, where, expected against found."""

    kind: str
    message: str
    item_id: str | None = None
    entry_seq: int | None = None
    expected: str | None = None
    found: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The finding as `pwb verify --json` prints it."""
        return {
            "kind": self.kind,
            "message": self.message,
            "item_id": self.item_id,
            "entry_seq": self.entry_seq,
            "expected": self.expected,
            "found": self.found,
        }


CASE = RecordType(CaseInfo, subject="case", table="case_info", key="case_id", stored=False)
"""The case's facts: kept as key/value rows in `case_info`, logged once when it is created."""

ITEM = RecordType(Item, subject="item", table="items")
"""An item: hardware, a component, a file or disk image with its content, a symlink."""
