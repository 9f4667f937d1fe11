"""Which records a selection of items carries with it, worked out generically.

A record *references* another when one of its text values equals the other's uuid (ids never
collide across tables, so no feature needs to declare its foreign keys here). Selecting items
takes their ancestors and descendants; then every record that references something kept comes
along (annotations, frames, hypotheses, links), and so does every record a kept record depends
on (a manufacturer, a source), unless it depends, however indirectly, on an item left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from forensics.store import exchange as sx

if TYPE_CHECKING:
    from forensics.store.database import Database

SHA_RE = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")


@dataclass
class Selection:
    """The outcome: what stays in the export, by table."""

    items: set[str]
    records: dict[str, set[str]] = field(default_factory=dict)
    """table -> ids kept (items included)."""
    dropped: set[str] = field(default_factory=set)
    """Ids of every record left out."""
    keyless_dropped: dict[str, list[int]] = field(default_factory=dict)
    """table -> rowids of rows of keyless tables left out."""


def _refs(row: dict[str, Any], known: dict[str, str]) -> set[str]:
    return {v for k, v in row.items() if k != "id" and isinstance(v, str) and v in known}


def item_closure(parents: dict[str, str | None], chosen: Iterable[str]) -> set[str]:
    """The chosen items, their ancestors and all their descendants."""
    children: dict[str, list[str]] = {}
    for child, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    keep: set[str] = set()
    stack = list(chosen)
    while stack:
        current = stack.pop()
        if current in keep:
            continue
        keep.add(current)
        stack.extend(children.get(current, ()))
    for item_id in list(keep):
        parent = parents.get(item_id)
        while parent is not None and parent not in keep:
            keep.add(parent)
            parent = parents.get(parent)
    return keep


def select(db: Database, chosen: Iterable[str]) -> Selection:
    """Work out what a selection of items keeps in the database `db`."""
    tables = sx.record_tables(db)
    all_rows: dict[str, list[dict[str, Any]]] = {t: list(sx.rows(db, t)) for t in tables}
    known: dict[str, str] = {}
    for table, trows in all_rows.items():
        for row in trows:
            known[str(row["id"])] = table
    parents = {str(r["id"]): r.get("parent_id") for r in all_rows.get("items", [])}
    items = item_closure(parents, chosen)
    dropped_items = set(parents) - items
    refs = {
        str(r["id"]): _refs(r, known)
        for t, trows in all_rows.items()
        if t != "items"
        for r in trows
    }
    item_deps = {str(r["id"]): _refs(r, known) - set(parents) for r in all_rows.get("items", [])}

    tainted = set(dropped_items)
    changed = True
    while changed:
        changed = False
        for rid, r in refs.items():
            if rid not in tainted and r & tainted:
                tainted.add(rid)
                changed = True

    kept = set(items)
    for item_id in items:
        kept |= item_deps.get(item_id, set()) - tainted
    changed = True
    while changed:
        changed = False
        for rid, r in refs.items():
            if rid in tainted:
                continue
            if rid not in kept and r & kept:
                kept.add(rid)
                changed = True
            if rid in kept:
                for dep in r - kept - tainted:
                    kept.add(dep)
                    changed = True

    referenced: set[str] = set()
    for r in [*refs.values(), *item_deps.values()]:
        referenced |= r
    for table, trows in all_rows.items():
        # A table linked to nothing by id (a label vocabulary, settings) travels whole: its
        # rows are used by value, and leaving them out would change how kept records read.
        table_ids = {str(r["id"]) for r in trows}
        standalone = not (table_ids & referenced) and not any(refs.get(i) for i in table_ids)
        if table != "items" and table not in sx.EXCHANGE_TABLES and standalone:
            kept |= table_ids

    selection = Selection(items=items)
    for table, trows in all_rows.items():
        table_ids = {str(r["id"]) for r in trows}
        selection.records[table] = table_ids & kept
        selection.dropped |= table_ids - kept
    for table in sx.data_tables(db):
        if table in all_rows:
            continue
        out = [int(r["_rowid_"]) for r in sx.rows(db, table) if _refs(r, known) & selection.dropped]
        if out:
            selection.keyless_dropped[table] = out
    return selection


def apply(db: Database, selection: Selection) -> dict[str, int]:
    """Delete from a snapshot every row the selection leaves out (inside a transaction).

    Returns:
        Rows deleted per table.
    """
    deleted: dict[str, int] = {}
    for table, kept in selection.records.items():
        gone = sx.ids(db, table) - kept
        if table in sx.EXCHANGE_TABLES:
            gone = sx.ids(db, table)
        if gone:
            deleted[table] = sx.delete_ids(db, table, gone)
    for table, rowids in selection.keyless_dropped.items():
        deleted[table] = sx.delete_rowids(db, table, rowids)
    if "imported_custody" in sx.data_tables(db):
        sx.clear_table(db, "imported_custody")
    return deleted


def referenced_hashes(db: Database) -> set[str]:
    """Every sha256 that a value of any row mentions (to find the derived files kept)."""
    found: set[str] = set()
    for table in sx.data_tables(db):
        for row in sx.rows(db, table):
            for value in row.values():
                if isinstance(value, str) and len(value) >= 64:
                    found.update(SHA_RE.findall(value))
    return found
