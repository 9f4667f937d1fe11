"""EXIF extraction for 2,000 small JPEGs against exifread alone, measured in the same run.

Corpus JPEGs (under 200 KB, with EXIF) are copied into a temporary folder until there are
`--count` files and ingested into a fresh case without extraction (not timed). Then, on a warm
page cache, alternating, best of `--rounds`:
- baseline: `exifread.process_file(details=True)` on each file, nothing else (the same
  exifread work ours does: maker notes included);
- ours: `extract_items(case, ids, extractors=["exif"])`: the worker process, exifread, the
  structural EXIF walk, GPS validation and decoding, storing the record, positions and one
  custody entry per file in the case.
The ratio is our files/s over exifread's files/s (target: at least 0.5). The full extraction
(integrity decode, thumbnail, perceptual hash too) is timed once for information.

    .venv/bin/python bench/exif.py [--count 2000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import exifread

from forensics.case import Case
from forensics.intake.ingest import ingest_paths
from forensics.media.extract import extract_items
from forensics.media.worker import ProcessRunner

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def _sources() -> list[Path]:
    found = []
    for path in sorted((CORPUS / "exif-samples" / "jpg").rglob("*")):
        if path.suffix.lower() not in (".jpg", ".jpeg") or not path.is_file():
            continue
        if path.stat().st_size > 200_000 or "invalid" in path.parts:
            continue
        with open(path, "rb") as fh:
            if exifread.process_file(fh, details=False):
                found.append(path)
    return found


def _baseline(files: list[Path], details: bool = True) -> float:
    start = time.perf_counter()
    for path in files:
        with open(path, "rb") as fh:
            exifread.process_file(fh, details=details)
    return len(files) / (time.perf_counter() - start)


def _ours(case: Case, ids: list[str], runner: ProcessRunner, extractors: list[str] | None) -> float:
    start = time.perf_counter()
    extract_items(case, ids, extractors=extractors, runner=runner)
    return len(ids) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # exifread logs every odd maker-note field
    sources = _sources()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "jpegs"
        folder.mkdir()
        files = []
        for i in range(args.count):
            src = sources[i % len(sources)]
            dest = folder / f"{i:05d}{src.suffix}"
            shutil.copyfile(src, dest)
            files.append(dest)
        case = Case.create(Path(tmp) / "case", title="bench", examiner="bench")
        report = ingest_paths(case, [str(folder)])
        ids = [o.item.id for o in report.outcomes if o.item is not None]
        size = sum(f.stat().st_size for f in files)
        print(
            f"{len(files)} JPEGs from {len(sources)} corpus samples, "
            f"{size / len(files) / 1024:.0f} KiB each on average"
        )
        best_base = best_ours = 0.0
        with ProcessRunner() as runner:
            _ours(case, ids[:20], runner, ["exif"])  # start the worker, warm imports
            for r in range(args.rounds):
                base = _baseline(files)
                ours = _ours(case, ids, runner, ["exif"])
                best_base, best_ours = max(best_base, base), max(best_ours, ours)
                print(
                    f"round {r + 1}: exifread {base:7.0f} files/s   "
                    f"ours {ours:7.0f} files/s   ratio {ours / base:.2f}"
                )
            plain = max(_baseline(files, details=False) for _ in range(args.rounds))
            full = _ours(case, ids, runner, None)
        case.close()
    print(
        f"best: exifread alone {best_base:.0f} files/s, extraction stored in the case "
        f"{best_ours:.0f} files/s, ratio {best_ours / best_base:.2f} (target >= 0.5)"
    )
    print(
        f"exifread without maker notes (details=False, less work than ours): {plain:.0f} "
        f"files/s; ours against it: {best_ours / plain:.2f}"
    )
    print(f"full extraction (exif, integrity decode, thumbnail, phash): {full:.0f} files/s")


if __name__ == "__main__":
    main()
