"""Reading an archive's record streams (format 2) against two baselines, same records, same run.

A case of N items (synthetic rows, every column of the table filled as ingest fills it) is
written as record streams (`record_stream.write_streams`), then read into a fresh case three
ways:

- **ours**: `record_stream.read_streams` into a `SqliteRecordSink`: every line decoded by msgspec
  against the declaration-derived schema, JSON fields converted to their declared types, the
  record built, inserted, duplicates and references checked;
- **bare** (baseline): `json.loads` of each line and one `executemany` INSERT, no check at all;
- **format 1** (baseline): the previous archive format's read path, `received.copy_received` of
  an SQLite snapshot (read-only open, schema comparison, `integrity_check`, row checks).

    .venv/bin/python bench/record_streams.py [--items 100000] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forensics.case import Case
from forensics.exchange.record_stream import read_streams, stream_name, write_streams
from forensics.store import exchange as sx
from forensics.store import received
from forensics.store.database import Database
from forensics.store.db import connect, migrate, transaction
from forensics.store.record_tables import SqliteRecordSink, stream_tables, table_rows
from forensics.store.rows import insert_row, quote


def make_case(root: Path, count: int) -> Case:
    case = Case.create(root / "case", title="bench", examiner="bench")
    template = sx.get_row(case.db, "items", case.add_item(kind="hardware", name="template").id)
    assert template is not None
    with transaction(case.db):
        for n in range(count):
            row = {
                **template,
                "id": str(uuid.uuid4()),
                "name": f"component {n}",
                "tags": json.dumps(["bench", f"batch-{n % 10}"]),
                "attributes": json.dumps({"n": n, "note": "x" * 40}),
            }
            insert_row(case.db, "items", row)
    return case


def fresh(folder: Path) -> Database:
    folder.mkdir()
    db = connect(folder / "case.db")
    migrate(db, folder)
    return db


def ours(streams: Path, counts: dict[str, int], folder: Path) -> None:
    db = fresh(folder)
    with SqliteRecordSink(db) as sink:
        read_streams(streams, counts, sink)
    db.conn.close()


def bare(streams: Path, counts: dict[str, int], folder: Path) -> None:
    db = fresh(folder)
    with transaction(db) as conn:
        conn.execute("PRAGMA defer_foreign_keys = ON")
        for shape in stream_tables(db):
            if shape.name not in counts:
                continue
            names = ", ".join(quote(c) for c in shape.column_names)
            marks = ", ".join("?" for _ in shape.columns)
            sql = f"INSERT INTO {quote(shape.name)} ({names}) VALUES ({marks})"
            with open(streams / stream_name(shape.name), "rb") as fh:
                rows = (json.loads(line) for line in fh)
                conn.executemany(sql, ([r.get(c) for c in shape.column_names] for r in rows))
    db.conn.close()


def format_1(snapshot: Path, folder: Path) -> None:
    db = fresh(folder)
    received.copy_received(snapshot, db, folder)
    db.conn.close()


def timed(fn: object, *args: object) -> float:
    start = time.perf_counter()
    fn(*args)  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    from app.features import install

    install()
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="pwb-bench-streams-"))
    try:
        case = make_case(root, args.items)
        streams = root / "streams"
        streams.mkdir()
        start = time.perf_counter()
        counts = write_streams(stream_tables(case.db), lambda s: table_rows(case.db, s), streams)
        write_s = time.perf_counter() - start
        snapshot = root / "snapshot.db"
        sx.snapshot(case.db, snapshot)
        case.close()
        size = sum(p.stat().st_size for p in streams.rglob("*.jsonl"))
        best = {"ours": 1e9, "bare": 1e9, "format_1": 1e9}
        for r in range(args.rounds):
            best["ours"] = min(best["ours"], timed(ours, streams, counts, root / f"o{r}"))
            best["bare"] = min(best["bare"], timed(bare, streams, counts, root / f"b{r}"))
            best["format_1"] = min(best["format_1"], timed(format_1, snapshot, root / f"f{r}"))
        records = sum(counts.values())
        print(
            f"{records} records ({size / (1 << 20):.1f} MiB of JSON lines), "
            f"best of {args.rounds} rounds; writing the streams took {write_s:.2f} s"
        )
        for key, seconds in best.items():
            print(f"  {key:<9} {seconds:6.2f} s  {records / seconds:9.0f} records/s")
        print(f"ours / bare     = {best['ours'] / best['bare']:.2f}x the time")
        print(f"ours / format 1 = {best['ours'] / best['format_1']:.2f}x the time")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
