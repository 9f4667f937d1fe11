"""The content-addressed evidence store and the derived-file store, in a folder.

Evidence files are named by their sha256 and sharded two levels deep
(`evidence/ab/cd/abcd…`); once renamed into place they are read-only. A copy is written to
`tmp/`, hashed (sha256 and md5) in the same pass, fsynced (`blob_copy`), and only then
renamed into place, so a crash leaves at worst a temporary file, which the next open removes.
Between the rename and the database commit an in-flight marker names the blob (`inflight`:
files in `tmp/` for a folder case, rows of the database for a server case, `inflight_db`):
recovery removes a marked blob no item refers to, and a writer whose insert fails releases
its blob (`release_blob`) unless an item or another writer needs it.
"""

from __future__ import annotations

import hashlib
import os
import stat
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from forensics.errors import EvidenceError
from forensics.jobs import CancelToken
from forensics.safe_names import checked_sha256
from forensics.store.blob_copy import (
    CHUNK,
    READ_ONLY,
    StoredBlob,
    copy_chunks,
    copy_from_fd,
    hash_file,
    new_part,
    read_chunks,
    write_all,
)
from forensics.store.durable import BlobMoves, sync_all
from forensics.store.inflight import FileMarkers, InFlightMarkers, fsync_dir

__all__ = ["CHUNK", "EvidenceStore", "StoredBlob", "hash_file", "read_chunks", "shard"]

_OUTSIDE = ".outside"
"""Suffix of a marker naming a temporary file written outside the case."""


def shard(sha256: str) -> Path:
    """The relative, sharded location of a content hash (checked: never a path from a value).

    Raises:
        ValidationError: `sha256` is not 64 lowercase hex digits.
    """
    sha256 = checked_sha256(sha256)
    return Path(sha256[:2]) / sha256[2:4] / sha256


class EvidenceStore:
    """The `evidence/`, `derived/` and `tmp/` folders of one case.

    Args:
        root: the case folder (a server case's evidence folder).
        markers: where the in-flight markers are kept (default: files in `tmp/`).
    """

    def __init__(self, root: Path, markers: InFlightMarkers | None = None) -> None:
        self.root = root
        self.evidence_dir = root / "evidence"
        self.derived_dir = root / "derived"
        self.tmp_dir = root / "tmp"
        self.markers: InFlightMarkers = markers or FileMarkers(self.tmp_dir)

    def create_dirs(self) -> None:
        """Make the store's folders (a new case)."""
        for d in (self.evidence_dir, self.derived_dir, self.tmp_dir):
            d.mkdir(parents=True, exist_ok=True)

    # evidence -----------------------------------------------------------------------------
    def path_of(self, sha256: str) -> Path:
        """Where the content with this hash lives (it may not exist)."""
        return self.evidence_dir / shard(sha256)

    def has(self, sha256: str) -> bool:
        """True when the content is in the store."""
        return self.path_of(sha256).is_file()

    def open(self, sha256: str) -> Path:
        """The path of stored content, for reading.

        Raises:
            EvidenceError: the content is not in the store.
        """
        path = self.path_of(sha256)
        if not path.is_file():
            raise EvidenceError(f"evidence {sha256} is missing from the store ({path})")
        return path

    def copy_in(
        self, chunks: Iterable[bytes], size_hint: int = 0, *, sync: bool = True
    ) -> tuple[Path, StoredBlob]:
        """Write content to a temporary file while hashing it; fsync it.

        The caller then calls `commit_blob` (or `discard`) with the returned temporary path,
        or, with `sync=False`, `commit_blobs` for many at once (one sync for all).

        Args:
            chunks: the content, in pieces (each read once).
            size_hint: the expected size; large files hash in worker threads.
            sync: fsync the copy now (False: `commit_blobs` makes it durable).

        Returns:
            The temporary file and the content's hashes, size and first bytes.
        """
        return copy_chunks(
            self.tmp_dir, chunks, size_hint, sync=sync, owner=self.markers.part_owner()
        )

    def copy_in_fd(
        self,
        fd: int,
        size_hint: int,
        cancel: CancelToken | None = None,
        on_bytes: Callable[[int], None] | None = None,
        *,
        sync: bool = True,
    ) -> tuple[Path, StoredBlob]:
        """Like `copy_in`, reading a file descriptor to its end: the fast path for host files.

        Large files go through `fastcopy` (a ring of buffers, hashes and write in parallel,
        `O_DIRECT` where possible); small ones through `copy_in`.
        """
        owner = self.markers.part_owner()
        return copy_from_fd(self.tmp_dir, fd, size_hint, cancel, on_bytes, sync=sync, owner=owner)

    def part_name(self, stem: str) -> str:
        """The name, in `tmp_dir`, of a temporary copy another process makes for this writer
        (an ingest's copying process): `new_part`'s pattern, `stem` (hex digits) and this
        writer's owner, so recovery treats it as this writer's."""
        owner = self.markers.part_owner()
        return f"{stem}.{owner}.part" if owner else f"{stem}.part"

    def in_flight(self, sha256: str) -> bool:
        """True while some writer holds a marker for this content (an ingest under way).

        Any name may be asked (verify asks about every file in the store); one that is not a
        sha256 never has a marker.
        """
        return self.markers.in_flight(sha256)

    def commit_blob(self, tmp: Path, sha256: str) -> bool:
        """Move a verified temporary copy into place, read-only; drop it if already stored.

        Either way this writer holds an in-flight marker for the content until
        `clear_marker` or `release_blob`.

        Returns:
            True when the content was new to the store.
        """
        final = self.path_of(sha256)
        with self.markers.claim([sha256], None):
            if final.is_file():
                tmp.unlink(missing_ok=True)
                return False
            final.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp, 0o444)
            os.replace(tmp, final)
            fsync_dir(final.parent)
            return True

    def batch_marker(self) -> Path:
        """A new batch's in-flight marker (made by `commit_blobs`)."""
        return self.markers.new_batch()

    def commit_blobs(
        self, blobs: Sequence[tuple[Path, str]], marker: Path, keep_cached: bool = True
    ) -> None:
        """`commit_blob` for many copies made with `sync=False`, in two file-system syncs.

        Same order of events as one by one: the copies and their in-flight marker are
        durable before any rename, and the renames before the caller commits the rows.
        Content already stored (or twice in `blobs`) is dropped. One marker names the
        whole batch (`marker`, from `batch_marker`): the caller removes it with `clear_batch`
        once the rows are committed, or, when this or the rows failed, gives each blob up
        with `release_blob(..., batch=marker)` and then clears it.

        The two halves may run apart: `claim_blobs` here, then the `BlobMoves` it returns in
        any process (`place_blobs`, or the ingest's copying process). `keep_cached`: see
        `BlobMoves` (False when nothing reads the copies soon).
        """
        self.place_blobs(self.claim_blobs(blobs, marker, keep_cached))

    def claim_blobs(
        self, blobs: Sequence[tuple[Path, str]], marker: Path, keep_cached: bool = True
    ) -> BlobMoves:
        """The first half of `commit_blobs`: the batch's marker names every blob, content
        already stored (or twice in `blobs`) is dropped; returns what is left to do."""
        fresh: list[tuple[str, str]] = []
        taken: set[str] = set()
        # Strings, not `path_of`'s Paths: two Paths a file were 40 us of a card's ~300 us a
        # file in the ingesting process (the same place: `shard`'s hash check, then its path).
        store = f"{self.evidence_dir}{os.sep}"
        # Every blob is named, stored already or not: this writer is about to refer to it,
        # so another writer's failed insert must not remove it (`release_blob`).
        with self.markers.claim([s for _t, s in blobs], marker):
            for tmp, sha256 in blobs:
                sha256 = checked_sha256(sha256)
                final = f"{store}{sha256[:2]}{os.sep}{sha256[2:4]}{os.sep}{sha256}"
                if sha256 in taken or os.path.isfile(final):
                    tmp.unlink(missing_ok=True)
                    continue
                taken.add(sha256)
                fresh.append((str(tmp), final))
        if not fresh:
            return BlobMoves(str(self.tmp_dir))
        durable = [str(p) for p in self.markers.files_to_sync(marker)] + [t for t, _f in fresh]
        return BlobMoves(str(self.tmp_dir), tuple(durable), tuple(fresh), keep_cached)

    def place_blobs(self, moves: BlobMoves) -> None:
        """The second half of `commit_blobs` (`BlobMoves.run`), in this process."""
        moves.run()

    def clear_batch(self, marker: Path) -> None:
        """Forget a batch's in-flight marker once its rows are committed (or released)."""
        self.markers.clear_batch(marker)

    def sync(self, files: Iterable[Path] = ()) -> None:
        """Make files written with `sync=False` (derived files) durable."""
        sync_all(self.tmp_dir, files, ())

    def settle_marker(self, sha256: str) -> None:
        """Inside the transaction that commits the row referring to a `commit_blob`: a
        database-held marker goes in that same commit (and the transaction fails if a
        recovery took it); a marker file stays until `clear_marker`, after the commit."""
        self.markers.settle(sha256)

    def settle_batch(self, marker: Path) -> None:
        """`settle_marker` for a batch (`commit_blobs`), inside the transaction of its rows."""
        self.markers.settle_batch(marker)

    def clear_marker(self, sha256: str) -> None:
        """Forget this writer's in-flight marker once the database row is committed."""
        self.markers.clear(sha256)

    def release_blob(
        self, sha256: str, referenced: Callable[[str], bool], *, batch: Path | None = None
    ) -> bool:
        """Give up a blob whose database row was not written (the insert failed).

        Args:
            sha256: the content.
            referenced: whether a committed item refers to it (asked under the store lock).
            batch: the marker of the batch it came with (`commit_blobs`), which the caller
                clears once every blob of the batch is released; None: its own marker.

        Returns:
            True when the blob was removed; False when another item or writer needs it.
        """
        return self.markers.release(sha256, batch, referenced, self.remove_blob)

    def discard(self, tmp: Path) -> None:
        """Remove a temporary copy that will not be kept."""
        tmp.unlink(missing_ok=True)

    def remove_blob(self, sha256: str) -> None:
        """Delete stored content (only recovery of an interrupted ingest does this)."""
        path = self.path_of(sha256)
        if path.exists():
            os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
            path.unlink()

    def leftovers(self, *, alone: bool = True) -> tuple[list[Path], list[str]]:
        """Temporary copies and in-flight markers left behind by an interrupted process.

        Args:
            alone: the caller is alone with the case (every copy is a dead writer's); when
                not, only copies whose writer is known to have ended (`part_owner`).
        """
        if not self.tmp_dir.is_dir():
            return [], []
        parts = sorted(self.tmp_dir.glob("*.part"))
        if not alone:
            parts = self.markers.abandoned(parts)
        return parts, sorted(self.markers.leftover_shas())

    def leftover_folders(self) -> list[Path]:
        """Working folders in `tmp/` (a merge's, a carving's, a pack's) that a killed process
        left behind; only recovery, alone with the case, calls this."""
        if not self.tmp_dir.is_dir():
            return []
        return sorted(p for p in self.tmp_dir.iterdir() if p.is_dir() and not p.is_symlink())

    def mark_outside(self, target: Path) -> Path:
        """Note a temporary file this case's process writes outside the case (a pack's
        archive in progress, next to where the archive goes), so a recovery after a crash
        can remove it. The caller deletes the returned marker once the file is gone or final.
        """
        marker = self.tmp_dir / f"{uuid.uuid4().hex}{_OUTSIDE}"
        marker.write_bytes(os.fsencode(os.path.abspath(target)))
        return marker

    def outside_leftovers(self) -> list[tuple[Path, Path]]:
        """(marker, the file it names) for every outside temporary file a crash left."""
        if not self.tmp_dir.is_dir():
            return []
        out: list[tuple[Path, Path]] = []
        for marker in sorted(self.tmp_dir.glob(f"*{_OUTSIDE}")):
            try:
                out.append((marker, Path(os.fsdecode(marker.read_bytes()))))
            except OSError:
                continue
        return out

    def reclaim_blobs(self, referenced: Callable[[str], bool]) -> tuple[list[str], int]:
        """Recovery, inside the transaction that logs it: remove the stored blobs that only
        writers no longer running held markers for and that no item refers to.

        Returns:
            The removed blobs' sha256s, and how many contents' markers were reclaimed.
        """
        return self.markers.reclaim(referenced, self._remove_if_stored)

    def forget_reclaimed(self) -> None:
        """Once the recovery's entry is committed: the reclaimed markers go."""
        self.markers.forget_reclaimed()

    def _remove_if_stored(self, sha256: str) -> bool:
        if not self.has(sha256):
            return False
        self.remove_blob(sha256)
        return True

    def close(self) -> None:
        """Let go of what the store holds open (a server case's markers' connection)."""
        self.markers.close()

    def stored_hashes(self) -> Iterator[tuple[str, Path]]:
        """Every file in the evidence folder, as `(file name, path)`."""
        for path in sorted(self.evidence_dir.rglob("*")):
            if path.is_file() or path.is_symlink():
                yield path.name, path

    # derived ------------------------------------------------------------------------------
    def put_derived(self, data: bytes, suffix: str, *, sync: bool = True) -> tuple[str, Path]:
        """Store a derived file (frame, thumbnail…) under its own content hash.

        Args:
            data: the file's bytes.
            suffix: the extension, with its dot (".png").
            sync: fsync it now (False: the caller calls `sync` before committing its rows).

        Returns:
            The sha256 of the data and the stored path.
        """
        sha256 = hashlib.sha256(data).hexdigest()
        final = self.derived_path(sha256, suffix)
        if final.is_file():
            return sha256, final
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = new_part(self.tmp_dir, self.markers.part_owner())
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, READ_ONLY)
        try:
            write_all(fd, data)
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, final)
        return sha256, final

    def derived_path(self, sha256: str, suffix: str) -> Path:
        """Where a derived file with this hash and extension lives."""
        rel = shard(sha256)
        return self.derived_dir / rel.parent / f"{rel.name}{suffix}"

    def derived_files(self) -> Iterator[Path]:
        """Every derived file."""
        if self.derived_dir.is_dir():
            for path in sorted(self.derived_dir.rglob("*")):
                if path.is_file():
                    yield path
