"""Step 4 of an unpack, on either engine: the received records into an empty case database of
ours, then the checks of the case they make.

`unpack.py` (into a folder) and `unpack_server.py` (into a server database) both call these:
`load_records` makes our schema in the empty database and inserts the received records through
the engine's record sink (`forensics.store.record_tables.record_sink`) as checked data;
`check_received` then re-walks the custody chain, re-derives every record digest, and matches
the evidence and derived files against what the records name.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from forensics.case import Case
from forensics.errors import SchemaTooNewError
from forensics.exchange import archive as fmt
from forensics.exchange import record_stream
from forensics.exchange.archive_checks import Limits, refuse
from forensics.exchange.select import referenced_hashes
from forensics.jobs import CancelToken
from forensics.store import received
from forensics.store.copy_rows import copy_rows
from forensics.store.database import Database
from forensics.store.db import applied_versions, connect, migrate
from forensics.store.record_tables import record_sink
from forensics.verify import VerifyReport, _check_chain, _check_records

RECEIVED_DB = "received-case.db"
"""Where a format-1 archive's records wait, inside the unpack folder, until copied out as
data."""


def load_records(
    archive: Path,
    root: Path,
    manifest: fmt.Manifest,
    fresh: Database,
    limits: Limits,
    cancel: CancelToken,
    *,
    where: object,
) -> None:
    """Step 4, first half: make our schema in the empty database `fresh` (a folder case's or
    a server's) and insert the received records into it as checked data.

    The records come from the archive's streams extracted into `root` (format 2) or,
    read-only, from its database (format 1: `forensics.store.received`); either way they are
    removed from `root` afterwards. On a server `fresh` is inside the unpack's one transaction.

    Raises:
        ArchiveError: the records were refused.
    """
    try:
        migrate(fresh, where)
        if manifest.format_version <= fmt.LEGACY_DATABASE_VERSION:
            _copy_legacy(root, fresh)
        else:
            _insert_streams(archive, manifest, root, fresh, limits, cancel)
    except received.Refused as exc:
        raise refuse(archive, exc.reasons) from exc
    except record_stream.StreamRefused as exc:
        raise refuse(archive, exc.reasons) from exc
    except SchemaTooNewError as exc:
        raise refuse(archive, [str(exc).replace(str(where), "case.db")]) from exc
    finally:
        (root / RECEIVED_DB).unlink(missing_ok=True)
        (root / STAGING_DB).unlink(missing_ok=True)
        shutil.rmtree(root / record_stream.STREAM_DIR, ignore_errors=True)
        (root / fmt.CUSTODY).unlink(missing_ok=True)


STAGING_DB = "staging-case.db"
"""A format-1 archive's records on their way to a server: checked into a folder case's
database first (the received database is only ever read by SQLite, read-only)."""


def _copy_legacy(root: Path, fresh: Database) -> None:
    if not fresh.on_server:
        received.copy_received(root / RECEIVED_DB, fresh, root)
        return
    staging = connect(root / STAGING_DB)
    try:
        migrate(staging, root)
        received.copy_received(root / RECEIVED_DB, staging, root)
        copy_rows(staging, fresh)
    finally:
        staging.close()


def check_received(archive: Path, case: Case, cancel: CancelToken) -> None:
    """Step 4, second half: the custody chain and record digests of the case just made, its
    evidence exactly the files its items name, its derived files only those a record uses.

    Raises:
        ArchiveError: with every finding (at most 20 of each kind).
    """
    report = VerifyReport()
    _check_chain(case, report, cancel)
    _check_records(case, report, cancel)
    shipped = {name for name, _ in case.evidence.stored_hashes()}
    named = {str(i.sha256) for i in case.items.content_items()}
    reasons = [f.message for f in report.findings[:20]]
    if len(report.findings) > 20:
        reasons.append(f"... and {len(report.findings) - 20} more findings")
    reasons += [
        f"evidence {sha} is named by an item but not in the archive"
        for sha in sorted(named - shipped)
    ]
    reasons += [
        f"evidence {sha} is in the archive but no item names it" for sha in sorted(shipped - named)
    ]
    referenced = referenced_hashes(case.db)
    unreferenced = sorted(
        p.name for p in case.evidence.derived_files() if p.name.split(".", 1)[0] not in referenced
    )
    reasons += [
        f"derived file {name} is in the archive but no record refers to it"
        for name in unreferenced[:20]
    ]
    if len(unreferenced) > 20:
        reasons.append(f"... and {len(unreferenced) - 20} more unreferenced derived files")
    if reasons:
        raise refuse(archive, reasons)


def _insert_streams(
    archive: Path,
    manifest: fmt.Manifest,
    root: Path,
    fresh: Database,
    limits: Limits,
    cancel: CancelToken,
) -> None:
    """Format 2: the records were written with schema versions we know, then streamed in."""
    mine = applied_versions(fresh)
    newer = [
        f"the records were written with schema '{component}' version {version}; this version "
        f"knows up to {mine.get(component, 0)}: open the archive with a newer version"
        for component, version in sorted((manifest.schema or {}).items())
        if version > mine.get(component, 0)
    ]
    if newer:
        raise refuse(archive, newer)
    with record_sink(fresh) as sink:
        record_stream.read_streams(
            root, manifest.records or {}, sink, limits=limits.streams, cancel=cancel
        )
