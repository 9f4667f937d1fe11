"""Moving a case between a folder and a PostgreSQL server, either way (`pwb copy-case`).

The same case, not a new one made from an archive: same case id, every record, the custody
chain entry for entry (hashes and signatures as they were, so old seals still match), the
examiners' keys and the seals, every evidence file and derived file. The destination then
logs one `case_copied` entry, signed by whoever copied, so `verify` on the copy checks the
whole chain the original has and one entry more.

Order of work, so an interrupted copy never looks like a case: evidence and derived files
first (content-addressed: re-hashed on the way, a mismatch stops the copy), then every row
in one transaction, then the entry. A destination must be new (an empty folder or database).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from forensics.case import Case
from forensics.errors import CaseError, EvidenceError
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.store import server
from forensics.store.copy_rows import copy_rows
from forensics.store.custody import Action
from forensics.store.db import connect, migrate
from forensics.store.evidence import EvidenceStore
from forensics.store.location import ServerLocation, parse_location

if TYPE_CHECKING:
    from forensics.store.database import Database
    from forensics.store.evidence_api import EvidenceBackend

COPIED = Action.CASE_COPIED
"""The custody action the copy's first own entry records."""


@dataclass
class CopyResult:
    """What a copy moved."""

    destination: str
    evidence_root: Path
    rows: dict[str, int] = field(default_factory=dict)
    evidence_files: int = 0
    derived_files: int = 0


def copy_case(
    source: str | Path | ServerLocation,
    dest: str | Path | ServerLocation,
    *,
    evidence: Path | None = None,
    actor: str | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> CopyResult:
    """Copy the case at `source` to the new case `dest` (a folder or a server URL).

    Args:
        source: the case to copy (opened for reading).
        dest: a new, empty folder or an empty database.
        evidence: the server destination's evidence folder (missing or empty).
        actor: who copies (default: the examiner at the keyboard).
        progress: (done, total, what) per file and per table.
        cancel: stops between files (nothing of the rows is written then).

    Raises:
        CaseError: the destination is not new, or refused a row.
        EvidenceError: a stored file does not match its hash.
    """
    where = parse_location(dest)
    with Case.open(source, readonly=True) as original:
        db, root = _new_database(where, evidence)
        try:
            store = EvidenceStore(root)
            result = CopyResult(str(where), root)
            result.evidence_files, result.derived_files = _copy_files(
                original.evidence, store, progress, cancel
            )
            result.rows = copy_rows(
                original.db,
                db,
                progress=lambda done, total, table: progress(done, total, f"copying {table}"),
            )
            if isinstance(where, ServerLocation):
                server.record_evidence_folder(db, root)
        finally:
            db.close()
        source_shown = str(original.location)
    with Case.open(where) as copy, copy.recording(actor) as rec:
        rec.note(
            COPIED,
            details={
                "from": source_shown,
                "entries_copied": result.rows.get("custody", 0),
                "records_copied": sum(result.rows.values()),
                "evidence_files": result.evidence_files,
                "derived_files": result.derived_files,
            },
            reason="the case moved between a folder and a server",
        )
    return result


def _new_database(where: Path | ServerLocation, evidence: Path | None) -> tuple[Database, Path]:
    if isinstance(where, ServerLocation):
        if evidence is None:
            raise CaseError(f"{where.shown}: a case on a server needs --evidence FOLDER")
        return server.create_case(where, Path(evidence))
    if evidence is not None:
        raise CaseError("--evidence is for a case on a server (a folder holds its own)")
    if where.exists() and (not where.is_dir() or any(where.iterdir())):
        raise CaseError(f"{where}: already exists and is not an empty folder")
    where.mkdir(parents=True, exist_ok=True)
    EvidenceStore(where).create_dirs()
    db = connect(where / "case.db")
    try:
        migrate(db, where)
    except BaseException:
        db.close()
        raise
    return db, where.resolve()


def _copy_files(
    source: EvidenceBackend,
    dest: EvidenceStore,
    progress: ProgressFn,
    cancel: CancelToken | None,
) -> tuple[int, int]:
    blobs = list(source.stored_hashes())
    derived = list(source.derived_files())
    total = len(blobs) + len(derived)
    for n, (name, path) in enumerate(blobs):
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(n, total, f"copying evidence {name[:12]}")
        fd = os.open(path, os.O_RDONLY)
        try:
            tmp, blob = dest.copy_in_fd(fd, path.stat().st_size)
        finally:
            os.close(fd)
        if blob.sha256 != name:
            dest.discard(tmp)
            raise EvidenceError(f"{path}: its content does not match its name (sha256 {name})")
        dest.commit_blob(tmp, name)
        dest.clear_marker(name)
    for n, path in enumerate(derived, start=len(blobs)):
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(n, total, f"copying derived file {path.name[:12]}")
        sha, _ = dest.put_derived(path.read_bytes(), path.suffix)
        if sha != path.stem:
            raise EvidenceError(f"{path}: its content does not match its name (sha256 {sha})")
    progress(total, total, "files copied")
    return len(blobs), len(derived)
