"""A whole memory card: `pwb ingest` of a DCIM tree against the floor, measured in the same run.

Issue 19. A DCIM tree of `--count` camera JPEGs (default 5,000) and one MP4 per
`--mp4-every` JPEGs is generated at run time from the corpus: each JPEG is a corpus camera
file (under 200 KB, or with `--large` the 0.6-2.2 MB phone and camera shots; not one of the
deliberately broken ones) with a comment segment naming its number inserted after its APPn
segments, so every file is unique (different sha256) and still a valid JPEG; each MP4 is a
corpus clip with a `free` box appended. Nothing from the corpus is kept in the repository.

Per round, alternating on a warm page cache:
- floor: every file read, Pillow full decode (`load()`) plus `exifread.process_file` with
  its defaults (maker notes) for a JPEG, MediaInfo's parse for an MP4, split over
  `os.cpu_count()` processes (a pool started before the clock);
- ours: `pwb init` (not timed), then the real command a user runs, `pwb ingest CASE DCIM`,
  in a subprocess (copy, hashes, items, custody, extraction: EXIF, integrity, thumbnail,
  container), wall time;
- hashing: every file read with sha256 and md5 updated, one process;
- ours without extraction: `pwb ingest --no-extract CASE DCIM`.

Targets: ingest with extraction >= 0.6 of the floor's files/s; without extraction >= 0.5 of
hashing's. The machine is shared, so each ratio is taken within a round and the median of
the rounds is reported, with the load average when each round started. Each round also gives
the CPU time per file of the floor (its pool processes) and of ours (`pwb` and its workers,
sampled from /proc): on a loaded machine their ratio says more than the wall clock.

`--memory N` instead ingests a card of N small JPEGs (2-3 KB, made by `bench/exif.py`'s
generator, each unique; the issue asks for 100,000) with extraction and samples the resident
memory of `pwb` and its workers (sum over the process tree, from /proc) twice a second: peak,
and at each tenth of the run (flat means no growth).

    .venv/bin/python bench/card.py [--count 5000] [--rounds 3] [--mp4-every 250] [--large]
    .venv/bin/python bench/card.py --memory 100000 [--no-extract]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import io
import logging
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from multiprocessing.pool import Pool
from pathlib import Path
from typing import Any

import exifread
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(
    os.environ.get("PWB_CORPUS")
    or next(
        (p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()),
        ROOT.parent / "shared",
    )
    / "corpus"
)
PWB = str(Path(sys.executable).parent / "pwb")
_SKIP = ("invalid", "tests")
_PACKAGES = ("app", "forensics", "geoloc")
_VIDEOS = (
    "video/pyscenedetect/counter.mp4",
    "video/jcodec/issue49_orientation.mp4",
    "video/pyscenedetect/delayed_start.mp4",
    "synthetic/synthetic_udta_xyz_location.mp4",
)


def camera_jpegs(limit: int = 200_000, least: int = 0) -> list[bytes]:
    """The corpus camera JPEGs of `least` to `limit` bytes, not the ones kept because they
    broke."""
    found = []
    for path in sorted((CORPUS / "exif-samples" / "jpg").rglob("*")):
        if path.suffix.lower() not in (".jpg", ".jpeg") or not path.is_file():
            continue
        if set(_SKIP) & set(path.parts) or path.name == "corrupted.jpg":
            continue
        if least <= path.stat().st_size <= limit:
            found.append(path.read_bytes())
    return found


def with_comment(jpeg: bytes, text: bytes) -> bytes:
    """The JPEG with a COM segment inserted after its APPn segments (still a valid JPEG)."""
    pos = 2
    while pos + 4 <= len(jpeg) and jpeg[pos] == 0xFF and 0xE0 <= jpeg[pos + 1] <= 0xEF:
        pos += 2 + int.from_bytes(jpeg[pos + 2 : pos + 4], "big")
    segment = b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text
    return jpeg[:pos] + segment + jpeg[pos:]


def make_card(dest: Path, count: int, mp4_every: int, sources: list[bytes]) -> list[Path]:
    """A DCIM tree: 100CAMERA, 101CAMERA... of 999 files each; returns the files."""
    videos = [(CORPUS / v).read_bytes() for v in _VIDEOS]
    files = []
    for n in range(count):
        folder = dest / "DCIM" / f"{100 + n // 999}CAMERA"
        if n % 999 == 0:
            folder.mkdir(parents=True)
        path = folder / f"IMG_{n:05d}.JPG"
        path.write_bytes(with_comment(sources[n % len(sources)], b"pwb bench card %d" % n))
        files.append(path)
        if mp4_every and n % mp4_every == mp4_every - 1:
            clip = videos[(n // mp4_every) % len(videos)]
            free = b"pwb bench card clip %d" % n
            box = (len(free) + 8).to_bytes(4, "big") + b"free" + free
            path = folder / f"MVI_{n:05d}.MP4"
            path.write_bytes(clip + box)
            files.append(path)
    # A card at rest, as one taken out of a camera is: the generated files' pages are
    # written back now, not by the kernel's flusher 30 s later, in the middle of whichever
    # ingest then runs (its writeback took the CPU and the disk from that ingest alone).
    os.sync()
    return files


def small_jpegs(count: int) -> list[bytes]:
    """`count` small JPEGs with camera EXIF and GPS, made by `bench/exif.py`'s generator."""
    spec = importlib.util.spec_from_file_location("bench_exif", ROOT / "bench" / "exif.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rng = random.Random(19)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(count):
            path = Path(tmp) / f"{n}.jpg"
            module.make_jpeg(path, rng)
            out.append(path.read_bytes())
    return out


def _floor_one(path: str) -> int:
    logging.getLogger("exifread").setLevel(logging.CRITICAL)  # its per-file complaints
    with open(path, "rb") as fh:
        data = fh.read()
    if path.endswith(".MP4"):
        from pymediainfo import MediaInfo

        MediaInfo.parse(path)
        return 1
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except OSError:
        pass  # a truncated file: the floor decoded as far as it could
    exifread.process_file(io.BytesIO(data))
    return 1


def floor(pool: Pool, files: list[Path]) -> float:
    """Seconds for Pillow full decode + exifread (MediaInfo for MP4) over all cores."""
    start = time.perf_counter()
    done = sum(pool.imap_unordered(_floor_one, [str(f) for f in files], chunksize=16))
    assert done == len(files)
    return time.perf_counter() - start


def hashing(files: list[Path]) -> float:
    """Seconds to read every file once with sha256 and md5, one process."""
    start = time.perf_counter()
    for f in files:
        sha, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
        with open(f, "rb") as fh:
            data = fh.read()
        sha.update(data)
        md5.update(data)
    return time.perf_counter() - start


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process, from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class TreeMemory:
    """Samples the resident memory and CPU time of a process and its descendants (/proc)."""

    def __init__(self, pid: int, every: float = 0.5) -> None:
        self.pid = pid
        self.samples: list[tuple[float, int]] = []
        self.cpu: dict[int, float] = {}
        """CPU seconds of each process of the tree, as last seen (alive)."""
        self._stop = threading.Event()
        self._every = every
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
        out, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(children.get(pid, ()))
        return out

    def _run(self) -> None:
        start = time.monotonic()
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._stop.wait(self._every):
            total = 0
            for pid in self._tree():
                try:
                    with open(f"/proc/{pid}/statm") as fh:
                        total += int(fh.read().split()[1]) * page
                except (OSError, IndexError, ValueError):
                    continue
                self.cpu[pid] = max(self.cpu.get(pid, 0.0), cpu_seconds(pid))
            self.samples.append((time.monotonic() - start, total))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def run_pwb(args: list[str], memory: bool = False) -> tuple[float, int, TreeMemory | None]:
    """Wall seconds, the child's peak RSS (bytes, from wait4) and the tree sampler."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as errors:  # a pipe could fill up and stall pwb
        proc = subprocess.Popen([PWB, *args], stdout=subprocess.DEVNULL, stderr=errors)
        sampler = TreeMemory(proc.pid) if memory else None
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        if sampler is not None:
            sampler.stop()
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 3):  # 3: some file rejected (none should be here)
        raise SystemExit(f"pwb {' '.join(args)} failed ({proc.returncode}):\n{err[-2000:]}")
    return elapsed, usage.ru_maxrss * 1024, sampler


def compile_project() -> None:
    """Compile our modules' bytecode, as an installed package has it. Where
    PYTHONDONTWRITEBYTECODE is set (this workplace sets it), an editable install never keeps
    any: every `pwb` compiled about 75 modules from source at start (0.06 s of CPU and 0.1 s
    of the clock), and its fork server did again."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", *(str(ROOT / p) for p in _PACKAGES)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def memory_state() -> str:
    """Free memory and page cache now, from /proc/meminfo: how costly new pages are (a
    round's copies take new pages; on a VM whose free memory is handed back to its host,
    each one is a fault in the host)."""
    try:
        with open("/proc/meminfo") as fh:
            info = {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in fh)}
    except (OSError, ValueError):
        return "memory unknown"
    return f"free {info['MemFree'] / 2**20:.1f} GB, page cache {info['Cached'] / 2**20:.1f} GB"


def examiner_home(work: Path) -> None:
    """A PWB_HOME of the run's own with an examiner profile, as a user has: every custody
    entry is signed with its key."""
    os.environ["PWB_HOME"] = str(work / "home")
    run_pwb(["profile", "create", "bench", "--name", "Card Bench", "--org", "B", "--role", "R"])


def ingest(
    work: Path, card: Path, extract: bool, memory: bool = False, name: str = ""
) -> tuple[float, int, Any]:
    """`pwb ingest` of the card into a new case, kept until the run ends.

    Not removed between rounds: on an ext4 without a journal (this VM's), creating an inode
    steps over every inode of its group freed in the last minute or more (the kernel's
    `recently_deleted`: 27 % of all CPU samples of `perf record -g` of `pwb ingest
    --no-extract` when the bench removed the previous case just before), so each round's
    removal slowed the next round's copies, and not the baselines, which create nothing.
    """
    case = work / (("case-x" if extract else "case-n") + name)
    run_pwb(["init", str(case), "--title", "card bench"])
    args = ["ingest", str(case), str(card / "DCIM")] + ([] if extract else ["--no-extract"])
    return run_pwb(args, memory)


def bench(count: int, rounds: int, mp4_every: int, keep: Path | None, large: bool) -> None:
    work = Path(tempfile.mkdtemp(prefix="pwb-card-", dir=keep))
    try:
        examiner_home(work)
        card = work / "card"
        sources = camera_jpegs(5_000_000, 600_000) if large else camera_jpegs()
        files = make_card(card, count, mp4_every, sources)
        size = sum(f.stat().st_size for f in files)
        print(
            f"card: {len(files)} files ({count} JPEG, {len(files) - count} MP4), "
            f"{size / 2**20:.0f} MiB, {size / len(files) / 1024:.0f} KiB a file; "
            f"{os.cpu_count()} cores"
        )
        n = len(files)
        ratios_x, ratios_n, cpu_x = [], [], []
        with multiprocessing.get_context("forkserver").Pool(os.cpu_count()) as pool:
            pool.map(_floor_one, [str(files[0])] * (os.cpu_count() or 1))  # warm the workers
            pids = [p.pid for p in pool._pool]  # type: ignore[attr-defined]
            hashing(files)  # warm the page cache
            for r in range(rounds):
                load = os.getloadavg()[0]
                before = sum(cpu_seconds(p) for p in pids)
                t_floor = floor(pool, files)
                c_floor = sum(cpu_seconds(p) for p in pids) - before
                t_x, rss_x, tree = ingest(work, card, extract=True, memory=True, name=f"-{r}")
                c_x = sum(tree.cpu.values()) if tree is not None else float("nan")
                t_hash = hashing(files)
                t_n, rss_n, _ = ingest(work, card, extract=False, name=f"-{r}")
                ratios_x.append(t_floor / t_x)
                ratios_n.append(t_hash / t_n)
                cpu_x.append(c_floor / c_x)
                print(
                    f"round {r + 1} (load {load:.1f}): floor {n / t_floor:,.0f} files/s "
                    f"({c_floor * 1e3 / n:.1f} ms CPU a file), ingest+extract "
                    f"{n / t_x:,.0f} files/s ({t_x:.1f} s, {c_x * 1e3 / n:.1f} ms CPU a file "
                    f"over pwb and its workers, peak RSS {rss_x / 2**20:.0f} MB) ratio "
                    f"{t_floor / t_x:.2f} (CPU {c_floor / c_x:.2f}); hashing "
                    f"{n / t_hash:,.0f} files/s, ingest --no-extract {n / t_n:,.0f} files/s "
                    f"({t_n:.1f} s, {rss_n / 2**20:.0f} MB) ratio {t_hash / t_n:.2f}; "
                    f"{memory_state()}",
                    flush=True,
                )
        print(
            f"median ratio ingest+extract / floor: {statistics.median(ratios_x):.2f} "
            f"(target >= 0.6; CPU per file, floor / ours: {statistics.median(cpu_x):.2f}); "
            f"ingest --no-extract / hashing: {statistics.median(ratios_n):.2f} (target >= 0.5);"
            f" load now {os.getloadavg()[0]:.1f}"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def memory_check(count: int, keep: Path | None, extract: bool = True) -> None:
    work = Path(tempfile.mkdtemp(prefix="pwb-card-mem-", dir=keep))
    try:
        examiner_home(work)
        card = work / "card"
        files = make_card(card, count, 0, small_jpegs(200))
        size = sum(f.stat().st_size for f in files)
        print(
            f"memory card: {len(files)} files, {size / 2**20:.0f} MiB (load "
            f"{os.getloadavg()[0]:.1f})",
            flush=True,
        )
        elapsed, rss, sampler = ingest(work, card, extract=extract, memory=True)
        assert sampler is not None
        samples = sampler.samples
        peak = max(s for _t, s in samples)
        tenths = [samples[min(len(samples) - 1, len(samples) * k // 10)][1] for k in range(1, 11)]
        print(
            ("with" if extract else "without") + " extraction: "
            f"{len(files)} files in {elapsed:.0f} s ({len(files) / elapsed:,.0f} files/s); "
            f"peak RSS of pwb alone {rss / 2**20:.0f} MB; peak of pwb + workers "
            f"{peak / 2**20:.0f} MB (target < 500); at each tenth of the run: "
            + ", ".join(f"{t / 2**20:.0f}" for t in tenths)
            + " MB"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000, help="JPEGs on the card")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--mp4-every", type=int, default=250, help="one MP4 per N JPEGs (0: none)")
    parser.add_argument(
        "--large",
        action="store_true",
        help="phone and camera JPEGs of 0.6-2.2 MB (up to 12 MP) instead of ones under 200 KB",
    )
    parser.add_argument("--memory", type=int, metavar="N", help="only the memory check, N files")
    parser.add_argument("--tmp", type=Path, help="where to build the card (default: $TMPDIR)")
    parser.add_argument(
        "--no-extract", action="store_true", help="memory check of `pwb ingest --no-extract`"
    )
    args = parser.parse_args()
    compile_project()
    if args.memory:
        memory_check(args.memory, args.tmp, extract=not args.no_extract)
    else:
        bench(args.count, args.rounds, args.mp4_every, args.tmp, args.large)


if __name__ == "__main__":
    main()
