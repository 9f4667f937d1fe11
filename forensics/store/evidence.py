"""The content-addressed evidence store and the derived-file store.

Evidence files are named by their sha256 and sharded two levels deep
(`evidence/ab/cd/abcd…`); once renamed into place they are read-only. A copy is written to
`tmp/`, hashed (sha256 and md5) in the same pass, fsynced, and only then renamed into place, so
a crash leaves at worst a temporary file, which the next open removes. Between the rename and
the database commit an *in-flight marker* names the blob, so recovery can tell a blob of an
interrupted ingest from one that somebody added behind the case's back, and `verify` can tell
a blob being ingested right now from an unexpected one.

Each writer has its own marker (`<sha256>.<writer>.inflight`): two ingests of the same content
at once both hold one. A batch of copies committed together has one marker for all of them
(`<uuid>.<writer>.batch`, listing their sha256s): on a card of small photos, creating and
removing a marker file per photo cost more than copying it. A writer whose insert fails
releases its blob (`release_blob`): it is removed only when no committed item refers to it
and no other writer holds a marker for it, decided under a lock on the store's `tmp/` folder
(`flock`) that `commit_blob` takes too, so a blob is never removed under a writer that is
about to refer to it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import queue
import re
import stat
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from forensics.errors import EvidenceError, ValidationError
from forensics.jobs import CancelToken
from forensics.safe_names import checked_sha256
from forensics.store.durable import sync_all
from forensics.store.fastcopy import copy_fd, open_for_copy

CHUNK = 1 << 20
"""Read size: large enough that hashlib releases the GIL and threads overlap."""

_OUTSIDE = ".outside"
"""Suffix of a marker naming a temporary file written outside the case."""

_THREADED_FROM = 8 * CHUNK
"""Below this size one thread is faster than handing chunks to workers."""

_READ_ONLY = 0o444
_SHA256_LINE = re.compile(r"[0-9a-f]{64}")
_BATCH = ".batch"
"""Suffix of a batch's in-flight marker (one sha256 a line)."""


@dataclass(frozen=True)
class StoredBlob:
    """What the store knows of one copied file."""

    sha256: str
    md5: str
    size: int
    head: bytes
    """The first bytes of the content, for type sniffing without a second read."""


def shard(sha256: str) -> Path:
    """The relative, sharded location of a content hash (checked: never a path from a value).

    Raises:
        ValidationError: `sha256` is not 64 lowercase hex digits.
    """
    sha256 = checked_sha256(sha256)
    return Path(sha256[:2]) / sha256[2:4] / sha256


def read_chunks(fd: int, cancel: CancelToken | None = None) -> Iterator[bytes]:
    """Yield a file descriptor's content in `CHUNK`-sized pieces, checking `cancel`."""
    while True:
        if cancel is not None:
            cancel.raise_if_cancelled()
        data = os.read(fd, CHUNK)
        if not data:
            return
        yield data


class _Worker:
    """Runs one consumer over a bounded queue of chunks in its own thread."""

    def __init__(self, consume: Callable[[bytes], object]) -> None:
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=16)
        self._consume = consume
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            chunk = self._queue.get()
            if chunk is None:
                return
            if self.error is None:
                try:
                    self._consume(chunk)
                except BaseException as exc:  # handed to the caller by finish()
                    self.error = exc

    def put(self, chunk: bytes) -> None:
        self._queue.put(chunk)

    def finish(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self.error is not None:
            raise self.error


class EvidenceStore:
    """The `evidence/`, `derived/` and `tmp/` folders of one case."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.evidence_dir = root / "evidence"
        self.derived_dir = root / "derived"
        self.tmp_dir = root / "tmp"
        self._writer = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"

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
        tmp = self.tmp_dir / f"{uuid.uuid4().hex}.part"
        # Read-only from the start (the descriptor stays writable): no chmod before the rename.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _READ_ONLY)
        sha = hashlib.sha256()
        md5 = hashlib.md5(usedforsecurity=False)
        size = 0
        head = b""
        threaded = size_hint >= _THREADED_FROM
        try:
            if threaded:
                md5_worker = _Worker(md5.update)
                write_worker = _Worker(lambda data: _write_all(fd, data))
                try:
                    for chunk in chunks:
                        if not head:
                            head = chunk[:4096]
                        md5_worker.put(chunk)
                        write_worker.put(chunk)
                        sha.update(chunk)
                        size += len(chunk)
                finally:
                    md5_worker.finish()
                    write_worker.finish()
            else:
                for chunk in chunks:
                    if not head:
                        head = chunk[:4096]
                    sha.update(chunk)
                    md5.update(chunk)
                    _write_all(fd, chunk)
                    size += len(chunk)
            if sync:
                os.fsync(fd)
        except BaseException:
            os.close(fd)
            tmp.unlink(missing_ok=True)
            raise
        os.close(fd)
        return tmp, StoredBlob(sha.hexdigest(), md5.hexdigest(), size, head)

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
        if size_hint < _THREADED_FROM:

            def chunks() -> Iterator[bytes]:
                for chunk in read_chunks(fd, cancel):
                    if on_bytes is not None:
                        on_bytes(len(chunk))
                    yield chunk

            return self.copy_in(chunks(), size_hint, sync=sync)
        tmp = self.tmp_dir / f"{uuid.uuid4().hex}.part"
        out, direct = open_for_copy(tmp)
        try:
            result = copy_fd(fd, out, direct, cancel, on_bytes)
            os.fsync(out)
        except BaseException:
            os.close(out)
            tmp.unlink(missing_ok=True)
            raise
        os.close(out)
        return tmp, StoredBlob(result.sha256, result.md5, result.size, result.head)

    def marker_path(self, sha256: str) -> Path:
        """This writer's in-flight marker of a blob between rename and database commit."""
        return self.tmp_dir / f"{checked_sha256(sha256)}.{self._writer}.inflight"

    def in_flight(self, sha256: str) -> bool:
        """True while some writer holds a marker for this content (an ingest under way).

        Any name may be asked (verify asks about every file in the store); one that is not a
        sha256 never has a marker.
        """
        try:
            sha256 = checked_sha256(sha256)
        except ValidationError:
            return False
        return any(self.tmp_dir.glob(f"{sha256}.*inflight")) or any(
            sha256 in shas for _marker, shas in self._batch_markers()
        )

    def _batch_markers(self) -> list[tuple[Path, frozenset[str]]]:
        """Every writer's batch markers with the sha256s they list (a line cut short by a
        crash while the marker was written names no blob: none was renamed yet)."""
        out = []
        for marker in sorted(self.tmp_dir.glob(f"*{_BATCH}")):
            try:
                lines = marker.read_bytes().decode("ascii", "replace").split("\n")
            except OSError:
                continue  # removed meanwhile: its writer committed
            out.append((marker, frozenset(x for x in lines if _SHA256_LINE.fullmatch(x))))
        return out

    @contextlib.contextmanager
    def _blob_lock(self) -> Iterator[None]:
        # The lock is on the folder itself: no file of its own to leave behind.
        fd = os.open(self.tmp_dir, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def commit_blob(self, tmp: Path, sha256: str) -> bool:
        """Move a verified temporary copy into place, read-only; drop it if already stored.

        Either way this writer holds an in-flight marker for the content until
        `clear_marker` or `release_blob`.

        Returns:
            True when the content was new to the store.
        """
        final = self.path_of(sha256)
        with self._blob_lock():
            self.marker_path(sha256).touch()
            _fsync_dir(self.tmp_dir)
            if final.is_file():
                tmp.unlink(missing_ok=True)
                return False
            final.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp, 0o444)
            os.replace(tmp, final)
            _fsync_dir(final.parent)
            return True

    def batch_marker(self) -> Path:
        """A new batch's in-flight marker (made by `commit_blobs`)."""
        return self.tmp_dir / f"{uuid.uuid4().hex}.{self._writer}{_BATCH}"

    def commit_blobs(self, blobs: Sequence[tuple[Path, str]], marker: Path) -> None:
        """`commit_blob` for many copies made with `sync=False`, in two file-system syncs.

        Same order of events as one by one: the copies and their in-flight marker are
        durable before any rename, and the renames before the caller commits the rows.
        Content already stored (or twice in `blobs`) is dropped. One marker names the
        whole batch (`marker`, from `batch_marker`): the caller removes it with `clear_batch`
        once the rows are committed, or, when this or the rows failed, gives each blob up
        with `release_blob(..., batch=marker)` and then clears it.
        """
        fresh: list[tuple[Path, Path, str]] = []
        taken: set[str] = set()
        with self._blob_lock():
            # Every blob is named, stored already or not: this writer is about to refer to
            # it, so another writer's failed insert must not remove it (`release_blob`).
            fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                _write_all(fd, "".join(f"{checked_sha256(s)}\n" for _t, s in blobs).encode())
            finally:
                os.close(fd)
            for tmp, sha256 in blobs:
                final = self.path_of(sha256)
                if sha256 in taken or final.is_file():
                    tmp.unlink(missing_ok=True)
                    continue
                taken.add(sha256)
                fresh.append((tmp, final, sha256))
        if not fresh:
            return
        sync_all(self.tmp_dir, [marker] + [t for t, _f, _s in fresh], [self.tmp_dir])
        made: set[Path] = set()
        for tmp, final, _sha in fresh:
            if final.parent not in made:
                final.parent.mkdir(parents=True, exist_ok=True)
                made.add(final.parent)
            if stat.S_IMODE(os.stat(tmp).st_mode) != _READ_ONLY:
                os.chmod(tmp, _READ_ONLY)
            os.replace(tmp, final)
        sync_all(self.tmp_dir, (), {f.parent for _t, f, _s in fresh})

    def clear_batch(self, marker: Path) -> None:
        """Forget a batch's in-flight marker once its rows are committed (or released)."""
        marker.unlink(missing_ok=True)

    def sync(self, files: Iterable[Path] = ()) -> None:
        """Make files written with `sync=False` (derived files) durable."""
        sync_all(self.tmp_dir, files, ())

    def clear_marker(self, sha256: str) -> None:
        """Forget this writer's in-flight marker once the database row is committed."""
        self.marker_path(sha256).unlink(missing_ok=True)

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
        mine = batch or self.marker_path(sha256)
        with self._blob_lock():
            # The blob goes before this writer's marker: a verify running now sees either
            # the marker or no blob, never an unmarked blob no item refers to.
            others = [m for m in self.tmp_dir.glob(f"{sha256}.*inflight") if m != mine]
            others += [m for m, shas in self._batch_markers() if m != mine and sha256 in shas]
            keep = bool(others) or referenced(sha256)
            if not keep:
                self.remove_blob(sha256)
            if batch is None:
                mine.unlink(missing_ok=True)
            return not keep

    def discard(self, tmp: Path) -> None:
        """Remove a temporary copy that will not be kept."""
        tmp.unlink(missing_ok=True)

    def remove_blob(self, sha256: str) -> None:
        """Delete stored content (only recovery of an interrupted ingest does this)."""
        path = self.path_of(sha256)
        if path.exists():
            os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
            path.unlink()

    def leftovers(self) -> tuple[list[Path], list[str]]:
        """Temporary copies and in-flight markers left behind by an interrupted process."""
        if not self.tmp_dir.is_dir():
            return [], []
        parts = sorted(self.tmp_dir.glob("*.part"))
        markers = {p.name.split(".", 1)[0] for p in self.tmp_dir.glob("*.inflight")}
        for _marker, shas in self._batch_markers():
            markers |= shas
        return parts, sorted(markers)

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

    def clear_all_markers(self, sha256: str) -> None:
        """Remove every writer's marker for a content (recovery, when no writer is left)."""
        for marker in self.tmp_dir.glob(f"{checked_sha256(sha256)}.*inflight"):
            marker.unlink(missing_ok=True)

    def clear_batch_markers(self) -> None:
        """Remove every batch marker (recovery, when no writer is left, after the blobs they
        name were dealt with)."""
        for marker in self.tmp_dir.glob(f"*{_BATCH}"):
            marker.unlink(missing_ok=True)

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
        tmp = self.tmp_dir / f"{uuid.uuid4().hex}.part"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _READ_ONLY)
        try:
            _write_all(fd, data)
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


def hash_file(path: Path, cancel: CancelToken | None = None) -> tuple[str, int]:
    """sha256 and size of a file, read without following a final symlink."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as exc:
        raise EvidenceError(f"{path}: cannot read ({exc.strerror})") from exc
    sha = hashlib.sha256()
    size = 0
    try:
        for chunk in read_chunks(fd, cancel):
            sha.update(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    return sha.hexdigest(), size


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
