"""Storing one piece of content: copy, hash, sniff, warn, then the item and its custody entry.

The copy is fsynced and renamed into place before the item row and its custody entry commit
together, so an interruption leaves either a whole item or nothing. Content already in the
case from the same source is a duplicate: logged, not stored twice. The database decides that
(a UNIQUE rule on items), so two ingests of the same folder at once cannot both add it: the
one that commits second is told "duplicate" by its insert. An insert that fails (the database
locked past the busy timeout, a full disk) releases its blob before the error goes on, so
nothing is left that no item refers to.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from forensics.case import Case
from forensics.errors import CancelledError, DuplicateItemError
from forensics.intake.names import name_warnings
from forensics.intake.records import ContentSource, IngestOptions, IngestOutcome, item_from_source
from forensics.intake.sniff import extension_mismatch, is_disk_image, sniff
from forensics.jobs import CancelToken
from forensics.models import Item, ItemKind
from forensics.store.custody import Action
from forensics.store.evidence import StoredBlob

log = logging.getLogger(__name__)

ARCHIVE_TYPES = frozenset({"application/zip", "application/gzip", "application/x-7z-compressed"})


def store_content(
    case: Case,
    chunks: Iterable[bytes],
    size_hint: int,
    source: ContentSource,
    options: IngestOptions,
    *,
    parent_id: str | None,
    kind: str | None = None,
    cancel: CancelToken | None = None,
) -> IngestOutcome:
    """Copy one piece of content into the store and commit its item and custody entry.

    Used for files inside disk images (host files take a faster path to the same end).

    Returns:
        "ingested", or "duplicate" when this very source was ingested before.
    """
    return store_copy(
        case,
        lambda: case.evidence.copy_in(chunks, size_hint, sync=options.batch is None),
        size_hint,
        source,
        options,
        parent_id=parent_id,
        kind=kind,
        cancel=cancel,
    )


def store_copy(
    case: Case,
    copy: Callable[[], tuple[Path, StoredBlob]],
    size_hint: int,
    source: ContentSource,
    options: IngestOptions,
    *,
    parent_id: str | None,
    kind: str | None = None,
    cancel: CancelToken | None = None,
) -> IngestOutcome:
    """Run `copy` (which fills the store's temporary file), then record the item or duplicate.

    Within `ingest_paths` (`options.batch` set) the item is committed with its batch and
    the post-ingest runs get it then; alone, it is committed here and the post-ingest steps
    run on it now. One failing becomes a warning, never a lost item.

    Returns:
        "ingested", or "duplicate" when this very source was ingested before.
    """
    actor = case.actor(options.examiner)
    label = source.source_path or source.fs_path or source.name
    tmp, blob = copy()
    mime = sniff(blob.head, blob.size)
    warnings: list[str] = list(source.warnings)
    if blob.size == 0:
        warnings.append("empty file (0 bytes)")
    elif extension_mismatch(source.name, mime):
        warnings.append(f"the name's extension does not match the content, which is {mime}")
    raw_path = source.fs_path_raw or source.source_path_raw
    if raw_path is not None:
        warnings.extend(name_warnings(os.path.basename(raw_path)))
    if mime in ARCHIVE_TYPES:
        warnings.append("an archive: stored as one file, its contents were not extracted")
    if blob.size != size_hint and size_hint:
        warnings.append(
            f"read {blob.size} bytes where {size_hint} were expected: the file "
            "changed while it was read, or could not be read in full"
        )
    batch = options.batch
    if batch is not None and batch.has_pending(blob.sha256):
        batch.flush()  # the duplicate check and its custody entry need the rows committed
    duplicate = (
        None
        if batch is not None and batch.surely_new(blob.sha256)
        else case.items.find_duplicate(
            blob.sha256, source.source_path_raw, source.fs_path_raw, parent_id
        )
    )
    if duplicate is not None:
        case.evidence.discard(tmp)
        if batch is not None:
            batch.flush()  # the custody chain keeps the order the inputs came in
        return _duplicate(case, duplicate, label, blob.sha256, actor, options, cancel)
    item_kind = kind or (ItemKind.DISK_IMAGE if is_disk_image(mime) else ItemKind.FILE)
    item = item_from_source(
        source,
        kind=item_kind,
        parent_id=parent_id,
        actor=actor,
        note=options.note,
        warnings=tuple(warnings),
        sha256=blob.sha256,
        md5=blob.md5,
        size=blob.size,
        mime=mime,
    )
    details = {
        "source_path": label,
        "sha256": blob.sha256,
        "md5": blob.md5,
        "size": blob.size,
        "mime": mime,
        "note": options.note,
    }
    if batch is not None:
        batch.add(tmp, blob, item, details, options.reason)
        if item_kind == ItemKind.DISK_IMAGE:
            batch.flush()  # it is expanded next, from the stored copy
        return IngestOutcome(label, "ingested", item, warnings=tuple(warnings))
    case.evidence.commit_blob(tmp, blob.sha256)
    try:
        with case.transaction():
            case.insert_item(item, Action.INGESTED, details=details, reason=options.reason)
            case.evidence.settle_marker(blob.sha256)  # a server case's row goes with it
    except DuplicateItemError:
        # Another ingest committed this very source first; its item holds the blob.
        case.evidence.release_blob(blob.sha256, case.items.has_content)
        found = case.items.find_duplicate(
            blob.sha256, source.source_path_raw, source.fs_path_raw, parent_id
        )
        if found is None:  # the rule and the lookup disagree: a bug, not a duplicate
            raise
        return _duplicate(case, found, label, blob.sha256, actor, options, cancel)
    except BaseException:
        case.evidence.release_blob(blob.sha256, case.items.has_content)
        raise
    case.evidence.clear_marker(blob.sha256)
    extra = run_post_ingest(case, item, options, cancel, label)
    return IngestOutcome(label, "ingested", item, warnings=tuple(warnings + extra))


def _duplicate(
    case: Case,
    duplicate: Item,
    label: str,
    sha256: str,
    actor: str,
    options: IngestOptions,
    cancel: CancelToken | None,
) -> IngestOutcome:
    """Log content found again from the same source, and finish what its ingest left undone."""
    with case.recording(actor) as rec:
        rec.note(
            Action.INGEST_DUPLICATE,
            item_id=duplicate.id,
            details={"source_path": label, "sha256": sha256},
            reason=options.reason,
        )
    # A re-run after an interrupted ingest finishes what the first run left undone (an
    # item stored but killed before its metadata was extracted): the steps skip what is
    # already recorded.
    finished = run_post_ingest(case, duplicate, options, cancel, label)
    return IngestOutcome(
        label,
        "duplicate",
        duplicate,
        warnings=(f"already in the case as item {duplicate.id}", *finished),
    )


def run_post_ingest(
    case: Case, item: Item, options: IngestOptions, cancel: CancelToken | None, label: str
) -> list[str]:
    """Run the post-ingest steps on an item; a step failing is a warning, never a lost item.

    The steps are idempotent (they skip what an earlier run recorded), so running them on an
    item found again completes an ingest that was killed between storing it and its steps.

    Within `ingest_paths` (`options.batch` set) the item is handed to the batch instead: the
    steps run on it with the new items, and their warnings join its outcome at the end.

    Returns:
        The steps' warnings (none yet within `ingest_paths`).
    """
    if options.batch is not None:
        options.batch.found_again(item)
        return []
    extra: list[str] = []
    for step in options.post_ingest:
        try:
            extra.extend(step(case, item, cancel or CancelToken()))
        except CancelledError:
            raise
        except Exception as exc:  # one extractor failing must not lose the ingested item
            log.exception("post-ingest step failed on %s", label)
            extra.append(f"post-ingest step failed: {exc}")
    return extra
