"""The core's error hierarchy, in one place so callers can catch by meaning.

`UsageError`-like problems (a missing case, a case from a newer schema) map to exit code 2 in the
CLI; per-file problems never raise out of a batch: they become recorded results instead.
"""

from __future__ import annotations


class WorkbenchError(Exception):
    """Base class of every error the core raises on purpose."""


class CaseError(WorkbenchError):
    """The case folder cannot be used: missing, not a case, locked or from a newer version."""


class CaseWriteError(CaseError):
    """The database refused a write: locked by another program past the busy timeout, disk
    full, an I/O error or read-only media. Nothing of the refused change was kept."""


class ReadOnlyCaseError(CaseError):
    """A write was asked of a case on read-only media (or opened for reading only)."""


class EditConflictError(CaseError):
    """An edit was made from a copy of a record that someone else has changed since: nothing
    was written (never a silent overwrite). Reload the record and edit again.

    Attributes:
        subject: the record type's custody subject ("item", "manufacturer"...).
        record_id: the record's key.
        fields: the fields the other change touched that this edit also set (all fields that
            differ when the edit's base is not known field by field).
        clashes: per clashing field, when known: {"field", "base", "theirs", "mine"} (the
            value the edit started from, the stored one, the edit's own), for a person to
            choose between them.
    """

    def __init__(
        self,
        message: str,
        subject: str,
        record_id: str,
        fields: list[str],
        *,
        clashes: list[dict[str, object]] | None = None,
    ) -> None:
        super().__init__(message)
        self.subject = subject
        self.record_id = record_id
        self.fields = fields
        self.clashes: list[dict[str, object]] = list(clashes or [])


class SchemaTooNewError(CaseError):
    """The case was written by a newer version of the workbench than this one."""


class EvidenceError(WorkbenchError):
    """A piece of evidence cannot be read, stored or found."""


class SourceChangedError(EvidenceError):
    """A source changed while it was read (size, time or identity, or a short read): what was
    read is not the evidence as found, so it is not stored."""


class UnsupportedMediaError(EvidenceError):
    """The file is not of a type the requested extractor can read."""


class CarveError(EvidenceError):
    """The carver could not be run, failed, or left no report that can be read."""


class NotFoundError(WorkbenchError):
    """A record (item, entry, annotation...) named by the caller does not exist."""


class ValidationError(WorkbenchError):
    """A value given by the user is out of range or malformed."""


class DuplicateItemError(ValidationError):
    """An item with the same content (or folder) from the same source is already under that
    parent: the database's uniqueness rule refused a second one."""


class CancelledError(WorkbenchError):
    """Long work stopped because its cancel token was set."""


class ArchiveError(WorkbenchError):
    """An exchange archive was refused: every reason is listed, nothing was written."""

    def __init__(self, message: str, reasons: list[str] | None = None) -> None:
        super().__init__(message)
        self.reasons: list[str] = list(reasons or [message])
