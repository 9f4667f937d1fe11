"""Carving a disk image's unallocated space with PhotoRec, as Autopsy does.

Each file system TSK finds in the image (`tskwalk.open_volumes`) is handed to PhotoRec as the
partition it is (`photorec.command`), restricted to its free space. Every file PhotoRec cuts
out becomes an item under one "Carved" folder item of the image, named as PhotoRec names it
(`f<sector>.jpg`), with its path `$Carved/<name>` (after the partition's `/p<n>` prefix) and
the byte runs its report gives: the `carving` attribute holds the carver, its version, the
offset of the first byte in the image and every run. An E01's media is first written out raw
to the run's temporary folder, since Debian's PhotoRec is built without libewf.

A partition's carved files are stored only once PhotoRec has finished with it, so a cancel
(which kills PhotoRec) leaves no half of a partition; the run's temporary folder is removed
whatever happens. A `carved` custody entry on the image marks a carving that ran to its end;
an ingest of the same image with carving again finds the files already stored (same content,
same `$Carved` path) and carves only what is missing. PhotoRec failing (missing, crashing, a
report it cannot have written) is a rejected outcome naming the image and the reason.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import uuid
from collections.abc import Iterator, MutableSequence, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from forensics.case import Case
from forensics.errors import CarveError, EvidenceError
from forensics.intake.content_store import store_content
from forensics.intake.ewf import EWF_MIME, EwfMedia, segment_number
from forensics.intake.photorec import (
    CARVER,
    CarvedFile,
    CarveRun,
    command,
    photorec_path,
    photorec_version,
    run_photorec,
)
from forensics.intake.records import ContentSource, IngestOptions, IngestOutcome
from forensics.intake.rejections import record_rejection
from forensics.intake.tskimage import Media, RawMedia, TskImage
from forensics.intake.tskwalk import PARTITIONED, Volume, open_volumes
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.models import ContentState, Item, ItemKind, Recovery
from forensics.store.custody import Action
from forensics.store.db import utc_now
from forensics.store.evidence import CHUNK
from forensics.textsafe import escape_name

log = logging.getLogger(__name__)

CARVED_NODE = "Carved"
CARVED_DIR = b"$Carved"


def is_carved(case: Case, image_id: str) -> bool:
    """True once a carving of this image ran to its end."""
    return any(e.action == Action.CARVED for e in case.custody.entries(item_id=image_id))


def carve_disk_image(
    case: Case,
    image: Item,
    options: IngestOptions,
    *,
    cancel: CancelToken,
    progress: ProgressFn = no_progress,
    segments: Sequence[Item] = (),
    sink: MutableSequence[IngestOutcome] | None = None,
) -> MutableSequence[IngestOutcome]:
    """Carve the unallocated space of every file system in a disk image.

    Args:
        case: the open case.
        image: the image item (its content is read from the evidence store).
        options: examiner, note and post-ingest work for the carved files.
        cancel: checked while PhotoRec runs (which is then killed) and per carved file.
        progress: sectors read of sectors in the partition being carved, or bytes copied.
        segments: for an E01 set, the items of its later segments.
        sink: the list to append outcomes to as they happen.

    Returns:
        One outcome per carved file; a rejected outcome for each partition PhotoRec failed on.

    Raises:
        CancelledError: the token was cancelled.
    """
    out: MutableSequence[IngestOutcome] = [] if sink is None else sink
    if image.sha256 is None:
        return out
    if image.mime == EWF_MIME:
        with open(case.evidence.open(image.sha256), "rb") as f:
            if segment_number(f.read(16)) not in (None, 1):
                return out  # carved with its first segment
    label = f"{image.name} (carving)"
    try:
        exe = photorec_path()
        version = photorec_version(exe)
        media = _open_media(case, image, segments)
    except (EvidenceError, OSError) as exc:
        out.append(record_rejection(case, options, label, str(exc), item_id=image.id))
        return out
    work = Path(tempfile.mkdtemp(prefix="carve-", dir=case.evidence.tmp_dir)).absolute()
    try:
        try:
            img = TskImage(media)
            try:
                volumes, _problems = open_volumes(img, image.mime or "")
                table = _table(media, image.mime or "")
                raw = _raw_path(case, image, media, work, cancel, progress)
            finally:
                img.close()
        except (EvidenceError, OSError, RuntimeError) as exc:
            # A damaged or incomplete E01 (libewf's errors reach us through TSK as
            # RuntimeError), or no room for its media.
            reason = f"cannot read the image for carving ({exc})"
            out.append(record_rejection(case, options, label, reason, item_id=image.id))
            return out
        _carve(case, image, raw, table, volumes, version, options, work, cancel, progress, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def _open_media(case: Case, image: Item, segments: Sequence[Item]) -> Media:
    assert image.sha256 is not None
    if image.mime == EWF_MIME:
        paths = [case.evidence.open(image.sha256)]
        paths += [case.evidence.open(s.sha256) for s in segments if s.sha256]
        return EwfMedia(paths)
    return RawMedia(case.evidence.open(image.sha256))


def _table(media: Media, mime: str) -> str:
    """PhotoRec's name for the image's partition table (GPT has "EFI PART" at LBA 1)."""
    if mime not in PARTITIONED:
        return "partition_none"
    for sector in (512, 4096):
        if media.read(sector, 8) == b"EFI PART":
            return "partition_gpt"
    return "partition_i386"


def _raw_path(
    case: Case,
    image: Item,
    media: Media,
    work: Path,
    cancel: CancelToken,
    progress: ProgressFn,
) -> Path:
    """A path PhotoRec can read the media at: the stored file, or an E01's media written out."""
    assert image.sha256 is not None
    if image.mime != EWF_MIME:
        return case.evidence.open(image.sha256)
    raw = work / "media.raw"
    free = shutil.disk_usage(work).free
    if free < media.size + (64 << 20):
        raise CarveError(
            f"the E01's media ({media.size:,} bytes) must be written out raw for PhotoRec, "
            f"and the case's folder has {free:,} bytes free"
        )
    with raw.open("wb") as f:
        offset = 0
        while offset < media.size:
            cancel.raise_if_cancelled()
            data = media.read(offset, min(CHUNK, media.size - offset))
            if not data:
                raise CarveError(f"the E01 media ends at byte {offset} of {media.size}")
            f.write(data)
            offset += len(data)
            progress(offset, media.size, f"{image.name}: media for PhotoRec")
    return raw


def _carve(
    case: Case,
    image: Item,
    raw: Path,
    table: str,
    volumes: Sequence[Volume],
    version: str,
    options: IngestOptions,
    work: Path,
    cancel: CancelToken,
    progress: ProgressFn,
    out: MutableSequence[IngestOutcome],
) -> None:
    if not volumes:
        table = "partition_none"  # nothing TSK reads: PhotoRec takes the image as one
    targets = list(_targets(volumes))
    done: list[dict[str, Any]] = []
    node: Item | None = None
    failed = 0
    for n, (prefix, number, volume) in enumerate(targets):
        where = f"{image.name}{escape_name(prefix) if prefix else ''} (carving)"
        if number is None and table != "partition_none":
            out.append(
                record_rejection(
                    case,
                    options,
                    where,
                    "a logical partition: PhotoRec's number for it is not known; not carved",
                    item_id=image.id,
                )
            )
            failed += 1
            continue
        script = command(table, number)
        try:
            run = run_photorec(
                raw, _fresh(work, n), script, cancel=cancel, progress=progress, label=where
            )
        except CarveError as exc:
            out.append(record_rejection(case, options, where, str(exc), item_id=image.id))
            failed += 1
            continue
        if run.files and node is None:
            node = _carved_node(case, image, options)
        for carved in run.files:
            cancel.raise_if_cancelled()
            assert node is not None
            stored = _store(case, node, prefix, carved, run, version, volume, options, cancel)
            out.append(replace(stored, path=f"{image.name}:{stored.path}"))
        out.extend(IngestOutcome(where, "skipped", warnings=(problem,)) for problem in run.problems)
        done.append(
            {
                "path_prefix": prefix.decode("ascii"),
                "command": script,
                "free_space_only": run.free_space_only,
                "files": len(run.files),
            }
        )
    with case.recording(case.actor(options.examiner)) as rec:
        rec.note(
            Action.CARVED,
            item_id=image.id,
            details={
                "carver": CARVER,
                "carver_version": version,
                "partitions": done,
                "failed": failed,
            },
            reason=options.reason,
        )


def _targets(volumes: Sequence[Volume]) -> Iterator[tuple[bytes, int | None, Any]]:
    """(path prefix, PhotoRec partition number, TSK volume) of each file system to carve.

    An image where TSK opens no file system is carved whole (PhotoRec may know it).
    """
    if not volumes:
        yield b"", None, None
        return
    for volume in volumes:
        number = volume.partition.get("number") if volume.partition else None
        yield volume.prefix, number, volume


def _fresh(work: Path, n: int) -> Path:
    path = work / f"run{n}"
    path.mkdir()
    return path


def _carved_node(case: Case, image: Item, options: IngestOptions) -> Item:
    """The image's "Carved" folder item, made on first use."""
    for child in case.items.children(image.id):
        if child.kind == ItemKind.FOLDER and child.fs_path_raw == CARVED_DIR:
            return child
    node = Item(
        id=str(uuid.uuid4()),
        kind=ItemKind.FOLDER,
        name=CARVED_NODE,
        parent_id=image.id,
        fs_path=CARVED_DIR.decode("ascii"),
        fs_path_raw=CARVED_DIR,
        recovery=Recovery.CARVED,
        note="files carved from the image's unallocated space",
        created_at=utc_now(),
        created_by=case.actor(options.examiner),
    )
    case.insert_item(
        node, Action.ITEM_ADDED, details={"carved_from": image.id}, reason=options.reason
    )
    return node


def _store(
    case: Case,
    node: Item,
    prefix: bytes,
    carved: CarvedFile,
    run: CarveRun,
    version: str,
    volume: Any,
    options: IngestOptions,
    cancel: CancelToken,
) -> IngestOutcome:
    path_raw = prefix + b"/" + CARVED_DIR + b"/" + carved.file_name.encode("utf-8", "replace")
    path = escape_name(path_raw)
    carving: dict[str, Any] = {
        "carver": CARVER,
        "carver_version": version,
        "carver_file_name": carved.file_name,
        "offset": carved.offset,
        "byte_runs": [[o, n] for o, n in carved.byte_runs],
        "free_space_only": run.free_space_only,
    }
    attributes: dict[str, Any] = {"carving": carving}
    if volume is not None:
        attributes["fs_type"] = volume.fs_type
        if volume.partition:
            attributes["partition"] = volume.partition
    warnings = [
        f"carved by {CARVER} {version} from unallocated space at byte {carved.offset} of the "
        "image: no name, no timestamps; where the file ends is the carver's judgement"
    ]
    if len(carved.byte_runs) > 1:
        warnings.append(f"carved from {len(carved.byte_runs)} separate runs of bytes")
    if not run.free_space_only:
        warnings.append(
            f"{CARVER} could not tell used from free space on this file system: it carved the "
            "whole partition, so this may be a copy of a live file"
        )
    source = ContentSource(
        name=escape_name(carved.file_name),
        fs_path=path,
        fs_path_raw=path_raw,
        recovery=Recovery.CARVED,
        content_state=ContentState.UNKNOWN,
        attributes=attributes,
        warnings=tuple(warnings),
    )
    outcome = store_content(
        case,
        _chunks(carved.path, cancel),
        carved.size,
        source,
        options,
        parent_id=node.id,
        cancel=cancel,
    )
    return replace(outcome, path=path)


def _chunks(path: Path, cancel: CancelToken) -> Iterator[bytes]:
    with path.open("rb") as f:
        while True:
            cancel.raise_if_cancelled()
            data = f.read(CHUNK)
            if not data:
                return
            yield data
