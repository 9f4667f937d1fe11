"""`pwb unpack`: open a received archive without trusting any of it first.

Order of checks, and why:
1. the zip's directory alone: every name must belong to the archive layout (so no `..`, no
   absolute path, no link, no directory entry, no duplicate), no encryption, no member that
   claims an inflation ratio beyond `MAX_RATIO`, nor the members together (small members
   included), no more than `MAX_MEMBERS` members; nothing is inflated before this passes;
2. the manifest (read with a size cap): its signature, when present, against its exact bytes;
   its format version; its member list against the zip's, sizes against the headers; the total
   against the cap and the free disk space;
3. every member is streamed into a temporary folder beside DEST, counting what inflates (the
   headers' sizes are never trusted): past the manifest's size, past the ratio, past the total,
   it stops; at the end its sha256 and size must be the manifest's;
4. the records: a fresh case is made by our own migrations, and every record of the archive's
   JSON-lines streams is decoded against the schema its declaration derives, checked, and
   inserted through the store (`record_stream`); counts must be the manifest's, lines and
   records are capped, references must resolve. No received database is ever opened. (A
   format-1 archive's `case.db` is read read-only with `trusted_schema=OFF`, its schema must be
   exactly ours and `integrity_check` clean, and its rows are copied as checked data:
   `forensics.store.received`.) Then the custody chain and the record digests, evidence files
   exactly those the items name, and derived files only those a record refers to (`pack` ships
   no other).
Only then is the temporary folder renamed to DEST; any refusal removes it, so a refused or broken
unpack leaves nothing behind, and nothing is ever written outside DEST's parent folder.
Steps 1 and 2 are in `archive_checks.py`, step 4 in `unpack_records.py` (either engine); this
module inflates and renames. `unpack_server.py` runs the same steps into an empty database on a
PostgreSQL server, in one server transaction.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forensics.case import CASE_DB, Case
from forensics.errors import ValidationError
from forensics.exchange import archive as fmt
from forensics.exchange.archive_checks import (
    Limits,
    check_archive,
    overall_ratio_problem,
    ratio_problem,
    refuse,
)
from forensics.exchange.exchanged import RECEIVED, last_states
from forensics.exchange.signing import SignatureCheck
from forensics.exchange.streams import CHUNK, ThreadedSha256
from forensics.exchange.unpack_folders import lock, sweep_stale_unpacks, unlock
from forensics.exchange.unpack_records import (
    RECEIVED_DB,
    check_received,
    load_records,
)
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.records.core import CustodyEntry
from forensics.store.custody import Action
from forensics.store.db import connect
from forensics.store.exchange import custody_rows
from forensics.store.location import ServerLocation
from forensics.store.merges import MergeRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Received:
    """An archive checked and extracted into a folder that is a case."""

    root: Path
    manifest: fmt.Manifest
    manifest_sha256: str
    signature: SignatureCheck | None

    def to_json(self) -> dict[str, Any]:
        """What a reader needs to judge the archive."""
        return {
            "case_id": self.manifest.case_id,
            "title": self.manifest.case_title,
            "packed_by": self.manifest.packed_by,
            "packed_at": self.manifest.packed_at,
            "reason": self.manifest.reason,
            "format_version": self.manifest.format_version,
            "manifest_sha256": self.manifest_sha256,
            "members": len(self.manifest.members),
            "bytes": self.manifest.total_size,
            "selection": self.manifest.selection,
            "redaction": self.manifest.redaction,
            "signature": None if self.signature is None else self.signature.to_json(),
        }


def _extract(
    archive: Path,
    zf: zipfile.ZipFile,
    manifest: fmt.Manifest,
    root: Path,
    limits: Limits,
    progress: ProgressFn,
    cancel: CancelToken,
) -> None:
    """Step 3: stream every member into `root`, counting and hashing as it inflates."""
    total = manifest.total_size
    budget = min(total, limits.max_total_bytes)
    written_total = 0
    compressed_total = sum(i.compress_size for i in zf.infolist())
    for member in manifest.members:
        info = zf.getinfo(member.name)
        # The received records never land where a case keeps its database (see _check_case).
        target = (
            root / RECEIVED_DB
            if member.name == fmt.RECORDS
            else root.joinpath(*member.name.split("/"))
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        hasher = ThreadedSha256()
        size = 0
        problem: str | None = None
        try:
            with os.fdopen(fd, "wb", buffering=0) as dst, zf.open(info) as src:
                while chunk := src.read(CHUNK):
                    cancel.raise_if_cancelled()
                    size += len(chunk)
                    written_total += len(chunk)
                    if size > member.size:
                        problem = (
                            f"{member.name!r} inflates past the {member.size} bytes the "
                            "manifest lists"
                        )
                    elif written_total > budget:
                        problem = f"the archive inflates past its {budget} bytes"
                    else:
                        problem = ratio_problem(info, size, limits.max_ratio) or (
                            overall_ratio_problem(written_total, compressed_total, limits.max_ratio)
                        )
                    if problem:
                        break
                    hasher.update(chunk)
                    dst.write(chunk)
                    progress(written_total, total, member.name)
                os.fsync(dst.fileno())
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            problem = f"{member.name!r} is damaged or truncated ({exc})"
        finally:
            digest = hasher.hexdigest()
        if problem is None and size != member.size:
            problem = f"{member.name!r} holds {size} bytes; the manifest lists {member.size}"
        if problem is None and digest != member.sha256:
            problem = (
                f"{member.name!r} was changed after packing: its sha256 is {digest}, "
                f"the manifest lists {member.sha256}"
            )
        promised = fmt.member_sha(member.name)
        if problem is None and promised is not None and promised != digest:
            problem = f"{member.name!r} does not hold the content its name promises"
        if problem:
            raise refuse(archive, [problem])
        if member.role in (fmt.ROLE_EVIDENCE, fmt.ROLE_DERIVED):
            os.chmod(target, 0o444)


def inflate(
    archive: Path,
    root: Path,
    *,
    limits: Limits,
    progress: ProgressFn,
    cancel: CancelToken,
) -> tuple[fmt.Manifest, str, SignatureCheck | None]:
    """Steps 1 to 3: check the archive and extract its members into the empty folder `root`
    (with `evidence/`, `derived/` and `tmp/`, as a case's files are laid out).

    Returns:
        The manifest, its sha256 and its signature check.

    Raises:
        ArchiveError: the archive was refused.
    """
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise refuse(
            archive, [f"not a readable zip archive, truncated or damaged ({exc})"]
        ) from exc
    with zf:
        manifest, manifest_bytes, signature = check_archive(archive, zf, root.parent, limits)
        _extract(archive, zf, manifest, root, limits, progress, cancel)
    for sub in ("evidence", "derived", "tmp"):
        (root / sub).mkdir(exist_ok=True)
    return manifest, hashlib.sha256(manifest_bytes).hexdigest(), signature


def receive(
    archive: Path,
    root: Path,
    *,
    limits: Limits | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> Received:
    """Check `archive` and extract it into the new, empty folder `root` (steps 1 to 4).

    The caller removes `root` when this raises.

    Raises:
        ArchiveError: the archive was refused; `reasons` lists why.
    """
    limits = limits or Limits()
    cancel = cancel or CancelToken()
    manifest, manifest_sha, signature = inflate(
        archive, root, limits=limits, progress=progress, cancel=cancel
    )
    fresh = connect(root / CASE_DB)
    try:
        load_records(archive, root, manifest, fresh, limits, cancel, where=root)
    finally:
        fresh.conn.close()
    with Case.open(root) as case:
        check_received(archive, case, cancel)
    return Received(root, manifest, manifest_sha, signature)


def log_received(case: Case, archive: Path, received: Received, actor: str | None) -> CustodyEntry:
    """Remember the states the archive carried and log its arrival (the new case's entry)."""
    with case.recording(actor) as rec:
        MergeRepository(case.db).record_exchanged(
            received.manifest_sha256, RECEIVED, last_states(custody_rows(case.db))
        )
        return rec.note(
            Action.TRANSFERRED,
            details={
                "received": archive.name,
                **received.to_json(),
                "accepted_unsigned": received.signature is None,
            },
            reason="archive received and unpacked"
            + (" (NOT SIGNED: accepted unsigned)" if received.signature is None else ""),
        )


@dataclass(frozen=True)
class UnpackResult:
    """A received archive, now a case at `dest` (a folder, or a database on a server with its
    evidence folder `evidence`)."""

    dest: Path | ServerLocation
    received: Received
    custody_seq: int
    evidence: Path | None = None

    def to_json(self) -> dict[str, Any]:
        """As `pwb unpack --json` prints it."""
        return {
            "dest": str(self.dest),
            "evidence": str(self.evidence or self.dest),
            **self.received.to_json(),
            "custody_seq": self.custody_seq,
        }


def unpack_archive(
    archive: Path,
    dest: Path,
    *,
    limits: Limits | None = None,
    actor: str | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> UnpackResult:
    """Check an archive and turn it into the case folder `dest`, all or nothing.

    `cancel` is checked in every stage (the zip read, inflating, the records, the checks);
    a cancelled unpack, like a refused one, leaves nothing behind.

    Raises:
        ValidationError: `dest` exists and is not an empty folder.
        ArchiveError: the archive was refused (nothing is left at `dest`).
        CancelledError: `cancel` was set (nothing is left at `dest`).
    """
    limits = limits or Limits()
    cancel = cancel or CancelToken()
    archive, dest = Path(archive), Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ValidationError(f"{dest}: already exists and is not an empty folder")
    dest.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale_unpacks(dest.parent)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.unpack-", dir=dest.parent))
    # Held for the whole unpack: a later sweep tells a running unpack from a killed one.
    held = lock(tmp)
    try:
        received = receive(archive, tmp, limits=limits, progress=progress, cancel=cancel)
        with Case.open(tmp) as case:
            entry = log_received(case, archive, received, actor)
        cancel.raise_if_cancelled()  # the last moment a Ctrl-C leaves nothing behind
        if dest.exists():
            dest.rmdir()
        os.replace(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        unlock(tmp, held)
    return UnpackResult(
        dest,
        Received(dest, received.manifest, received.manifest_sha256, received.signature),
        entry.seq,
    )
