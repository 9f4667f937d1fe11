"""What the workbench asks of an evidence store: the one seam a second backend plugs into.

`Case.evidence` is typed with this protocol, so mypy holds every caller to it: a backend that
implements it (the folder store, `evidence.EvidenceStore`, today; an S3-compatible object
store later, see docs/architecture.md) serves ingest, extraction, verify, recovery and the
exchange code unchanged.

Three parts, each a promise the folder store keeps:
- content-addressed evidence: written to a temporary copy while hashed, committed under its
  sha256 once (write-once), read as a local file (`open`: decoders, TSK and OpenCV want one);
- derived files (frames, thumbnails): content-addressed too, by sha256 and suffix;
- the writer's working area (`tmp_dir`, in-flight markers, leftovers): always a local or
  shared folder, where recovery finds what a killed process left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from forensics.jobs import CancelToken
    from forensics.store.blob_copy import StoredBlob
    from forensics.store.durable import BlobMoves


class EvidenceBackend(Protocol):
    """An evidence store (see the module's note)."""

    root: Path
    tmp_dir: Path

    def create_dirs(self) -> None:
        """Make the store (a new case)."""

    # evidence, by content ---------------------------------------------------------------------
    def has(self, sha256: str) -> bool:
        """True when the content is stored."""

    def open(self, sha256: str) -> Path:
        """A local file holding the content, to read (EvidenceError when missing)."""

    def path_of(self, sha256: str) -> Path:
        """Where the content is (or would be) read from locally."""

    def copy_in(
        self, chunks: Iterable[bytes], size_hint: int = 0, *, sync: bool = True
    ) -> tuple[Path, StoredBlob]:
        """Write content to a temporary copy while hashing it."""

    def copy_in_fd(
        self,
        fd: int,
        size_hint: int,
        cancel: CancelToken | None = None,
        on_bytes: Callable[[int], None] | None = None,
        *,
        sync: bool = True,
    ) -> tuple[Path, StoredBlob]:
        """`copy_in` from a file descriptor (the host-file fast path)."""

    def part_name(self, stem: str) -> str:
        """The name, in `tmp_dir`, of a temporary copy another process makes for this writer
        (an ingest's copying process), so recovery treats it as this writer's."""

    def commit_blob(self, tmp: Path, sha256: str) -> bool:
        """Store a verified copy under its hash (True: new to the store)."""

    def batch_marker(self) -> Path:
        """A new batch's in-flight marker (for `commit_blobs`)."""

    def commit_blobs(
        self, blobs: Sequence[tuple[Path, str]], marker: Path, keep_cached: bool = True
    ) -> None:
        """`commit_blob` for many copies made with `sync=False`, made durable together
        (their pages dropped from the page cache unless `keep_cached`)."""

    def claim_blobs(
        self, blobs: Sequence[tuple[Path, str]], marker: Path, keep_cached: bool = True
    ) -> BlobMoves:
        """The first half of `commit_blobs` (the batch's marker); returns the second."""

    def place_blobs(self, moves: BlobMoves) -> None:
        """The second half of `commit_blobs`, in this process."""

    def clear_batch(self, marker: Path) -> None:
        """A batch's rows are committed (or released): its marker goes."""

    def sync(self, files: Iterable[Path] = ()) -> None:
        """Make written files durable."""

    def discard(self, tmp: Path) -> None:
        """Drop a temporary copy."""

    def release_blob(
        self, sha256: str, referenced: Callable[[str], bool], *, batch: Path | None = None
    ) -> bool:
        """Drop this writer's claim on content; remove it unless someone refers to it."""

    def remove_blob(self, sha256: str) -> None:
        """Remove content no record refers to (recovery)."""

    def stored_hashes(self) -> Iterator[tuple[str, Path]]:
        """Every stored content's name and location (verify re-hashes each)."""

    # in-flight markers and leftovers ----------------------------------------------------------
    def in_flight(self, sha256: str) -> bool:
        """True while some writer is committing this content."""

    def clear_marker(self, sha256: str) -> None:
        """This writer's commit of the content is in the database."""

    def settle_marker(self, sha256: str) -> None:
        """Inside the transaction committing the content's row: a marker the database holds
        goes with it."""

    def settle_batch(self, marker: Path) -> None:
        """`settle_marker` for a batch, inside the transaction of its rows."""

    def reclaim_blobs(self, referenced: Callable[[str], bool]) -> tuple[list[str], int]:
        """Recovery: remove blobs only dead writers held that no item refers to."""

    def forget_reclaimed(self) -> None:
        """After the recovery is logged, the reclaimed markers go."""

    def close(self) -> None:
        """Let go of what the store holds open."""

    def leftovers(self, *, alone: bool = True) -> tuple[list[Path], list[str]]:
        """Partial copies and markers an interrupted writer left."""

    def leftover_folders(self) -> list[Path]:
        """Working folders an interrupted merge, carve or pack left."""

    def mark_outside(self, target: Path) -> Path:
        """Note a temporary file written outside the store (a pack's archive)."""

    def outside_leftovers(self) -> list[tuple[Path, Path]]:
        """Such notes an interrupted process left, with their files."""

    # derived files -------------------------------------------------------------------------
    def put_derived(self, data: bytes, suffix: str, *, sync: bool = True) -> tuple[str, Path]:
        """Store a derived file by its sha256 and suffix."""

    def derived_path(self, sha256: str, suffix: str) -> Path:
        """Where a derived file is read from."""

    def derived_files(self) -> Iterator[Path]:
        """Every derived file (verify)."""
