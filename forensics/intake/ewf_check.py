"""An E01's own acquisition record, and its integrity: the media as read against the hashes
the acquisition stored.

An E01 carries what the acquiring examiner typed (examiner, case number, evidence number,
description, notes), when and with what it was acquired, and the MD5 (often SHA-1 too) of the
media computed at acquisition. At expansion the whole media is read once through libewf and
hashed; the result and the acquisition record are kept on the image item (attribute `ewf`).
A hash that differs means the image is damaged or was altered since it was acquired: a warning
on the item and on the ingest, a finding of the ingest (its exit code says so) and a finding
of every `pwb verify` after, never silent. Media that cannot be read in full (a segment
missing) cannot be checked: a warning saying so.

libewf replaces a chunk whose checksum fails with zeros when it reads it, so a damaged chunk
shows as a hash mismatch only when its bytes were not zeros to begin with; every chunk is
therefore also checked against its own checksum (`ewf_chunks`), as `ewfverify` does.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forensics.case import Case
from forensics.intake.ewf_chunks import SHOWN, ChunkReport, check_chunks
from forensics.intake.records import IngestOptions, IngestOutcome
from forensics.jobs import CancelToken, ProgressFn
from forensics.records.acquisition import EWF_ATTR
from forensics.store.custody import Action

if TYPE_CHECKING:  # `pwb show` reads the record without loading libewf
    from forensics.intake.ewf import EwfMedia

log = logging.getLogger(__name__)

CHUNK = 4 << 20

_HEADER_FIELDS = (
    ("examiner", "examiner_name"),
    ("case_number", "case_number"),
    ("evidence_number", "evidence_number"),
    ("description", "description"),
    ("notes", "notes"),
    ("acquired", "acquiry_date"),
    ("system_date", "system_date"),
    ("acquisition_os", "acquiry_operating_system"),
)
"""Our names for the header values libewf reads, and libewf's names."""


def acquisition_record(media: EwfMedia) -> dict[str, Any]:
    """What the E01 says about its acquisition (values as the acquisition wrote them)."""
    header = media.header_values()
    record: dict[str, Any] = {ours: header.get(theirs) for ours, theirs in _HEADER_FIELDS}
    software = header.get("acquiry_software")
    version = header.get("acquiry_software_version")
    record["tool"] = {"name": software, "version": version} if software or version else None
    stored = {k.upper(): v for k, v in media.stored_hashes().items()}
    record["stored_md5"] = stored.get("MD5")
    record["stored_sha1"] = stored.get("SHA1")
    record["media_size"] = media.size
    return record


def hash_media(
    media: EwfMedia, cancel: CancelToken, progress: ProgressFn, label: str
) -> tuple[str, str, int, str | None]:
    """MD5 and SHA-1 of the whole media, read once.

    Returns:
        md5, sha1, bytes read, and why the read stopped short (None when it did not).

    Raises:
        CancelledError: the token was cancelled (checked per chunk).
    """
    md5 = hashlib.md5(usedforsecurity=False)
    sha1 = hashlib.sha1(usedforsecurity=False)
    done = 0
    while done < media.size:
        cancel.raise_if_cancelled()
        try:
            data = media.read(done, min(CHUNK, media.size - done))
        except (OSError, ValueError, RuntimeError) as exc:
            return md5.hexdigest(), sha1.hexdigest(), done, f"unreadable at byte {done} ({exc})"
        if not data:
            return md5.hexdigest(), sha1.hexdigest(), done, f"the media ends at byte {done}"
        md5.update(data)
        sha1.update(data)
        done += len(data)
        progress(done, media.size, f"{label}: checking the E01's stored hashes")
    return md5.hexdigest(), sha1.hexdigest(), done, None


def verify_media(
    media: EwfMedia,
    segments: Sequence[tuple[str, Path]],
    cancel: CancelToken,
    progress: ProgressFn,
    label: str,
) -> tuple[tuple[str, str, int, str | None], ChunkReport]:
    """Hash the media (`hash_media`) while a second thread checks every chunk of the segment
    files (`ewf_chunks`): hashlib and zlib release the GIL, so the two passes overlap.

    Raises:
        CancelledError: the token was cancelled (both passes stop).
    """
    stop = _Either(cancel)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pwb-ewf-chunks") as pool:
        chunks = pool.submit(check_chunks, segments, stop)
        try:
            hashed = hash_media(media, cancel, progress, label)
        except BaseException:
            stop.cancel()  # the chunk pass stops too before this returns
            raise
        return hashed, chunks.result()


class _Either(CancelToken):
    """Cancelled by its own `cancel()` or by the user's token, whichever comes first."""

    def __init__(self, outer: CancelToken) -> None:
        super().__init__()
        self._outer = outer

    @property
    def cancelled(self) -> bool:
        """True once either token was cancelled."""
        return super().cancelled or self._outer.cancelled

    def raise_if_cancelled(self) -> None:
        """Raise `CancelledError` once either token was cancelled."""
        super().raise_if_cancelled()
        self._outer.raise_if_cancelled()


def check_e01(
    case: Case,
    image_id: str,
    media: EwfMedia,
    segments: Sequence[tuple[str, Path]],
    options: IngestOptions,
    cancel: CancelToken,
    progress: ProgressFn,
) -> IngestOutcome:
    """Read the acquisition record, check every chunk's checksum and the stored hashes; keep
    the record and the outcome on the image item.

    Args:
        segments: (name, stored path) of each segment file, for the chunk check.

    Returns:
        An outcome for the image item carrying the problems as warnings and findings.
    """
    image = case.items.get(image_id)
    record = acquisition_record(media)
    (md5, sha1, read, short), chunks = verify_media(media, segments, cancel, progress, image.name)
    record["media_md5"] = md5 if short is None else None
    record["media_sha1"] = sha1 if short is None else None
    problems = integrity_problems(image.name, record)
    record["chunks_checked"] = chunks.checked
    record["chunks_damaged"] = len(chunks.damaged)
    problems += chunks.damaged[:SHOWN]
    if len(chunks.damaged) > SHOWN:
        problems.append(
            f"{image.name}: {len(chunks.damaged) - SHOWN} more chunks fail their checksums"
        )
    stored = any((record["stored_md5"], record["stored_sha1"]))
    # Media that cannot be read in full (a segment missing) cannot be checked: a warning
    # (the expansion says what is missing); hashes or chunks that fail are a finding.
    record["verified"] = False if problems else None if short is not None or not stored else True
    record["problems"] = problems
    said = list(problems) + [
        f"E01 chunk checksums not checked: {why}" for why in chunks.not_checked
    ]
    if short is not None:
        record["bytes_read"] = read
        said.append(
            f"{image.name}: E01 integrity not checked: the media could not be read "
            f"in full ({short})"
        )
    warnings = [*image.warnings, *(p for p in said if p not in image.warnings)]
    attributes = {**image.attributes, EWF_ATTR: record}
    with case.recording(options.examiner, reason=options.reason) as rec:
        current, updated = case.items.edited(
            image.id, {"attributes": attributes, "warnings": warnings}
        )
        rec.update(
            current,
            updated,
            Action.ITEM_EDITED,
            details={"changes": {"attributes": {EWF_ATTR: record}}},
        )
    if problems:
        log.warning("%s: %s", image.name, "; ".join(problems))
    return IngestOutcome(
        image.name, "ingested", updated, warnings=tuple(said), findings=tuple(problems)
    )


def integrity_problems(name: str, record: dict[str, Any]) -> list[str]:
    """One sentence per hash the acquisition stored that the media as read does not match."""
    problems: list[str] = []
    for algo, stored_key, read_key in (
        ("MD5", "stored_md5", "media_md5"),
        ("SHA-1", "stored_sha1", "media_sha1"),
    ):
        stored, found = record.get(stored_key), record.get(read_key)
        if stored and found and stored.lower() != found.lower():
            problems.append(
                f"{name}: E01 integrity: the {algo} stored at acquisition is {stored}, the "
                f"media as read hashes to {found}: the image is damaged or was altered"
            )
    return problems
