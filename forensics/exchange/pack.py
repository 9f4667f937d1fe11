"""`pwb pack`: a case, or a selection of its items, into one `.pwbcase` file.

The records are taken from a consistent SQLite snapshot of the case (`VACUUM INTO`), trimmed to
the selection and redacted on the copy, never on the case, and travel as JSON lines, one
stream per table (`record_stream`): the archive carries records, never a database. Evidence
and derived files are stored without compression (they are already hashed, and mostly
already compressed media): each is hashed again while it is copied, in a second thread, so a
file that rotted in the store is caught here rather than by the recipient. The manifest,
written last, lists every member with its sha256 and size and every stream's record count;
packing is logged in the case's custody chain with the manifest's own hash.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import stat
import tempfile
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from forensics import __version__
from forensics.case import Case
from forensics.errors import EvidenceError, ValidationError
from forensics.exchange import archive as fmt
from forensics.exchange import select
from forensics.exchange.exchanged import SENT, last_states
from forensics.exchange.rebase import rebase_custody
from forensics.exchange.record_stream import stream_name, write_streams
from forensics.exchange.redact import Redactor
from forensics.exchange.signing import SigningKey
from forensics.exchange.streams import CHUNK, ThreadedSha256
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.seals import seal_case
from forensics.store import exchange as sx
from forensics.store.custody import Action
from forensics.store.db import applied_versions, connect, transaction, utc_now
from forensics.store.evidence import shard
from forensics.store.items import ItemRepository
from forensics.store.merges import MergeRepository
from forensics.store.record_tables import stream_tables, table_rows

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PackResult:
    """What `pack_case` wrote."""

    archive: Path
    manifest: fmt.Manifest
    manifest_sha256: str
    signed_by: str | None
    custody_seq: int

    def to_json(self) -> dict[str, Any]:
        """As `pwb pack --json` prints it."""
        roles: dict[str, int] = {}
        for m in self.manifest.members:
            roles[m.role] = roles.get(m.role, 0) + 1
        return {
            "archive": str(self.archive),
            "manifest_sha256": self.manifest_sha256,
            "members": len(self.manifest.members),
            "by_role": roles,
            "bytes": self.manifest.total_size,
            "selection": self.manifest.selection,
            "redaction": self.manifest.redaction,
            "signed_by": self.signed_by,
            "custody_seq": self.custody_seq,
            "seal": self.manifest.custody.get("seal"),
        }


@dataclass(frozen=True)
class _Planned:
    name: str
    role: str
    path: Path
    size: int
    compress: int


def pack_case(
    case: Case,
    out: Path,
    *,
    items: Sequence[str] | None = None,
    redact: str = "none",
    key: SigningKey | None = None,
    reason: str | None = None,
    actor: str | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> PackResult:
    """Write `out` holding the case (or `items` with what they depend on).

    Args:
        case: the open case (writable: packing is logged).
        out: the archive to create; must not exist.
        items: ids of the items to export; None exports the whole case.
        redact: a profile of `forensics.exchange.redact.PROFILES`.
        key: sign the manifest with this team key.
        reason: why the case is packed (goes into the manifest and the log).
        actor: who packs.
        progress: bytes written against bytes to write.
        cancel: stops between chunks; nothing is left behind.

    Returns:
        The archive, its manifest and the custody entry that records it.

    Raises:
        ValidationError: `out` exists, an item is unknown, or the profile is unknown.
        EvidenceError: a stored file is missing or no longer matches its hash.
    """
    cancel = cancel or CancelToken()
    out = Path(out)
    if out.exists():
        raise ValidationError(f"{out}: already exists; choose another name")
    redactor = Redactor(redact)
    actor = case.actor(actor)
    chosen = sorted({case.items.get(i).id for i in items}) if items else None
    out.parent.mkdir(parents=True, exist_ok=True)
    # The working folder sits in the case's tmp/ and the archive in progress is marked there,
    # so a pack that is killed leaves nothing the next open of the case does not remove.
    work = Path(tempfile.mkdtemp(prefix="pack-", dir=case.evidence.tmp_dir))
    part = out.parent / f".{uuid.uuid4().hex}.pwbcase.part"
    marker = case.evidence.mark_outside(part)
    try:
        # Sealed first, so the archive carries the seal of the head it was packed from.
        seal = seal_case(case, "pack")
        snap = work / "snapshot.db"
        sx.snapshot(case.db, snap)
        prepared = _prepare(snap, chosen, redactor, actor, reason, cancel)
        custody_info = prepared.custody
        if seal is not None and redactor.profile != "people":
            custody_info["seal"] = seal
        cancel.raise_if_cancelled()
        plan = _plan(case, work, prepared)
        manifest = fmt.Manifest(
            format_version=fmt.FORMAT_VERSION,
            case_id=case.info.case_id,
            case_title=case.info.title,
            packed_by=redactor.person(actor),
            packed_at=utc_now(),
            reason=reason,
            tool=f"Provenance Workbench {__version__}",
            selection=chosen,
            redaction=redactor.summary(),
            custody=custody_info,
            records=prepared.counts,
            schema=prepared.schema,
        )
        members = _write(part, plan, work, manifest, key, progress, cancel)
        manifest_bytes = (work / fmt.MANIFEST).read_bytes()
        manifest_sha = _sha_bytes(manifest_bytes)
        os.replace(part, out)
        _fsync_dir(out.parent)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        part.unlink(missing_ok=True)
        marker.unlink(missing_ok=True)
    manifest = fmt.Manifest(**{**manifest.__dict__, "members": members})
    with case.recording(actor) as rec:
        MergeRepository(case.db).record_exchanged(manifest_sha, SENT, prepared.sent)
        entry = rec.note(
            Action.EXPORTED,
            details={
                "archive": out.name,
                "manifest_sha256": manifest_sha,
                "members": len(members),
                "bytes": manifest.total_size,
                "selection": chosen,
                "redaction": manifest.redaction,
                "signed_by": None
                if key is None
                else {"name": key.name, "fingerprint": key.fingerprint},
            },
            reason=reason,
        )
    log.info("packed %s: %d members, %d bytes", out, len(members), manifest.total_size)
    return PackResult(out, manifest, manifest_sha, None if key is None else key.name, entry.seq)


@dataclass(frozen=True)
class _Prepared:
    """The snapshot made ready: custody facts, record streams written, files to ship."""

    custody: dict[str, Any]
    counts: dict[str, int]
    schema: dict[str, int]
    evidence: list[str]
    derived: set[str] | None
    sent: list[tuple[str, str, str]]
    """The last state of every record the shipped chain names (what the recipient has)."""


def _prepare(
    snap: Path,
    chosen: list[str] | None,
    redactor: Redactor,
    actor: str,
    reason: str | None,
    cancel: CancelToken,
) -> _Prepared:
    """Trim, redact and re-base the snapshot, then write its records as streams beside it."""
    db = connect(snap)
    try:
        origin = sx.custody_rows(db)
        info: dict[str, Any] = {
            "rebased": False,
            "entries": len(origin),
            "head": origin[-1]["hash"] if origin else "0" * 64,
        }
        if chosen is not None or redactor.active:
            sx.foreign_keys_off(db)
            with transaction(db):
                dropped: set[str] = set()
                deleted: dict[str, int] = {}
                if chosen is not None:
                    selection = select.select(db, chosen)
                    dropped = selection.dropped
                    deleted = select.apply(db, selection)
                redactor.learn_names(db)
                redactor.apply(db)
                sx.clear_seals(db)
                if redactor.profile == "people":
                    dropped |= sx.clear_examiner_keys(db)
                info = rebase_custody(
                    db,
                    origin,
                    dropped=dropped,
                    redactor=redactor,
                    actor=actor,
                    details={
                        "selection": chosen,
                        "rows_left_out": deleted,
                        "redaction": redactor.summary(),
                    },
                    reason=reason,
                )
        evidence = sorted({str(i.sha256) for i in ItemRepository(db).content_items()})
        # Only derived files a record refers to travel: an unpack refuses any other.
        hashes = select.referenced_hashes(db)
        counts = write_streams(
            stream_tables(db), lambda shape: table_rows(db, shape), snap.parent, cancel
        )
        schema = applied_versions(db)
        sent = last_states(sx.custody_rows(db))
    finally:
        db.conn.close()
    snap.unlink()
    return _Prepared(info, counts, schema, evidence, hashes, sent)


def _plan(case: Case, work: Path, prepared: _Prepared) -> list[_Planned]:
    plan = []
    for table in prepared.counts:
        name = stream_name(table)
        path = work.joinpath(*name.split("/"))
        role = fmt.ROLE_CUSTODY if name == fmt.CUSTODY else fmt.ROLE_RECORDS
        plan.append(_Planned(name, role, path, path.stat().st_size, zipfile.ZIP_DEFLATED))
    for sha in prepared.evidence:
        path = case.evidence.path_of(sha)
        if not path.is_file():
            raise EvidenceError(
                f"evidence {sha} is missing from the store ({path}); run `pwb verify` on the case"
            )
        plan.append(
            _Planned(
                f"evidence/{shard(sha).as_posix()}",
                fmt.ROLE_EVIDENCE,
                path,
                path.stat().st_size,
                zipfile.ZIP_STORED,
            )
        )
    derived_hashes = prepared.derived
    for path in case.evidence.derived_files():
        rel = path.relative_to(case.root).as_posix()
        if fmt.member_role(rel) != fmt.ROLE_DERIVED:
            log.warning("%s: not a content-addressed derived file; left out", rel)
            continue
        if derived_hashes is not None and path.name.split(".", 1)[0] not in derived_hashes:
            continue
        plan.append(_Planned(rel, fmt.ROLE_DERIVED, path, path.stat().st_size, zipfile.ZIP_STORED))
    return plan


def _write(
    part: Path,
    plan: list[_Planned],
    work: Path,
    manifest: fmt.Manifest,
    key: SigningKey | None,
    progress: ProgressFn,
    cancel: CancelToken,
) -> list[fmt.Member]:
    total = sum(p.size for p in plan)
    done = 0
    stamp = datetime.now(UTC).timetuple()[:6]
    members: list[fmt.Member] = []
    with zipfile.ZipFile(part, "w", allowZip64=True) as zf:
        for p in plan:
            info = _zinfo(p.name, stamp, p.compress)
            info.file_size = p.size
            hasher = ThreadedSha256()
            size = 0
            try:
                with (
                    open(p.path, "rb", buffering=0) as src,
                    zf.open(info, "w", force_zip64=p.size >= (1 << 31)) as dst,
                ):
                    while chunk := src.read(CHUNK):
                        cancel.raise_if_cancelled()
                        hasher.update(chunk)
                        dst.write(chunk)
                        size += len(chunk)
                        done += len(chunk)
                        progress(done, total, p.name)
            finally:
                digest = hasher.hexdigest()
            promised = fmt.member_sha(p.name)
            if promised is not None and promised != digest:
                raise EvidenceError(
                    f"{p.name}: the stored file no longer matches its sha256 "
                    f"(found {digest}); run `pwb verify` on the case"
                )
            members.append(fmt.Member(p.name, p.role, digest, size))
        doc = fmt.Manifest(**{**manifest.__dict__, "members": members}).to_json()
        manifest_bytes = json.dumps(doc, indent=1, ensure_ascii=False).encode("utf-8")
        (work / fmt.MANIFEST).write_bytes(manifest_bytes)
        zf.writestr(_zinfo(fmt.MANIFEST, stamp, zipfile.ZIP_DEFLATED), manifest_bytes)
        if key is not None:
            zf.writestr(
                _zinfo(fmt.SIGNATURE, stamp, zipfile.ZIP_DEFLATED), key.sign(manifest_bytes)
            )
    with open(part, "rb") as fh:
        os.fsync(fh.fileno())
    progress(total, total, "done")
    return members


def _zinfo(name: str, stamp: tuple[int, ...], compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)  # type: ignore[arg-type]
    info.compress_type = compress
    info.external_attr = (stat.S_IFREG | 0o444) << 16
    return info


def _sha_bytes(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
