"""Three ways to write a card's copies, against reading the same files: what the page cache
costs the copier (issue 19, `BlobMoves.keep_cached`).

A card of `--count` camera JPEGs (`bench/card.py`'s generator) is copied file by file into
a fresh folder, one thread, the file system synced after every `--batch` files as an
ingest's batches are, in three ways, alternating, `--rounds` times:

- kept: written through the page cache, the pages left there (an ingest with extraction);
- dropped: the same, each batch's copies dropped from the cache once synced
  (`posix_fadvise(DONTNEED)`, an ingest without extraction): the next batch reuses the pages;
- direct: written `O_DIRECT` (the copier until session 7), no page cache at all.

The baseline, in the same run, reads every file once (no write). Printed for each: wall and
CPU seconds, and CPU as a multiple of reading. New pages are what the kept way pays for:
on a VM whose free memory is handed back to its host (free page reporting) each one first
touched is a fault in the host, and on any machine a full page cache must first be reclaimed.
Run it with the page cache in the state to measure (`free -g`); nothing is cached on purpose.

    .venv/bin/python bench/copy_modes.py [--count 5000] [--rounds 3] [--batch 256]
"""

from __future__ import annotations

import argparse
import mmap
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import card  # the card generator beside this file

from forensics.store.durable import sync_all

CHUNK = 1 << 20


def _drop(paths: list[Path]) -> None:
    """What `BlobMoves` does with `keep_cached=False` once a batch is synced."""
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def copy_all(files: list[Path], dest: Path, mode: str, batch: int) -> None:
    """Copy `files` into `dest` the `mode` way, syncing every `batch` files."""
    buffer = mmap.mmap(-1, CHUNK + 4096)  # page-aligned, as O_DIRECT needs
    view = memoryview(buffer)
    direct = getattr(os, "O_DIRECT", 0) if mode == "direct" else 0
    written: list[Path] = []
    for n, source in enumerate(files):
        target = dest / f"{n}.part"
        src = os.open(source, os.O_RDONLY)
        out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | direct, 0o444)
        try:
            size = 0
            while got := os.readv(src, [view[:CHUNK]]):
                size += got
                os.write(out, view[: (got + 4095) & ~4095] if direct else view[:got])
            if direct:
                os.ftruncate(out, size)  # the last block was written whole
        finally:
            os.close(src)
            os.close(out)
        written.append(target)
        if len(written) == batch or n == len(files) - 1:
            sync_all(dest)  # the batch's file-system sync, as `BlobMoves` makes it
            if mode == "dropped":
                _drop(written)
            written = []


def read_all(files: list[Path]) -> None:
    """The baseline: every file read once."""
    buffer = bytearray(CHUNK)
    for source in files:
        src = os.open(source, os.O_RDONLY)
        try:
            while os.readv(src, [buffer]):
                pass
        finally:
            os.close(src)


def timed(work: Callable[[], None]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=256)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pwb-copy-modes-"))
    try:
        files = card.make_card(work / "card", args.count, 0, card.camera_jpegs())
        read_all(files)  # the card in the page cache, as after the hashing baseline
        results: dict[str, list[tuple[float, float]]] = {}
        for r in range(args.rounds):
            results.setdefault("read", []).append(timed(lambda: read_all(files)))
            for mode in ("kept", "dropped", "direct"):
                dest = work / f"{mode}-{r}"
                dest.mkdir()
                results.setdefault(mode, []).append(
                    timed(lambda d=dest, m=mode: copy_all(files, d, m, args.batch))
                )
        read_cpu = statistics.median(c for _w, c in results["read"])
        print(f"{len(files)} files, {sum(f.stat().st_size for f in files) / 2**20:.0f} MiB")
        for mode, runs in results.items():
            wall = statistics.median(w for w, _c in runs)
            cpu = statistics.median(c for _w, c in runs)
            print(
                f"{mode:8s} wall {wall:.2f} s, CPU {cpu:.2f} s ({cpu / read_cpu:.1f} x reading); "
                f"each round: " + ", ".join(f"{w:.2f}/{c:.2f}" for w, c in runs)
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
