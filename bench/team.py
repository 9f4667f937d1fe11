"""A team on one case: examiners at once on a PostgreSQL server against one after another on a
folder case; and the catalogue's latency on a large server case against a folder case.

Throughput: `--examiners` processes, each ingesting its own folder of small PNG photos and then
annotating each photo once, all at the same time on one server case; baseline in the same run:
the same work, the same processes one after another, on a folder case (SQLite) on this
machine. The server runs on the same machine: the figure says what sharing costs or gains
here, not what a server on its own hardware would give. Checked
after each: every photo stored once, every annotation there, `verify` clean.

Latency (store level, what the catalogue asks): the first page of items (and the count), and
one search keystroke (a page of matches and their count) for every prefix of a few words;
median and p95 over the keystrokes. The folder case is built with recorded writes; the server
case is a `copy-case` of a folder case of `--server-items` items.

    .venv/bin/python bench/team.py [--examiners 4] [--photos 120] [--items 100000] \\
        [--server-items 1000000] [--skip-latency] [--skip-throughput]

Starts its own PostgreSQL (tests/pg_server.py) in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.features import install
from app.profiles import ProfileStore
from forensics.case import Case
from forensics.identity import HOME_ENV, use_examiner

WORDS = ("rotor", "camera", "gimbal", "receiver", "battery", "lantern", "antenna", "motor")
QUERIES = ("gimbal camera", "lantern", "NEO-M8", "rotor 4711")


SCRATCH: list[Path] = []
"""Folders this run made, removed at its end (cases of a million items are large)."""


def _scratch(prefix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    SCRATCH.append(folder)
    return folder


def _profile() -> None:
    home = _scratch("pwb-bench-home-")
    os.environ[HOME_ENV] = str(home)
    store = ProfileStore(home)
    profile = store.create("bench", name="Bench Examiner", organisation="Bench")
    use_examiner(store.examiner(profile))


def _photos(folder: Path, n: int, seed: int) -> None:
    from PIL import Image

    folder.mkdir(parents=True)
    for k in range(n):
        img = Image.new("RGB", (48, 32), ((seed * 37 + k) % 256, k % 256, (seed * 11) % 256))
        img.putpixel((k % 48, k % 32), (255, 255, 255))
        img.save(folder / f"IMG_{seed:02d}_{k:04d}.png")


def work(location: str, folder: Path) -> None:
    """One examiner: ingest the folder, then annotate every photo once."""
    from forensics.annotations.service import AnnotationService
    from forensics.intake.ingest import ingest_paths

    with Case.open(location) as case:
        report = ingest_paths(case, [folder])
        ids = [i.id for i in report.items if i.kind == "file"]
        svc = AnnotationService(case, actor=f"examiner {folder.name}")
        try:
            for item_id in ids:
                svc.add(item_id, -1, "box", [(1, 1), (9, 9)], "lantern", note=folder.name)
        finally:
            svc.close()


def _check(location: str, photos: int) -> str:
    from forensics.verify import verify_case

    with Case.open(location) as case:
        files = case.items.content_items()
        n_marks = sum(1 for _ in case.db.query("SELECT id FROM annotations"))
        ok = verify_case(case).ok
    sound = len(files) == photos and n_marks == photos and ok
    return f"{len(files)} photos, {n_marks} annotations, verify {'clean' if ok else 'FAILED'}" + (
        "" if sound else "  <-- LOST, DUPLICATED OR NOT CLEAN"
    )


def throughput(server: object, examiners: int, photos: int) -> None:
    scratch = _scratch("pwb-bench-team-")
    folders = []
    for e in range(examiners):
        folders.append(scratch / f"card{e}")
        _photos(folders[-1], photos, e)
    total = examiners * photos

    folder_case = str(scratch / "folder-case")
    Case.create(folder_case, title="sequential", examiner="bench").close()
    t = time.perf_counter()
    for f in folders:  # each examiner's own process, as at once below: start-up counts alike
        subprocess.run([sys.executable, __file__, "--worker", folder_case, str(f)], check=True)
    sequential = time.perf_counter() - t
    print(
        f"folder case, {examiners} examiners one after another: {sequential:.1f} s  "
        f"({_check(folder_case, total)})"
    )

    url = server.new_database()  # type: ignore[attr-defined]
    Case.create(url, title="team", examiner="bench", evidence=scratch / "share").close()
    t = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, __file__, "--worker", url, str(f)]) for f in folders]
    codes = [p.wait() for p in procs]
    together = time.perf_counter() - t
    print(
        f"server case, {examiners} examiners at once:          {together:.1f} s  "
        f"({_check(url, total)}; exit codes {codes})"
    )
    print(
        f"throughput ratio (server at once / folder one after another): "
        f"{sequential / together:.2f}x"
    )


def _latency(case: Case) -> tuple[float, list[float]]:
    from forensics.store.item_query import ItemFilter

    t = time.perf_counter()
    case.items.page(ItemFilter(), limit=100)
    case.items.count_matching(ItemFilter())
    first = time.perf_counter() - t
    keys: list[float] = []
    for query in QUERIES:
        for end in range(1, len(query) + 1):
            f = ItemFilter(text=query[:end])
            t = time.perf_counter()
            case.items.page(f, limit=100)
            case.items.count_matching(f)
            keys.append(time.perf_counter() - t)
    return first, keys


def _build(root: Path, n: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from gui_catalogue import build  # the catalogue bench's case: same items, same words

    build(root, n)


def latency(server: object, items: int, server_items: int) -> None:
    from forensics.exchange.copy_case import copy_case

    scratch = _scratch("pwb-bench-latency-")
    t = time.perf_counter()
    _build(scratch / "folder", items)
    print(f"built a folder case of {items} items in {time.perf_counter() - t:.0f} s")
    big = scratch / "folder"
    if server_items != items:
        big = scratch / "big"
        t = time.perf_counter()
        _build(big, server_items)
        print(f"built a folder case of {server_items} items in {time.perf_counter() - t:.0f} s")
    url = server.new_database()  # type: ignore[attr-defined]
    t = time.perf_counter()
    copy_case(big, url, evidence=scratch / "share")
    print(f"copied {server_items} items to the server in {time.perf_counter() - t:.0f} s")
    for label, where in (
        (f"folder case, {items}", str(scratch / "folder")),
        (f"server case, {server_items}", url),
    ):
        with Case.open(where, readonly=True) as case:
            _latency(case)  # warm the caches once, as a catalogue that has been open a moment
            first, keys = _latency(case)
        keys.sort()
        p95 = keys[min(len(keys) - 1, int(0.95 * len(keys)))]
        print(
            f"{label:>24} items: first page {first * 1000:.0f} ms; keystroke median "
            f"{statistics.median(keys) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"
        )


def main() -> int:
    install()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examiners", type=int, default=4)
    parser.add_argument("--photos", type=int, default=120)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--server-items", type=int, default=1_000_000)
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--worker", nargs=2, metavar=("CASE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        store = ProfileStore(Path(os.environ[HOME_ENV]))
        use_examiner(store.examiner(store.find("bench")))  # signs as the sequential run does
        work(args.worker[0], Path(args.worker[1]))
        return 0
    _profile()
    from tests.pg_server import start_server

    server = start_server()
    if isinstance(server, str):
        print(server)
        return 1
    os.environ["PGPASSFILE"] = str(server.passfile)
    try:
        if not args.skip_throughput:
            throughput(server, args.examiners, args.photos)
        if not args.skip_latency:
            latency(server, args.items, args.server_items)
    finally:
        server.stop()
        for folder in SCRATCH:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
