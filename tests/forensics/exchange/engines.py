"""Reading a whole case, either engine, in a form two cases can be compared by."""

from __future__ import annotations

from typing import Any

from forensics.records.merges import CONFLICT, MERGE
from forensics.store.database import Database
from forensics.store.db import snapshot
from forensics.store.record_tables import stream_tables, table_rows

Records = dict[str, list[dict[str, Any]]]

MADE_HERE = {
    # A merge's own records are made by the merging case: ids and times are its own.
    "merges": ("id", "created_at"),
    "merge_conflicts": ("id", "merge_id", "created_at", "updated_at", "resolved_at"),
    "imported_custody": ("merge_id",),
}
"""Columns that differ between two merges of one archive however faithful the engines."""

ENTRY_FIELDS = ("actor", "action", "item_id", "subject_type", "subject_id", "reason")


def records(db: Database) -> Records:
    """Every row of every table a case's records live in, by table, in insertion order."""
    with snapshot(db):
        return {shape.name: list(table_rows(db, shape)) for shape in stream_tables(db)}


def merged_records(db: Database) -> Records:
    """`records`, without what each merge makes its own (ids, times) and with the custody
    chain as who did what to which record (each entry's time and hash are its own), the
    `case_copied` entry left out (a server copy has it, the folder it came from does not), and
    the case facts without the head and the server's evidence folder (a local fact)."""
    found = records(db)
    for table, volatile in MADE_HERE.items():
        found[table] = [{k: v for k, v in r.items() if k not in volatile} for r in found[table]]
    made_here = (MERGE.subject, CONFLICT.subject)
    found["custody"] = [
        {
            **{k: e[k] for k in ENTRY_FIELDS},
            **(
                {"subject_id": None, "record_sha256": None}
                if e["subject_type"] in made_here
                else {"record_sha256": e["record_sha256"]}
            ),
        }
        for e in found["custody"]
        if e["action"] != "case_copied"
    ]
    found["case_info"] = [
        r for r in found["case_info"] if r["key"] not in ("custody_head", "evidence_store")
    ]
    return found
