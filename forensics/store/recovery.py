"""Cleaning up after a process that was killed mid-way (ingest, pack, merge, carve).

Run by `Case` when it opens a case alone (the folder's lock, or a server case's advisory lock,
taken exclusively): partial copies, blobs renamed into place but never committed, the working
folders in `tmp/`, and a pack's archive in progress outside the case go, and one `recovered`
custody entry says what went. A server case also recovers when others have it open: the blobs
of writers whose database sessions ended (killed, crashed) are reclaimed
(`inflight_db.DbMarkers.reclaim`), the rest waits for a process alone with the case.
"""

from __future__ import annotations

import logging
import re
import shutil
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from forensics.store.custody import Action

if TYPE_CHECKING:
    from forensics.store.evidence_api import EvidenceBackend
    from forensics.store.items import ItemRepository
    from forensics.store.recording import Recording

log = logging.getLogger(__name__)

_OUTSIDE_PART = re.compile(r"\.[0-9a-f]{32}\.pwbcase\.part")
"""The name of a pack's archive in progress (see `forensics.exchange.pack`)."""


def recover(
    evidence: EvidenceBackend,
    items: ItemRepository,
    recording: AbstractContextManager[Recording],
    where: str,
    *,
    alone: bool = True,
) -> None:
    """Remove what an interrupted process left and log it in one entry (nothing to do: no
    entry).

    Args:
        evidence: the case's evidence store.
        items: its items (a blob an item refers to is never removed).
        recording: the recording the entry is written in (entered only when needed).
        where: the case, for the log message.
        alone: this process is alone with the case. When not (a server case others have
            open), only the blobs and temporary copies of writers whose sessions ended are
            reclaimed: the working folders in `tmp/` may be a live process's.
    """
    parts, markers = evidence.leftovers(alone=alone)
    folders = evidence.leftover_folders() if alone else []
    outside = evidence.outside_leftovers() if alone else []
    if not parts and not markers and not folders and not outside:
        return
    for part in parts:
        evidence.discard(part)
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    outside_removed: list[str] = []
    for marker, target in outside:
        # Only a file of the exact shape the workbench writes is ever removed.
        if _OUTSIDE_PART.fullmatch(target.name) and target.is_file():
            target.unlink(missing_ok=True)
            outside_removed.append(str(target))
        marker.unlink(missing_ok=True)
    with recording as rec:
        # Decided under the markers' lock, in this transaction (a server case's markers
        # are deleted with the entry; marker files after it commits).
        removed, reclaimed = evidence.reclaim_blobs(items.has_content)
        if not alone and not reclaimed:
            return  # another process recovered them meanwhile: nothing to log
        rec.note(
            Action.RECOVERED,
            details={
                "partial_copies_removed": len(parts),
                "unreferenced_blobs_removed": removed,
                "temporary_folders_removed": [f.name for f in folders],
                "outside_temporary_files_removed": outside_removed,
            },
            reason="an earlier process stopped before it finished (ingest, pack, merge...)",
        )
    evidence.forget_reclaimed()
    log.warning(
        "%s: recovered from an interrupted process (%d partial copies, %d blobs, "
        "%d working folders, %d outside files)",
        where,
        len(parts),
        len(removed),
        len(folders),
        len(outside_removed),
    )
