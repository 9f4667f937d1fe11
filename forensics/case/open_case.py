"""An open case: opening and creating it (a folder or a server), its transactions and
recorded writes, its facts, and who is acting.

`Case` is the composition of the store's parts for one open case. Every thread or job opens
its own `Case` (connections are not shared across threads). `create` and `open` take a folder
or a `postgresql://` URL (`forensics.store.location.parse_location`, the one resolver).
"""

from __future__ import annotations

import getpass
import logging
import os
import uuid
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from forensics import __version__
from forensics.case.item_edits import ItemEdits
from forensics.errors import CaseError, ReadOnlyCaseError, ValidationError
from forensics.identity import Examiner, session_examiner
from forensics.records.comments import COMMENT
from forensics.records.core import CASE, CaseInfo
from forensics.records.declare import RecordChange, RecordType
from forensics.records.examiners import CaseExaminer
from forensics.store import folder
from forensics.store.case_facts import CaseFacts
from forensics.store.custody import Action, CustodyLog
from forensics.store.db import utc_now
from forensics.store.events import bus_for
from forensics.store.evidence import EvidenceStore
from forensics.store.evidence_api import EvidenceBackend
from forensics.store.folder import CASE_DB, is_case, is_writable
from forensics.store.items import ItemRepository
from forensics.store.journal import Journal
from forensics.store.location import ServerLocation, parse_location
from forensics.store.notify import server_bus_for
from forensics.store.recording import Recording
from forensics.store.recovery import recover
from forensics.store.seals import examiners as case_examiners

if TYPE_CHECKING:
    from forensics.store.database import Database

log = logging.getLogger(__name__)

CaseLocation = Path | ServerLocation
"""Where a case is: its folder, or the server location of its database."""


def default_examiner() -> str:
    """Who is at the keyboard when nobody said: `PWB_EXAMINER`, else the login name."""
    try:
        return os.environ.get("PWB_EXAMINER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class Case(ItemEdits):
    """An open case: database, repositories, custody log and evidence store."""

    def __init__(
        self,
        root: Path,
        db: Database,
        lock_fd: int | None,
        readonly: bool,
        signer: Examiner | None = None,
        location: ServerLocation | None = None,
    ) -> None:
        self.root = root
        """The case folder; for a server case, its evidence folder."""
        self.location: Path | ServerLocation = location or root
        """Where the case is: its folder, or its server URL (`str()` of it is safe to show)."""
        self.db = db
        self.readonly = readonly
        self.may_comment = not readonly
        """Comments may be added: a writable case, or a reviewer's on a server (read-only
        but for comments, `forensics.comments`)."""
        self._lock_fd = lock_fd
        self.items = ItemRepository(db)
        self.custody = CustodyLog(db, signer)
        markers = None
        if location is not None:
            from forensics.store.inflight_db import DbMarkers

            markers = DbMarkers(db, location, root / "tmp")
        self.evidence: EvidenceBackend = EvidenceStore(root, markers)
        """The evidence store, through the one interface a backend implements."""
        self.changes = server_bus_for(location) if location is not None else bus_for(root)
        """Where this case's committed changes are published (`subscribe` to hear); on a
        server case, other examiners' processes' changes too (`store/notify.py`)."""
        self._journal = Journal(db, self.custody, self.changes)

    # opening ----------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        root: Path | str | ServerLocation,
        *,
        title: str,
        examiner: str | None = None,
        signer: Examiner | None = None,
        evidence: Path | None = None,
    ) -> Case:
        """Create a new case (a folder, or a database on a server) and open it.

        Args:
            root: the new case's folder (missing or empty), or the URL of an empty database.
            title: the case's title.
            examiner: the name the case facts give (default: the signer's).
            signer: whose key signs its entries (default: the process's examiner,
                `forensics.identity.use_examiner`).
            evidence: a server case's evidence folder (missing or empty; a shared folder).

        Raises:
            CaseError: the folder exists and is not empty; the database is not empty; a
                server case without an evidence folder.
        """
        where = root if isinstance(root, ServerLocation) else parse_location(root)
        if not title.strip():
            raise ValidationError("a case needs a title")
        if isinstance(where, ServerLocation):
            if evidence is None:
                raise CaseError(f"{where.shown}: a case on a server needs --evidence FOLDER")
            return cls._create_on_server(where, title, examiner, signer, Path(evidence))
        root = where
        if root.exists() and (not root.is_dir() or any(root.iterdir())):
            raise CaseError(f"{root}: already exists and is not an empty folder")
        root.mkdir(parents=True, exist_ok=True)
        EvidenceStore(root).create_dirs()
        case = cls._open(root, readonly=False, signer=signer)
        case._write_facts(title, examiner)
        return case

    @classmethod
    def _create_on_server(
        cls,
        where: ServerLocation,
        title: str,
        examiner: str | None,
        signer: Examiner | None,
        evidence: Path,
    ) -> Case:
        from forensics.store import server

        db, root = server.create_case(where, evidence)
        case = cls(root, db, None, False, signer or session_examiner(), where)
        with case.transaction():
            server.record_evidence_folder(db, root)
            case._write_facts(title, examiner)
        return case

    def _write_facts(self, title: str, examiner: str | None) -> None:
        """The new case's facts and the entry recording its creation."""
        case = self
        examiner = examiner or case.actor()
        info = CaseInfo(
            case_id=str(uuid.uuid4()),
            title=title,
            examiner=examiner,
            created_at=utc_now(),
            created_with=f"Provenance Workbench {__version__}",
        )
        state = CASE.state(info)
        with case.recording(examiner) as rec:
            CaseFacts(case.db).write(info)
            rec.saved(
                CASE.subject,
                info.case_id,
                state,
                Action.CASE_CREATED,
                change=RecordChange.INSERTED,
                details=state,
            )

    @classmethod
    def open(
        cls,
        root: Path | str | ServerLocation,
        *,
        readonly: bool = False,
        signer: Examiner | None = None,
    ) -> Case:
        """Open an existing case, migrating its schema forward and recovering after a crash.

        Args:
            root: the case folder, or a server case's URL.
            readonly: open for reading only (nothing is migrated, recovered or written).
            signer: whose key signs the entries written through it (default: the
                process's examiner, `forensics.identity.use_examiner`).

        Raises:
            ReadOnlyCaseError: a write-opening of a case on read-only media.
            CaseError: the folder is missing, is not a case, or is from a newer version; the
                server cannot be reached or its database is not a case.
        """
        where = parse_location(root)
        if isinstance(where, ServerLocation):
            return cls._open_on_server(where, readonly=readonly, signer=signer)
        root = where
        if not root.exists():
            raise CaseError(f"{root}: no such folder")
        if not root.is_dir():
            raise CaseError(f"{root}: not a folder")
        if not is_case(root):
            raise CaseError(f"{root}: not a case folder (it has no {CASE_DB})")
        if not readonly and not is_writable(root):
            raise ReadOnlyCaseError(
                f"{root}: read-only case (its folder cannot be written: read-only media or "
                "no permission); it opens for reading only: items, show, log, meta, verify, "
                "report and export to another folder work, changes do not"
            )
        return cls._open(root, readonly=readonly, signer=signer)

    @classmethod
    def open_for_reading(cls, root: Path | str | ServerLocation) -> Case:
        """Open a case read-write when its folder can be written, else read-only.

        For commands that read and would also log (verify): on read-only media they still run
        and say that nothing was logged (`case.readonly`). A server case opens read-write.
        """
        where = parse_location(root)
        if isinstance(where, ServerLocation):
            return cls._open_on_server(where, readonly=False, signer=None, or_for_reading=True)
        return cls.open(where, readonly=is_case(where) and not is_writable(where))

    @classmethod
    def _open_on_server(
        cls,
        where: ServerLocation,
        *,
        readonly: bool,
        signer: Examiner | None,
        or_for_reading: bool = False,
    ) -> Case:
        from forensics.store import server

        db, root, alone, readonly, comment_only = server.open_case(
            where, readonly=readonly, or_for_reading=or_for_reading
        )
        try:
            case = cls(root, db, None, readonly, signer or session_examiner(), where)
            case.may_comment = comment_only or not readonly
            # Alone: everything a killed process left; else the blobs of writers whose
            # sessions ended (their markers are rows of the case, `store/inflight_db.py`).
            if not readonly:
                case._recover(alone=alone)
            server.lock_shared(db, was_alone=alone)
        except BaseException:
            db.close()
            raise
        return case

    @classmethod
    def _open(cls, root: Path, *, readonly: bool, signer: Examiner | None = None) -> Case:
        db, lock_fd, alone = folder.open_folder_case(root, readonly=readonly)
        case = cls(root, db, lock_fd, readonly, signer or session_examiner())
        if alone and lock_fd is not None:
            # Only a process alone with the case may clean up after a crashed one.
            if case.info_or_none() is not None:
                case._recover()
            folder.lock_shared(lock_fd)
        return case

    def close(self) -> None:
        """Close the database and release the case lock."""
        self.evidence.close()
        self.db.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> Case:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def transaction(self) -> AbstractContextManager[Any]:
        """A write transaction on this case (nested use joins the outer one).

        Record changes go through `recording()`, which opens one of these; a caller holds one
        open around several recordings to commit them together.
        """
        if self.readonly:
            raise ReadOnlyCaseError(f"{self.location}: read-only case; it cannot be changed")
        return self._journal.transaction()

    def attempt(self) -> AbstractContextManager[None]:
        """Inside `transaction()`: a block whose writes are undone alone if it raises (see
        `Journal.attempt`), so many small changes can share one commit."""
        return self._journal.attempt()

    def recording(
        self,
        actor: str | None = None,
        *,
        reason: str | None = None,
        only: RecordType[Any] | None = None,
    ) -> AbstractContextManager[Recording]:
        """Recorded writes: each record change with its custody entry, in one transaction.

        Usage: `with case.recording(actor, reason=...) as rec: rec.insert(record, action)`.
        The changes are published on `changes` when the transaction commits.

        Args:
            actor: who makes the changes (default: see `actor()`).
            reason: why, in the actor's words.
            only: the one record type the recording may insert (nothing else: no update,
                delete or note); comments on a reviewer's case (`may_comment`).
        """
        if self.readonly and not (only is COMMENT and self.may_comment):
            raise ReadOnlyCaseError(f"{self.location}: read-only case; it cannot be changed")
        return self._journal.recording(self.actor(actor), reason, only=only)

    # facts ------------------------------------------------------------------------------
    def info_or_none(self) -> CaseInfo | None:
        """The case facts, or None while the case is being created."""
        return CaseFacts(self.db).read()

    @property
    def info(self) -> CaseInfo:
        """The case facts (id, title, examiner, creation)."""
        info = self.info_or_none()
        if info is None:
            raise CaseError(f"{self.location}: the case has no case facts")
        return info

    @property
    def signer(self) -> Examiner | None:
        """The examiner whose key signs this connection's entries (None: unsigned)."""
        return self.custody.signer

    def act_as(self, examiner: Examiner | None) -> None:
        """Sign this connection's entries with another examiner's key from now on (the GUI
        switched examiner)."""
        self.custody.signer = examiner

    def examiners(self) -> dict[str, CaseExaminer]:
        """The examiners who have signed in this case, by key fingerprint."""
        return case_examiners(self.db)

    def actor(self, explicit: str | None = None) -> str:
        """Who is acting: the name given (`--examiner`), else `PWB_EXAMINER`, else the
        signing examiner's name, else the case's examiner. A name other than the signer's
        is logged as given, not proven."""
        if explicit:
            return explicit
        env = os.environ.get("PWB_EXAMINER")
        if env:
            return env
        if self.custody.signer is not None:
            return self.custody.signer.name
        info = self.info_or_none()
        return info.examiner if info else default_examiner()

    # recovery ---------------------------------------------------------------------------
    def _recover(self, *, alone: bool = True) -> None:
        """Clean up after a process that was killed (see `forensics.store.recovery`)."""
        recover(
            self.evidence,
            self.items,
            self.recording(self.actor()),
            str(self.location),
            alone=alone,
        )
