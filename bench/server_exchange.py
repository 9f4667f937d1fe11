"""Receiving an archive on a server case against the same on a folder case.

One archive of a case of `--items` items (each with a location hypothesis: items,
hypotheses, their history and custody entries, and the references between them), packed
once; then, on this machine:
- unpack into a new folder (baseline) and into an empty database on the suite's own
  PostgreSQL (`unpack_to_server`: the same checks, the rows through the server's record sink,
  one server transaction);
- merge a second archive (the same case with `--items` // 10 more items and as many notes
  edited) into a folder copy (baseline) and into a server copy of it.

Prints the seconds and the server/folder ratio of each, best of `--repeat`. The server runs on
the same machine: the ratio says what the server's round trips cost here, not what a server
on its own hardware would give.

    .venv/bin/python bench/server_exchange.py [--items 5000] [--repeat 3]

Starts its own PostgreSQL (tests/pg_server.py) in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.features import install
from app.profiles import ProfileStore
from forensics.case import Case
from forensics.exchange.archive_checks import Limits
from forensics.identity import HOME_ENV, use_examiner
from geoloc.hypotheses import HypothesisDraft, HypothesisService

UNSIGNED = Limits(accept_unsigned=True)


def _archives(root: Path, items: int) -> tuple[Path, Path]:
    """A case of `items` annotated items packed, and a later version of it packed."""
    from forensics.exchange.pack import pack_case
    from forensics.exchange.unpack import unpack_archive

    with Case.create(root / "case", title="bench") as case:
        ids: list[str] = []
        with case.transaction():
            for n in range(items):
                ids.append(case.add_item(kind="component", name=f"part {n}").id)
        geo = HypothesisService(case)
        with case.transaction():
            for n, item_id in enumerate(ids):
                geo.add(
                    HypothesisDraft(
                        item_id=item_id, methods="visual_landmark", lat=22 + n / 1e4, lon=113.9
                    )
                )
        base = pack_case(case, root / "base.pwbcase").archive
    with Case.open(unpack_archive(base, root / "later", limits=UNSIGNED).dest) as later:
        with later.transaction():
            for n in range(items // 10):
                later.add_item(kind="component", name=f"new part {n}", actor="B")
                later.edit_item(ids[n], {"note": "seen again"}, actor="B")
        theirs = pack_case(later, root / "theirs.pwbcase", actor="B").archive
    return base, theirs


def _best(repeat: int, run: Callable[[int], None]) -> float:
    times = []
    for n in range(repeat):
        start = time.perf_counter()
        run(n)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    install()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="pwb-bench-exchange-"))
    os.environ[HOME_ENV] = str(root / "home")
    store = ProfileStore(root / "home")
    use_examiner(store.examiner(store.create("bench", name="Bench", organisation="Bench")))
    from forensics.exchange.copy_case import copy_case
    from forensics.exchange.merge import merge_archive
    from forensics.exchange.unpack import unpack_archive
    from forensics.exchange.unpack_server import unpack_to_server
    from tests.pg_server import start_server

    server = start_server()
    if isinstance(server, str):
        print(server)
        return 1
    os.environ["PGPASSFILE"] = str(server.passfile)
    try:
        base, theirs = _archives(root, args.items)
        print(f"archive of {args.items} items with hypotheses: {base.stat().st_size:,} bytes")
        folder = _best(
            args.repeat,
            lambda n: unpack_archive(base, root / f"folder-{n}", limits=UNSIGNED),
        )
        served = _best(
            args.repeat,
            lambda n: unpack_to_server(
                base, server.new_database(), root / f"share-{n}", limits=UNSIGNED
            ),
        )
        print(f"unpack: folder {folder:.2f} s, server {served:.2f} s, ratio {served / folder:.2f}")

        def merge_into(where: str | Path) -> None:
            with Case.open(where) as case:
                merge_archive(case, theirs, actor="A", limits=UNSIGNED)

        copies: list[tuple[Path, str]] = []
        for n in range(args.repeat):
            copy = root / f"ours-{n}"
            shutil.copytree(root / "folder-0", copy)
            url = server.new_database()
            copy_case(copy, url, evidence=root / f"ours-share-{n}")
            copies.append((copy, url))
        folder = _best(args.repeat, lambda n: merge_into(copies[n][0]))
        served = _best(args.repeat, lambda n: merge_into(copies[n][1]))
        print(f"merge:  folder {folder:.2f} s, server {served:.2f} s, ratio {served / folder:.2f}")
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
