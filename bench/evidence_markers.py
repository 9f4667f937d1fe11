"""A server case's evidence in-flight markers: rows of the case database against marker files
in the evidence folder (what a server case kept before), the same ingest, in the same run.

Per round, alternating which goes first: a fresh server case (its own database and evidence
folder), `ingest_paths` of `--files` files of `--kb` KiB (no extraction: the markers' share of
the time is largest there), in this process, timed; `files` swaps the case's evidence store
for the folder store with marker files in `tmp/` (batch marker files, `flock` on `tmp/`),
`rows` is the server case as it is (`store/inflight_db.py`: a claim transaction per batch on
the writer's own connection, rows deleted in the items' transaction). Each case is checked:
every file stored once, no marker row or file left, `verify` clean.

The server and the folder are on this machine's local disk: a marker file costs here what a
local file costs, far less than on an NFS or SMB share (a round trip to the file server per
create, sync and remove), and a claim costs a local round trip to PostgreSQL. The ratio is
the price (or gain) of moving the markers into the database with both on one machine.

    .venv/bin/python bench/evidence_markers.py [--files 1000] [--kb 16] [--rounds 3]

Starts its own PostgreSQL (tests/pg_server.py) in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.features import install
from forensics.case import Case
from forensics.store.evidence import EvidenceStore


def _files(folder: Path, n: int, kb: int) -> None:
    folder.mkdir(parents=True)
    for k in range(n):
        (folder / f"IMG_{k:05d}.JPG").write_bytes(os.urandom(kb * 1024))


def _one(server: object, mode: str, source: Path, scratch: Path, n: int) -> float:
    from forensics.intake.ingest import ingest_paths
    from forensics.verify import verify_case

    url = server.new_database()  # type: ignore[attr-defined]
    share = scratch / f"share-{mode}-{time.monotonic_ns()}"
    try:
        Case.create(url, title=mode, examiner="bench", evidence=share).close()
        with Case.open(url) as case:
            if mode == "files":
                case.evidence = EvidenceStore(case.root)  # marker files, as before
            t = time.perf_counter()
            ingest_paths(case, [source])
            took = time.perf_counter() - t
            stored = len(case.items.content_items())
            rows = case.db.conn.execute("SELECT count(*) FROM evidence_inflight").fetchone()[0]
            left = list((share / "tmp").iterdir())
            ok = verify_case(case, record_result=False).ok
        if stored != n or rows or left or not ok:
            raise SystemExit(f"{mode}: {stored} stored, {rows} rows, {left} left, verify {ok}")
        return took
    finally:
        server.drop_database(url)  # type: ignore[attr-defined]
        shutil.rmtree(share, ignore_errors=True)


def main() -> int:
    install()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--kb", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from tests.pg_server import start_server

    server = start_server()
    if isinstance(server, str):
        print(server)
        return 1
    os.environ["PGPASSFILE"] = str(server.passfile)
    scratch = Path(tempfile.mkdtemp(prefix="pwb-bench-markers-"))
    try:
        source = scratch / "card"
        _files(source, args.files, args.kb)
        cores = os.cpu_count()
        print(f"{args.files} files of {args.kb} KiB, server case, no extraction; {cores} cores")
        ratios = []
        for r in range(args.rounds):
            order = ("files", "rows") if r % 2 == 0 else ("rows", "files")
            load = os.getloadavg()[0]
            took = {mode: _one(server, mode, source, scratch, args.files) for mode in order}
            ratio = took["files"] / took["rows"]
            ratios.append(ratio)
            print(
                f"round {r + 1} (load {load:.1f}): marker files {args.files / took['files']:,.0f} "
                f"files/s, marker rows {args.files / took['rows']:,.0f} files/s, "
                f"ratio rows/files {ratio:.2f}"
            )
        print(f"median ratio (throughput with rows / with files): {statistics.median(ratios):.2f}")
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
