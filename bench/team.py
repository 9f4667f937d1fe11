"""A team on one case: examiners at once on a PostgreSQL server against one after another on a
folder case; and the catalogue's latency on a large server case against a folder case.

Throughput: `--examiners` processes, each ingesting its own folder of small PNG photos and then
annotating each photo once, all at the same time on one server case; baseline in the same run:
the same work, the same processes one after another, on a folder case (SQLite) on this
machine. The server runs on the same machine: the figure says what sharing costs or gains
here, not what a server on its own hardware would give. Checked
after each: every photo stored once, every annotation there, `verify` clean.

Latency (store level, what the catalogue asks): the first page of items (and the count), and
one search keystroke (a page of matches and their count, counted as far as the catalogue
counts: all of them on a folder case, up to 10,000 on a server) for every prefix of a few
words; median and p95 over the keystrokes. The folder case is built with recorded writes; the
server case is a `copy-case` of a folder case of `--server-items` items (timed).

Verify (`--verify`): `verify` of the large folder case and of the large server case, each in
a process of its own: time, the process's peak resident memory, and the findings (the bench's
items name contents never stored, so each file item is an `evidence_missing` finding: the
same on both engines).

    .venv/bin/python bench/team.py [--examiners 4] [--photos 120] [--items 100000] \\
        [--server-items 1000000] [--skip-latency] [--skip-throughput] [--verify] \\
        [--keep DIR]

Starts its own PostgreSQL (tests/pg_server.py) in a temporary folder, or, with `--keep DIR`
(a folder outside the repository), keeps the server, the built folder cases and the copied
server case there and uses them again on the next run (building a million items takes
10-15 minutes and copying them to the server 5-6 more).
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
from forensics.case import Case, is_case
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


def _latency(case: Case) -> tuple[float, list[float], list[float]]:
    """The first page with its count; each keystroke's page and count (what the catalogue
    shows), and its page alone (what the window waits for: the count comes in the
    background)."""
    from forensics.store.item_query import ItemFilter

    limit = case.items.count_limit  # as far as the catalogue and `pwb items` count
    t = time.perf_counter()
    case.items.page(ItemFilter(), limit=100)
    case.items.count_up_to(ItemFilter(), limit)
    first = time.perf_counter() - t
    keys: list[float] = []
    pages: list[float] = []
    for query in QUERIES:
        for end in range(1, len(query) + 1):
            f = ItemFilter(text=query[:end])
            t = time.perf_counter()
            case.items.page(f, limit=100)
            paged = time.perf_counter()
            case.items.count_up_to(f, limit)
            keys.append(time.perf_counter() - t)
            pages.append(paged - t)
    return first, keys, pages


def _exact_counts(case: Case) -> list[float]:
    """What counting every match costs per keystroke (what the catalogue no longer does on a
    server), for the same keystrokes."""
    from forensics.store.item_query import ItemFilter

    times: list[float] = []
    for query in QUERIES:
        for end in range(1, len(query) + 1):
            t = time.perf_counter()
            case.items.count_matching(ItemFilter(text=query[:end]))
            times.append(time.perf_counter() - t)
    return times


def _stats(times: list[float]) -> str:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    return f"median {statistics.median(times) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def _build(root: Path, n: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from gui_catalogue import build  # the catalogue bench's case: same items, same words

    build(root, n)


def _folder_case(keep: Path | None, n: int) -> Path:
    """A folder case of `n` items: built (timed), or the one `--keep` holds from a run before."""
    root = (keep / f"folder-{n}") if keep else (_scratch("pwb-bench-latency-") / "folder")
    if is_case(root):
        print(f"folder case of {n} items: kept from a run before ({root})")
        return root
    building = root.with_name(root.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    t = time.perf_counter()
    _build(building, n)
    building.rename(root)
    print(f"built a folder case of {n} items in {time.perf_counter() - t:.0f} s")
    return root


def _server_case(server: object, keep: Path | None, folder: Path, n: int) -> str:
    """The folder case copied to the server (`copy-case`, timed), or the kept copy."""
    from forensics.exchange.copy_case import copy_case

    name = f"latency_{n}"
    if keep is not None and name in server.databases():  # type: ignore[attr-defined]
        print(f"server case of {n} items: kept from a run before")
        url = str(server.url(name))  # type: ignore[attr-defined]
        Case.open(url).close()  # migrated, if an older version made it
        return url
    if keep is not None:
        server.admin_sql(f'CREATE DATABASE "{name}"')  # type: ignore[attr-defined]
        url = str(server.url(name))  # type: ignore[attr-defined]
        share = keep / f"share-{n}"
        shutil.rmtree(share, ignore_errors=True)
    else:
        url = server.new_database()  # type: ignore[attr-defined]
        share = _scratch("pwb-bench-share-")
    t = time.perf_counter()
    try:
        copy_case(folder, url, evidence=share)
    except BaseException:
        if keep is not None:
            server.drop_database(url)  # type: ignore[attr-defined]  # never kept half-copied
        raise
    print(f"copied {n} items to the server (copy-case) in {time.perf_counter() - t:.0f} s")
    return url


def latency(server: object, items: int, server_items: int, keep: Path | None, verify: bool) -> None:
    folder = _folder_case(keep, items)
    big = folder if server_items == items else _folder_case(keep, server_items)
    url = _server_case(server, keep, big, server_items)
    for label, where in (
        (f"folder case, {items}", str(folder)),
        (f"server case, {server_items}", url),
    ):
        with Case.open(where, readonly=True) as case:
            _latency(case)  # warm the caches once, as a catalogue that has been open a moment
            first, keys, pages = _latency(case)
            exact = _exact_counts(case)
        print(
            f"{label:>24} items: first page {first * 1000:.0f} ms; keystroke {_stats(keys)}"
            f"; its page alone {_stats(pages)}; counting every match alone {_stats(exact)}"
        )
    if verify:
        for label, where in (
            (f"folder case, {server_items}", str(big)),
            (f"server case, {server_items}", url),
        ):
            _verify(label, where)


def _verify(label: str, where: str) -> None:
    """`verify` in a process of its own (which reports its own peak memory): time, findings."""
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--verify-worker", where],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - t
    print(f"verify, {label:>24} items: {seconds:.0f} s; {done.stdout.strip()}")


def verify_worker(where: str) -> None:
    """Verify a case (nothing logged) and print what was found, counted by kind, and the
    peak resident memory of this process."""
    import resource
    from collections import Counter

    from forensics.verify import verify_case

    with Case.open(where, readonly=True) as case:
        report = verify_case(case, record_result=False)
    kinds = Counter(f.kind for f in report.findings)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak RSS {peak:.0f} MB; {report.entries_checked} entries, {report.records_checked} "
        f"records checked; findings {dict(sorted(kinds.items()))}"
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
    parser.add_argument("--verify", action="store_true", help="verify the large cases too")
    parser.add_argument(
        "--keep", type=Path, help="keep the server and the large cases here for the next run"
    )
    parser.add_argument("--worker", nargs=2, metavar=("CASE", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--verify-worker", metavar="CASE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.verify_worker:
        verify_worker(args.verify_worker)
        return 0
    if args.worker:
        store = ProfileStore(Path(os.environ[HOME_ENV]))
        use_examiner(store.examiner(store.find("bench")))  # signs as the sequential run does
        work(args.worker[0], Path(args.worker[1]))
        return 0
    _profile()
    from tests.pg_server import start_server

    keep = args.keep.resolve() if args.keep else None
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
    server = start_server(keep=keep / "server" if keep else None)
    if isinstance(server, str):
        print(server)
        return 1
    os.environ["PGPASSFILE"] = str(server.passfile)
    try:
        if not args.skip_throughput:
            throughput(server, args.examiners, args.photos)
        if not args.skip_latency:
            latency(server, args.items, args.server_items, keep, args.verify)
    finally:
        server.stop(remove=keep is None)
        for folder in SCRATCH:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
