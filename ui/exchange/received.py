"""Received archives in the GUI: asking before an unsigned one is accepted, and saying what
an import or a merge did (who made the archive, what was applied).

The core refuses unsigned archives unless accepted knowingly (the CLI's
`--accept-unsigned`); here the user is asked, and the custody entry records it either way.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from forensics.textsafe import shown

if TYPE_CHECKING:
    from forensics.exchange.archive_checks import Limits
    from forensics.exchange.merge import MergeResult
    from forensics.exchange.unpack import UnpackResult


def accepted_limits() -> Limits:
    """The limits of an archive that `unsigned_ok` let through: signed, or unsigned and
    accepted knowingly by the user."""
    from forensics.exchange.archive_checks import Limits

    return Limits(accept_unsigned=True)


def unsigned_ok(parent: QWidget, archive: Path) -> bool:
    """True for a signed archive, or an unsigned one the user chose to accept knowingly."""
    from forensics.exchange import archive as fmt

    try:
        with zipfile.ZipFile(archive) as zf:
            if fmt.SIGNATURE in zf.namelist():
                return True
    except (OSError, zipfile.BadZipFile):
        return True  # not an archive: the unpack refuses it with its reasons
    answer = QMessageBox.question(
        parent,
        "Unsigned archive",
        f"{shown(archive.name)} is not signed: nothing proves which team made it.\n\n"
        "Accept it anyway? The custody log and the report will say it was unsigned.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def imported_text(result: UnpackResult, opened: bool) -> str:
    """What an import did, for the status bar: where, opened or not, who made it."""
    from forensics.exchange.archive import legacy_note
    from forensics.exchange.trust_store import TrustStore, describe

    who = describe(result.received.signature, TrustStore().names())
    note = legacy_note(result.received.manifest.format_version)
    where = f"imported {result.dest}" + ("" if opened else " (not opened: File > Open case)")
    return f"{where}: {who}" + (f"; {note}" if note else "")


def merged_text(result: MergeResult) -> str:
    """What a merge did, for the status bar: who made the archive, what was applied."""
    from forensics.exchange.trust_store import TrustStore, describe

    m = result.merge
    who = describe(result.received.signature if result.received else None, TrustStore().names())
    if result.already_merged:
        return (
            f"{who}; already merged as {shown(m.archive_name)} on {m.created_at}: "
            "nothing was applied"
        )
    kept = len(result.deletion_notices)
    return (
        f"{who}; "
        f"merged {m.archive_name}: {m.added} added, {m.updated} updated, "
        f"{len(result.deleted)} deleted, {m.conflicts} conflict(s)"
        + (f", {kept} deletion(s) of evidence items not applied" if kept else "")
    )
