"""In-flight markers: which blobs a writer has renamed into the store but not yet committed.

Between a blob's rename into place and the database commit of the row that refers to it, a
marker names the blob, so recovery can tell a blob of an interrupted ingest from one that
somebody added behind the case's back, and `verify` can tell a blob being ingested right now
from an unexpected one.

Each writer has its own markers: two ingests of the same content at once both hold one. A
batch of copies committed together has one marker for all of them (on a card of small
photos, creating and removing a marker file per photo cost more than copying it). Giving a
blob up (`release`) removes it only when no committed item refers to it and no other writer
holds a marker for it, decided under the same lock that `claim` takes, so a blob is never
removed under a writer that is about to refer to it.

`FileMarkers` keeps them as files in the store's `tmp/` folder (`<sha256>.<writer>.inflight`,
`<uuid>.<writer>.batch` listing sha256s), locked with `flock` on that folder: a folder case's.
A server case keeps them as rows of its database (`inflight_db.DbMarkers`), since the folder
is a share several machines write and `flock` does not lock between machines.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from forensics.errors import ValidationError
from forensics.safe_names import checked_sha256
from forensics.store.blob_copy import write_all

_SHA256_LINE = re.compile(r"[0-9a-f]{64}")
_BATCH = ".batch"
"""Suffix of a batch's in-flight marker (one sha256 a line)."""


class InFlightMarkers(Protocol):
    """Where a store keeps its writers' in-flight markers (see the module's note)."""

    def new_batch(self) -> Path:
        """A new batch's marker (its token: the folder store's marker file)."""

    def claim(
        self, shas: Sequence[str], batch: Path | None
    ) -> contextlib.AbstractContextManager[None]:
        """While inside, this writer's marker for `shas` (one per content, or the batch's)
        is durable and seen by every later `release`; the caller checks for and renames the
        blobs inside."""

    def files_to_sync(self, batch: Path) -> list[Path]:
        """Files of a batch's marker that the batch's file-system sync must include."""

    def release(
        self,
        sha256: str,
        batch: Path | None,
        referenced: Callable[[str], bool],
        remove: Callable[[str], None],
    ) -> bool:
        """Give up this writer's hold on a blob: `remove` it unless another writer holds it
        or `referenced` says an item refers to it; True when removed."""

    def in_flight(self, sha256: str) -> bool:
        """True while some writer holds a marker for this content."""

    def settle(self, sha256: str) -> None:
        """Inside the transaction committing the row of a `claim([sha256], None)`: a
        marker the database holds goes with that commit (files wait for `clear`)."""

    def settle_batch(self, batch: Path) -> None:
        """`settle` for a batch, inside the transaction committing its rows."""

    def clear(self, sha256: str) -> None:
        """This writer's marker of one content goes (its row is committed)."""

    def clear_batch(self, batch: Path) -> None:
        """A batch's marker goes (its rows are committed or released)."""

    def leftover_shas(self) -> set[str]:
        """The contents that writers no longer running hold markers for (recovery)."""

    def reclaim(
        self, referenced: Callable[[str], bool], remove: Callable[[str], bool]
    ) -> tuple[list[str], int]:
        """Recovery, inside the transaction that logs it: under the lock, `remove` each blob
        that only writers no longer running hold and that no item refers to.

        Returns:
            The removed blobs' sha256s, and how many contents' markers were reclaimed.
        """

    def forget_reclaimed(self) -> None:
        """After the recovery's entry is committed, the reclaimed markers go."""

    def part_owner(self) -> str:
        """The owner a temporary copy's name carries (`blob_copy.new_part`): "" when only a
        process alone with the case recovers copies."""

    def abandoned(self, parts: list[Path]) -> list[Path]:
        """The temporary copies among `parts` whose writers are known to have ended."""

    def close(self) -> None:
        """Let go of what the markers hold open (a connection)."""


class FileMarkers:
    """In-flight markers as files in a store's `tmp/` folder (see the module's note)."""

    def __init__(self, tmp_dir: Path) -> None:
        self.tmp_dir = tmp_dir
        self.writer = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"

    def marker_path(self, sha256: str) -> Path:
        """This writer's marker of one content."""
        return self.tmp_dir / f"{checked_sha256(sha256)}.{self.writer}.inflight"

    def new_batch(self) -> Path:
        return self.tmp_dir / f"{uuid.uuid4().hex}.{self.writer}{_BATCH}"

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """The lock `claim` and `release` take: `flock` on the folder itself (no file of
        its own to leave behind)."""
        fd = os.open(self.tmp_dir, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def claim(self, shas: Sequence[str], batch: Path | None) -> Iterator[None]:
        with self.lock():
            if batch is None:
                for sha256 in shas:
                    self.marker_path(sha256).touch()
                fsync_dir(self.tmp_dir)
            else:
                # The batch's marker is made durable with its copies (`files_to_sync`).
                fd = os.open(batch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                try:
                    write_all(fd, "".join(f"{checked_sha256(s)}\n" for s in shas).encode())
                finally:
                    os.close(fd)
            yield

    def files_to_sync(self, batch: Path) -> list[Path]:
        return [batch]

    def release(
        self,
        sha256: str,
        batch: Path | None,
        referenced: Callable[[str], bool],
        remove: Callable[[str], None],
    ) -> bool:
        mine = batch or self.marker_path(sha256)
        with self.lock():
            # The blob goes before this writer's marker: a verify running now sees either
            # the marker or no blob, never an unmarked blob no item refers to.
            others = [m for m in self.tmp_dir.glob(f"{sha256}.*inflight") if m != mine]
            others += [m for m, shas in self._batches() if m != mine and sha256 in shas]
            keep = bool(others) or referenced(sha256)
            if not keep:
                remove(sha256)
            if batch is None:
                mine.unlink(missing_ok=True)
            return not keep

    def in_flight(self, sha256: str) -> bool:
        # Any name may be asked (verify asks about every file in the store); one that is
        # not a sha256 never has a marker.
        try:
            sha256 = checked_sha256(sha256)
        except ValidationError:
            return False
        return any(self.tmp_dir.glob(f"{sha256}.*inflight")) or any(
            sha256 in shas for _marker, shas in self._batches()
        )

    def _batches(self) -> list[tuple[Path, frozenset[str]]]:
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

    def settle(self, sha256: str) -> None:
        """Nothing: a marker file goes after the commit (`clear`), never before it."""

    def settle_batch(self, batch: Path) -> None:
        """Nothing (see `settle`)."""

    def clear(self, sha256: str) -> None:
        self.marker_path(sha256).unlink(missing_ok=True)

    def clear_batch(self, batch: Path) -> None:
        batch.unlink(missing_ok=True)

    def leftover_shas(self) -> set[str]:
        if not self.tmp_dir.is_dir():
            return set()
        shas = {p.name.split(".", 1)[0] for p in self.tmp_dir.glob("*.inflight")}
        for _marker, listed in self._batches():
            shas |= listed
        return shas

    def reclaim(
        self, referenced: Callable[[str], bool], remove: Callable[[str], bool]
    ) -> tuple[list[str], int]:
        # Only a process alone with the case recovers a folder case: every marker is a dead
        # writer's.
        with self.lock():
            held = sorted(self.leftover_shas())
            return [s for s in held if not referenced(s) and remove(s)], len(held)

    def forget_reclaimed(self) -> None:
        for sha256 in self.leftover_shas():
            for marker in self.tmp_dir.glob(f"{checked_sha256(sha256)}.*inflight"):
                marker.unlink(missing_ok=True)
        for marker in self.tmp_dir.glob(f"*{_BATCH}"):
            marker.unlink(missing_ok=True)

    def part_owner(self) -> str:
        return ""

    def abandoned(self, parts: list[Path]) -> list[Path]:
        """None known: a folder case's copies are recovered by a process alone with it."""
        return []

    def close(self) -> None:
        """Nothing to close."""


def fsync_dir(path: Path) -> None:
    """Make a folder's entries durable (best effort: some file systems refuse)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
