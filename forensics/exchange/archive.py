"""The `.pwbcase` archive format: member names, the manifest, limits.

A `.pwbcase` file is a zip whose member names are drawn from a fixed grammar (the case's own
layout), so an unpacker can refuse anything else before it writes a byte:

- `manifest.json`: format version, who packed it, when and why, the selection and redaction,
  and every other member with its sha256 and size;
- `manifest.sig` (optional): an Ed25519 signature over the exact bytes of `manifest.json`;
- `records/<table>.jsonl`: the records, one stream per table of ours, one record per line in
  canonical JSON (`forensics.exchange.record_stream`); the manifest lists how many each holds;
- `custody.jsonl`: the custody chain shipped with the records, one entry per line;
- `evidence/ab/cd/<sha256>` and `derived/ab/cd/<sha256>.<ext>`: content-addressed files.

Format 1 carried the records as `case.db`, an SQLite snapshot, instead of `records/`. Such an
archive is still read, but never as a live database: opened read-only with
`trusted_schema=OFF`, refused unless its schema is exactly ours, its rows copied out as checked
data (`forensics.store.received`). Format 2 archives never hold a database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

FORMAT = "pwbcase"
FORMAT_VERSION = 2
"""Bumped when an older unpacker could misread an archive; newer versions are refused."""
LEGACY_DATABASE_VERSION = 1
"""The last format that carried the records as an SQLite database (`case.db`)."""

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
RECORDS = "case.db"
"""Format 1's records: an SQLite snapshot (read only through `forensics.store.received`)."""
CUSTODY = "custody.jsonl"

MAX_MANIFEST_BYTES = 64 << 20
MAX_MEMBERS = 1_000_000
"""Most members an archive may hold (a case of a million frames and files fits)."""
MAX_RATIO = 100
"""Largest inflated/compressed ratio a member may reach past `RATIO_GRACE` bytes."""
RATIO_GRACE = 1 << 20
DEFAULT_MAX_TOTAL = 1 << 40
"""Default cap on the bytes an unpack may write (1 TiB), below the free disk space anyway."""

_SHA = r"[0-9a-f]{64}"
EVIDENCE_RE = re.compile(rf"evidence/([0-9a-f]{{2}})/([0-9a-f]{{2}})/({_SHA})")
_TABLE = r"[a-z][a-z0-9_]{0,62}"
STREAM_RE = re.compile(rf"records/({_TABLE})\.jsonl")
DERIVED_RE = re.compile(rf"derived/([0-9a-f]{{2}})/([0-9a-f]{{2}})/({_SHA})(\.[a-z0-9]{{1,8}})?")

ROLE_RECORDS = "records"
ROLE_CUSTODY = "custody"
ROLE_EVIDENCE = "evidence"
ROLE_DERIVED = "derived"


def legacy_note(format_version: int | None) -> str | None:
    """What to tell the user when the records came from a format-1 archive's database."""
    if format_version is None or format_version > LEGACY_DATABASE_VERSION:
        return None
    return (
        f"format-{format_version} archive: its records came in a case.db, read read-only as "
        "data (never opened as a live database, none of its SQL ran); ask the sender to pack "
        "it again with this version, which ships records only"
    )


def member_role(name: str) -> str | None:
    """The role of a well-formed member name, or None for a name outside the grammar.

    The shard folders must match the hash they hold, so one name has exactly one meaning.
    """
    if name == RECORDS:
        return ROLE_RECORDS
    if name == CUSTODY:
        return ROLE_CUSTODY
    if STREAM_RE.fullmatch(name):
        return ROLE_RECORDS
    m = EVIDENCE_RE.fullmatch(name)
    if m:
        return ROLE_EVIDENCE if m.group(3).startswith(m.group(1) + m.group(2)) else None
    m = DERIVED_RE.fullmatch(name)
    if m:
        return ROLE_DERIVED if m.group(3).startswith(m.group(1) + m.group(2)) else None
    return None


def member_sha(name: str) -> str | None:
    """The content hash a content-addressed member's name promises."""
    m = EVIDENCE_RE.fullmatch(name) or DERIVED_RE.fullmatch(name)
    return m.group(3) if m else None


@dataclass(frozen=True)
class Member:
    """One file inside an archive, as the manifest lists it."""

    name: str
    role: str
    sha256: str
    size: int

    def to_json(self) -> dict[str, Any]:
        """The manifest's spelling."""
        return {"name": self.name, "role": self.role, "sha256": self.sha256, "size": self.size}


@dataclass(frozen=True)
class Manifest:
    """What an archive holds, who packed it, when and why."""

    format_version: int
    case_id: str
    case_title: str
    packed_by: str
    packed_at: str
    reason: str | None
    tool: str
    selection: list[str] | None
    redaction: dict[str, Any]
    custody: dict[str, Any]
    members: list[Member] = field(default_factory=list)
    records: dict[str, int] | None = None
    """Table -> how many records its stream holds (format 2; None in format 1)."""
    schema: dict[str, int] | None = None
    """Schema component -> version the records were written with (format 2)."""

    @property
    def total_size(self) -> int:
        """Bytes the members take once unpacked."""
        return sum(m.size for m in self.members)

    def to_json(self) -> dict[str, Any]:
        """The manifest document."""
        return {
            "format": FORMAT,
            "format_version": self.format_version,
            "case": {"id": self.case_id, "title": self.case_title},
            "packed_by": self.packed_by,
            "packed_at": self.packed_at,
            "reason": self.reason,
            "tool": self.tool,
            "selection": self.selection,
            "redaction": self.redaction,
            "custody": self.custody,
            "members": [m.to_json() for m in self.members],
            **({} if self.records is None else {"records": self.records}),
            **({} if self.schema is None else {"schema": self.schema}),
        }


def parse_manifest(doc: Any) -> tuple[Manifest | None, list[str]]:
    """Read a manifest document defensively.

    Returns:
        The manifest (None when unusable) and every problem found in it.
    """
    problems: list[str] = []
    if not isinstance(doc, dict):
        return None, ["manifest.json is not a JSON object"]
    if doc.get("format") != FORMAT:
        problems.append(f"manifest.json does not describe a {FORMAT} archive")
    version = doc.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        problems.append("manifest.json has no integer format_version")
        return None, problems
    if version > FORMAT_VERSION:
        problems.append(
            f"the archive uses format version {version}, made by a newer Provenance Workbench; "
            f"this version reads up to {FORMAT_VERSION}"
        )
        return None, problems
    raw_members = doc.get("members")
    members: list[Member] = []
    if not isinstance(raw_members, list):
        problems.append("manifest.json lists no members")
        raw_members = []
    for entry in raw_members:
        try:
            name, sha, size = entry["name"], entry["sha256"], entry["size"]
        except (TypeError, KeyError):
            problems.append(f"manifest.json has a malformed member entry: {entry!r:.80}")
            continue
        if not (
            isinstance(name, str)
            and isinstance(sha, str)
            and isinstance(size, int)
            and re.fullmatch(_SHA, sha)
            and size >= 0
        ):
            problems.append(f"manifest.json has a malformed member entry: {entry!r:.80}")
            continue
        role = member_role(name)
        if role is None:
            problems.append(f"manifest.json lists a member outside the archive layout: {name!r}")
            continue
        members.append(Member(name, role, sha, size))
    case: dict[str, Any] = doc["case"] if isinstance(doc.get("case"), dict) else {}
    redaction: dict[str, Any] = doc["redaction"] if isinstance(doc.get("redaction"), dict) else {}
    custody: dict[str, Any] = doc["custody"] if isinstance(doc.get("custody"), dict) else {}
    records = _counts(doc, "records", _TABLE, problems)
    schema = _counts(doc, "schema", _TABLE, problems)
    if version >= 2 and (records is None or schema is None):
        problems.append("manifest.json lists no record counts or schema versions")
    manifest = Manifest(
        format_version=version,
        case_id=str(case.get("id", "")),
        case_title=str(case.get("title", "")),
        packed_by=str(doc.get("packed_by", "")),
        packed_at=str(doc.get("packed_at", "")),
        reason=doc.get("reason") if isinstance(doc.get("reason"), str) else None,
        tool=str(doc.get("tool", "")),
        selection=doc.get("selection") if isinstance(doc.get("selection"), list) else None,
        redaction=redaction,
        custody=custody,
        members=members,
        records=records,
        schema=schema,
    )
    return manifest, problems


def _counts(doc: dict[str, Any], key: str, name: str, problems: list[str]) -> dict[str, int] | None:
    """A `{name: count}` object of the manifest, each name and number checked."""
    raw = doc.get(key)
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.append(f"manifest.json's {key!r} is not an object")
        return None
    out: dict[str, int] = {}
    for k, v in raw.items():
        if not (
            isinstance(k, str)
            and re.fullmatch(name, k)
            and isinstance(v, int)
            and not isinstance(v, bool)
            and v >= 0
        ):
            problems.append(f"manifest.json's {key!r} has a malformed entry: {k!r:.80}")
            continue
        out[k] = v
    return out
