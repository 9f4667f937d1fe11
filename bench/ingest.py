"""Ingest throughput on a 1 GiB file against the floor of hashing it, measured in the same run.

Baseline: one read of the file in 1 MiB chunks, md5 and sha256 each updated in its own thread,
no copy. Ingest: `ingest_paths` into a fresh case (copy to the store, both hashes, fsync,
rename, item row and custody entry). Both run on a warm page cache (the file was just
written), alternating, best of `--rounds`; the ratio is ingest rate / baseline rate.

    .venv/bin/python bench/ingest.py [--size-mib 1024] [--rounds 3]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import queue
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forensics.case import Case
from forensics.intake.ingest import ingest_paths
from forensics.store.evidence import CHUNK


def make_file(path: Path, mib: int) -> None:
    """`mib` MiB of incompressible data, every MiB different."""
    block = bytearray(os.urandom(1 << 20))
    with open(path, "wb") as f:
        for i in range(mib):
            block[:8] = i.to_bytes(8, "little")
            f.write(block)


def baseline(path: Path) -> float:
    """Seconds to read the file once while md5 and sha256 run in two threads."""
    hashers = [hashlib.md5(usedforsecurity=False), hashlib.sha256()]
    queues: list[queue.Queue[bytes | None]] = [queue.Queue(maxsize=16) for _ in hashers]

    def work(h: object, q: queue.Queue[bytes | None]) -> None:
        while (chunk := q.get()) is not None:
            h.update(chunk)  # type: ignore[attr-defined]

    threads = [
        threading.Thread(target=work, args=(h, q)) for h, q in zip(hashers, queues, strict=True)
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    with open(path, "rb", buffering=0) as f:
        while chunk := f.read(CHUNK):
            for q in queues:
                q.put(chunk)
    for q in queues:
        q.put(None)
    for t in threads:
        t.join()
    return time.perf_counter() - start


def ingest(path: Path, workdir: Path) -> float:
    """Seconds for `ingest_paths` of the file into a new case (case creation not counted)."""
    root = workdir / "case"
    case = Case.create(root, title="bench", examiner="bench")
    try:
        start = time.perf_counter()
        report = ingest_paths(case, [path])
        elapsed = time.perf_counter() - start
        assert report.outcomes[0].status == "ingested", report.outcomes
    finally:
        case.close()
        for p in root.rglob("*"):
            if p.is_file():
                os.chmod(p, 0o644)
        shutil.rmtree(root)
    return elapsed


def main() -> None:
    from app.features import install

    install()  # the schema components and formats the features declare
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pwb-bench-") as tmp:
        work = Path(tmp)
        data = work / "big.bin"
        make_file(data, args.size_mib)
        baseline(data)  # warm the page cache
        base_times: list[float] = []
        ingest_times: list[float] = []
        for _ in range(args.rounds):
            base_times.append(baseline(data))
            ingest_times.append(ingest(data, work))
        mib = args.size_mib
        best_base, best_ingest = min(base_times), min(ingest_times)
        print(f"file: {mib} MiB, {os.cpu_count()} CPUs, chunk {CHUNK >> 10} KiB")
        print(
            f"baseline (read once, md5 + sha256 threads): best {mib / best_base:7.1f} MiB/s,"
            f" median {mib / statistics.median(base_times):7.1f} MiB/s"
        )
        print(
            f"ingest (copy + hashes + fsync + commit):    best {mib / best_ingest:7.1f} MiB/s,"
            f" median {mib / statistics.median(ingest_times):7.1f} MiB/s"
        )
        ratio = best_base / best_ingest
        median_ratio = statistics.median(
            b / i for b, i in zip(base_times, ingest_times, strict=True)
        )
        print(
            f"ratio ingest/baseline: best {ratio:.2f}, median of rounds {median_ratio:.2f}"
            f" (target >= 0.80)"
        )


if __name__ == "__main__":
    main()
