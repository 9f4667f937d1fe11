"""`pwb unpack ARCHIVE postgresql://... --evidence DIR`: a received archive as a server case.

The same checks as an unpack into a folder (`unpack.py`, steps 1 to 4: the zip's directory,
the manifest and its signature, every member hashed as it inflates, every record validated by
msgspec against its declaration, the chain and the record digests, the evidence exactly the
files the items name), in the same order. What differs is where things land:

- the files are extracted into a working folder beside DIR (`.<DIR>.unpack-*`, locked while
  the unpack runs, swept by the next one if it was killed), renamed to DIR only at the end;
- the records go into the empty database through the server's record sink
  (`forensics.store.server_records`), and the whole case is made in ONE server transaction:
  the schema, the rows, the checks (read back through the same transaction), the evidence
  folder's name, the exchanged states and the `transferred` entry. A refusal, an error or
  Ctrl-C rolls it back, leaving the database as empty as it was and no folder behind; a
  process killed half-way loses its transaction with its connection.

The evidence folder is put in place just before the commit, and removed again if the commit
fails; a process killed between the two leaves that folder, never a database naming a
folder that is not there.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from forensics.case import Case
from forensics.errors import ValidationError
from forensics.exchange.archive_checks import Limits
from forensics.exchange.unpack import Received, UnpackResult, inflate, log_received
from forensics.exchange.unpack_folders import lock, sweep_stale_unpacks, unlock
from forensics.exchange.unpack_records import check_received, load_records
from forensics.identity import session_examiner
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.store import server
from forensics.store.location import ServerLocation, parse_location


def unpack_to_server(
    archive: Path,
    dest: str | ServerLocation,
    evidence: Path,
    *,
    limits: Limits | None = None,
    actor: str | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> UnpackResult:
    """Check an archive and make it the case in the empty server database `dest`, all or
    nothing, with its files in the new evidence folder `evidence` (a shared folder).

    Raises:
        ValidationError: `dest` is not a server URL, or `evidence` exists and is not an empty
            folder.
        CaseError: the server cannot be reached, or the database is not empty.
        ArchiveError: the archive was refused (nothing was written).
        CancelledError: `cancel` was set (nothing was written).
    """
    limits = limits or Limits()
    cancel = cancel or CancelToken()
    where = dest if isinstance(dest, ServerLocation) else parse_location(dest)
    if not isinstance(where, ServerLocation):
        raise ValidationError(f"{dest}: not the URL of a database on a server")
    archive, evidence = Path(archive), Path(evidence).absolute()
    if evidence.exists() and (not evidence.is_dir() or any(evidence.iterdir())):
        raise ValidationError(f"{evidence}: already exists and is not an empty folder")
    db = server.connect_empty(where)
    made: Case | None = None
    try:
        evidence.parent.mkdir(parents=True, exist_ok=True)
        sweep_stale_unpacks(evidence.parent)
        # Made with the umask's permissions (not mkdtemp's 0700): the team shares this folder.
        tmp = evidence.with_name(f".{evidence.name}.unpack-{uuid.uuid4().hex[:12]}")
        tmp.mkdir()
        held = lock(tmp)
        placed = False
        try:
            manifest, manifest_sha, signature = inflate(
                archive, tmp, limits=limits, progress=progress, cancel=cancel
            )
            received = Received(tmp, manifest, manifest_sha, signature)
            with server.new_case_transaction(db, where):
                load_records(archive, tmp, manifest, db, limits, cancel, where=where.shown)
                case = made = Case(tmp, db, None, False, session_examiner(), where)
                check_received(archive, case, cancel)
                server.record_evidence_folder(db, evidence)
                entry = log_received(case, archive, received, actor)
                cancel.raise_if_cancelled()  # the last moment a Ctrl-C leaves nothing behind
                if evidence.exists():
                    evidence.rmdir()
                os.replace(tmp, evidence)
                placed = True
        except BaseException:
            shutil.rmtree(evidence if placed else tmp, ignore_errors=True)
            raise
        finally:
            unlock(tmp, held)
    finally:
        if made is not None:
            made.evidence.close()  # what its store opened (the case's database is `db`)
        db.close()
    return UnpackResult(
        where, Received(evidence, manifest, manifest_sha, signature), entry.seq, evidence
    )
