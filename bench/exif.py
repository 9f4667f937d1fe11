"""EXIF extraction stored in a case against exifread alone, measured in the same run.

Issue 3's target: extraction of 2,000 small JPEGs with EXIF, validated and stored in the case,
at no less than half of exifread's own rate over the same files. Two sets, each ingested into
a fresh case without extraction (not timed), then on a warm page cache, alternating rounds:

- `small` (the target): `--count` small JPEGs. Nine in ten are made here with Pillow (64-320
  px, varied Make/Model/Software, DateTimeOriginal with and without OffsetTimeOriginal, GPS
  IFDs in all four hemispheres with altitude, time stamp and direction, some without GPS);
  one in ten are copies of the small corpus samples (under 64 KB) that carry no maker note.
- `corpus`: copies of every corpus JPEG under 200 KB with EXIF, maker notes included (Sony
  and Nikon maker notes cost exifread hundreds of milliseconds each).

Per round:
- baseline: `exifread.process_file(fh)` with its defaults on each file (open, read,
  process), nothing else;
- ours: `extract_items(case, ids, extractors=["exif"])`, the real path of `pwb meta` and the
  post-ingest step, into a fresh copy of the ingested case (a first extraction): the worker
  process, exifread with maker notes, the structural EXIF walk, GPS validation, the record,
  its positions and one custody entry per file stored in the case.

Each round also prints the CPU milliseconds per file of exifread, of our parent process
(storing) and of our worker (reading): the two overlap only when two cores are free.

Ratio = our files/s over exifread's, per round and for the best of each (target >= 0.5).

    .venv/bin/python bench/exif.py [--count 2000] [--rounds 3] [--set small|corpus|both]
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import exifread
from PIL import Image

from forensics.case import Case
from forensics.intake.ingest import ingest_paths
from forensics.media.extract import extract_items
from forensics.media.worker import ProcessRunner

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
JPEGS = CORPUS / "exif-samples" / "jpg"

_CAMERAS = (
    ("DJI", "FC3170"),
    ("DJI", "FC220"),
    ("Hasselblad", "L1D-20c"),
    ("GoPro", "HERO9 Black"),
    ("Canon", "Canon EOS 80D"),
    ("NIKON CORPORATION", "NIKON D7500"),
    ("Apple", "iPhone 12"),
    ("SONY", "ILCE-6400"),
    ("Autel Robotics", "XT705"),
    ("Parrot", "Anafi"),
)
_OFFSETS = ("+08:00", "+01:00", "-03:00", "+05:30", "+00:00", None)


def _corpus_jpegs(small: bool) -> list[Path]:
    """Corpus JPEGs with EXIF: all under 200 KB, or (small) under 64 KB without a maker note."""
    found = []
    for path in sorted(JPEGS.rglob("*")):
        if path.suffix.lower() not in (".jpg", ".jpeg") or not path.is_file():
            continue
        if path.stat().st_size > (64_000 if small else 200_000) or "invalid" in path.parts:
            continue
        with open(path, "rb") as fh:
            tags = exifread.process_file(fh)
        if not tags:
            continue
        if small and any(k.startswith("MakerNote") or k == "EXIF MakerNote" for k in tags):
            continue
        found.append(path)
    return found


def _dms(value: float) -> tuple[Fraction, Fraction, Fraction]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 4)
    return Fraction(degrees), Fraction(minutes), Fraction(seconds).limit_denominator(10000)


def make_jpeg(path: Path, rng: random.Random) -> None:
    """One small JPEG with varied camera, capture time, offset and (mostly) a GPS IFD."""
    width, height = rng.randint(64, 320), rng.randint(64, 320)
    colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    image = Image.new("RGB", (width, height), colour)
    make, model = rng.choice(_CAMERAS)
    exif = Image.Exif()
    exif[0x010F] = make
    exif[0x0110] = model
    exif[0x0131] = f"v{rng.randint(1, 9)}.{rng.randint(0, 99):02d}"
    stamp = (
        f"20{rng.randint(10, 25)}:{rng.randint(1, 12):02d}:{rng.randint(1, 28):02d} "
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    )
    exif[0x0132] = stamp
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = stamp
    sub[0x9004] = stamp
    offset = rng.choice(_OFFSETS)
    if offset is not None:
        sub[0x9011] = offset
        sub[0x9010] = offset
    if rng.random() < 0.85:
        lat, lon = rng.uniform(-80, 80), rng.uniform(-179, 179)
        gps = exif.get_ifd(0x8825)
        gps[0x0000] = b"\x02\x03\x00\x00"
        gps[0x0001] = "N" if lat >= 0 else "S"
        gps[0x0002] = _dms(lat)
        gps[0x0003] = "E" if lon >= 0 else "W"
        gps[0x0004] = _dms(lon)
        gps[0x0005] = 0
        gps[0x0006] = Fraction(rng.randint(0, 50000), 100)
        gps[0x0007] = (Fraction(rng.randint(0, 23)), Fraction(rng.randint(0, 59)), Fraction(0))
        gps[0x001D] = stamp[:10]
        if rng.random() < 0.5:
            gps[0x0010] = "T"
            gps[0x0011] = Fraction(rng.randint(0, 35999), 100)
    image.save(path, "JPEG", exif=exif, quality=rng.randint(60, 95))


def small_set(folder: Path, count: int) -> list[Path]:
    """`count` small JPEGs: nine in ten generated, one in ten small corpus samples."""
    rng = random.Random(3)
    samples = _corpus_jpegs(small=True)
    files = []
    for i in range(count):
        dest = folder / f"{i:05d}.jpg"
        if i % 10 == 9:
            shutil.copyfile(samples[(i // 10) % len(samples)], dest)
        else:
            make_jpeg(dest, rng)
        files.append(dest)
    return files


def corpus_set(folder: Path, count: int) -> list[Path]:
    """`count` copies of the corpus JPEGs under 200 KB (maker notes included)."""
    samples = _corpus_jpegs(small=False)
    files = []
    for i in range(count):
        dest = folder / f"{i:05d}.jpg"
        shutil.copyfile(samples[i % len(samples)], dest)
        files.append(dest)
    return files


def _baseline(files: list[Path]) -> tuple[float, float]:
    """Files/s of exifread alone, and its CPU milliseconds per file."""
    cpu = time.process_time()
    start = time.perf_counter()
    for path in files:
        with open(path, "rb") as fh:
            exifread.process_file(fh)
    rate = len(files) / (time.perf_counter() - start)
    return rate, (time.process_time() - cpu) * 1e3 / len(files)


def _cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds of a process (0 when it cannot be read)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _ours(case: Case, ids: list[str], runner: ProcessRunner) -> tuple[float, float, float]:
    """Files/s, and the parent's and the worker's CPU milliseconds per file."""
    worker = _cpu_seconds(runner.pid)
    cpu = time.process_time()
    start = time.perf_counter()
    extract_items(case, ids, extractors=["exif"], runner=runner)
    rate = len(ids) / (time.perf_counter() - start)
    parent_ms = (time.process_time() - cpu) * 1e3 / len(ids)
    worker_ms = (_cpu_seconds(runner.pid) - worker) * 1e3 / len(ids)
    return rate, parent_ms, worker_ms


def run_set(name: str, make: Callable[[Path, int], list[Path]], count: int, rounds: int) -> None:
    """Build one set, ingest it, and time exifread against ours in alternating rounds.

    Each of our rounds extracts into its own copy of the freshly ingested case (copied before
    the round, not timed), so every round measures a first extraction, as after an ingest.
    """
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "jpegs"
        folder.mkdir()
        files = make(folder, count)
        template = Path(tmp) / "case"
        with Case.create(template, title="bench", examiner="bench") as case:
            report = ingest_paths(case, [str(folder)])
        ids = [o.item.id for o in report.outcomes if o.item is not None]
        size = sum(f.stat().st_size for f in files)
        print(f"[{name}] {len(files)} JPEGs, {size / len(files) / 1024:.1f} KiB each on average")
        best_base = best_ours = 0.0
        ratios = []
        with ProcessRunner() as runner:
            for r in range(-1, rounds):  # round -1 warms the worker and the page cache
                copy = Path(tmp) / f"round{r}"
                shutil.copytree(template, copy)
                base, base_ms = _baseline(files)
                with Case.open(copy) as case:
                    ours, parent_ms, worker_ms = _ours(case, ids, runner)
                shutil.rmtree(copy)
                if r < 0:
                    continue
                best_base, best_ours = max(best_base, base), max(best_ours, ours)
                ratios.append(ours / base)
                print(
                    f"[{name}] round {r + 1}: exifread {base:6.0f} files/s ({base_ms:.2f} ms "
                    f"CPU/file)   ours {ours:6.0f} files/s (CPU/file: parent {parent_ms:.2f} "
                    f"ms, worker {worker_ms:.2f} ms)   ratio {ours / base:.2f}   "
                    f"load {os.getloadavg()[0]:.1f}"
                )
    print(
        f"[{name}] best: exifread alone {best_base:.0f} files/s, extraction stored in the "
        f"case {best_ours:.0f} files/s, ratio {best_ours / best_base:.2f}; median of the "
        f"rounds' ratios {statistics.median(ratios):.2f} (target >= 0.5)"
    )


def main() -> None:
    from app.features import install

    install()  # the schema components and formats the features declare
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--set", choices=("small", "corpus", "both"), default="both")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # exifread logs every odd maker-note field
    if args.set in ("small", "both"):
        run_set("small", small_set, args.count, args.rounds)
    if args.set in ("corpus", "both"):
        run_set("corpus", corpus_set, args.count, args.rounds)


if __name__ == "__main__":
    main()
