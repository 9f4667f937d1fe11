"""Find records by what people call them, for every field that names a record.

An analyst knows "Viewpro A40" or "Nanshan", not a UUID: the GUI's record picker and the
names shown instead of ids (verify findings, merge conflicts) ask here. One query per kind,
each over its own table, matched on the name (case-insensitive, anywhere in it) or on the start
of the id, paged with `limit`/`offset` so a case of a million files answers as fast as a small
one. Media hits carry the stored content's hash so the caller can draw a thumbnail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from forensics.store.database import Database


@dataclass(frozen=True)
class RecordHit:
    """One record a picker can offer: what it is, what it is called, and a line about it."""

    kind: str
    """The link kind: item, component, manufacturer, hypothesis, annotation, source, frame."""
    id: str
    name: str
    detail: str
    """A short second line (the item's kind and type, a hypothesis's place, a source's author)."""
    sha256: str | None = None
    """Stored content of a media item (for a thumbnail), else None."""
    mime: str | None = None
    thumb_sha256: str | None = None
    """A frame's stored thumbnail (a derived PNG), else None."""


_QUERIES: dict[str, str] = {
    "item": (
        "SELECT id, name, kind || COALESCE(' · ' || mime, '') AS detail, sha256, mime, "
        "NULL AS thumb FROM items WHERE {match} ORDER BY name COLLATE NOCASE, id"
    ),
    "component": (
        "SELECT i.id AS id, i.name AS name, c.function || COALESCE(' · ' || c.part_number, '') "
        "AS detail, NULL AS sha256, NULL AS mime, NULL AS thumb FROM components c "
        "JOIN items i ON i.id = c.id WHERE {match} ORDER BY i.name COLLATE NOCASE, i.id"
    ),
    "manufacturer": (
        "SELECT id, name, COALESCE(country_name, country_code, '') AS detail, NULL AS sha256, "
        "NULL AS mime, NULL AS thumb FROM manufacturers WHERE {match} "
        "ORDER BY name COLLATE NOCASE, id"
    ),
    "hypothesis": (
        "SELECT h.id AS id, COALESCE(NULLIF(h.place_name, ''), printf('%.4f, %.4f', h.lat, "
        "h.lon)) AS name, h.status || ' · ' || h.confidence || COALESCE(' · ' || i.name, '') "
        "AS detail, NULL AS sha256, NULL AS mime, NULL AS thumb FROM geo_hypotheses h "
        "LEFT JOIN items i ON i.id = h.item_id WHERE {match} ORDER BY name COLLATE NOCASE, h.id"
    ),
    "annotation": (
        "SELECT a.id AS id, a.label || COALESCE(': ' || NULLIF(a.note, ''), '') AS name, "
        "COALESCE(i.name, '') || CASE WHEN a.frame_index >= 0 THEN ' · frame ' || a.frame_index "
        "ELSE '' END AS detail, NULL AS sha256, NULL AS mime, NULL AS thumb FROM annotations a "
        "LEFT JOIN items i ON i.id = a.item_id WHERE {match} "
        "ORDER BY i.name COLLATE NOCASE, a.frame_index, a.id"
    ),
    "source": (
        "SELECT id, title AS name, kind || COALESCE(' · ' || author, '') AS detail, "
        "NULL AS sha256, NULL AS mime, NULL AS thumb FROM sources WHERE {match} "
        "ORDER BY title COLLATE NOCASE, id"
    ),
    "frame": (
        "SELECT f.id AS id, COALESCE(i.name, '') || ' · frame ' || f.frame_index AS name, "
        "f.kind AS detail, NULL AS sha256, NULL AS mime, f.thumb_sha256 AS thumb FROM frames f "
        "LEFT JOIN items i ON i.id = f.item_id WHERE {match} "
        "ORDER BY i.name COLLATE NOCASE, f.frame_index, f.id"
    ),
}
"""Per kind: the query, with `{match}` standing for the name-or-id condition."""

_MATCH: dict[str, tuple[str, str]] = {
    "item": ("name", "id"),
    "component": ("i.name", "i.id"),
    "manufacturer": ("name || ' ' || COALESCE(aliases, '')", "id"),
    "hypothesis": ("COALESCE(h.place_name, '') || ' ' || COALESCE(i.name, '')", "h.id"),
    "annotation": ("a.label || ' ' || COALESCE(a.note, '') || ' ' || COALESCE(i.name, '')", "a.id"),
    "source": ("title || ' ' || COALESCE(author, '')", "id"),
    "frame": ("COALESCE(i.name, '')", "f.id"),
}
"""Per kind: the text a search matches, and the id column (for id-prefix matches)."""

_TABLES = {
    "item": "items",
    "component": "components",
    "manufacturer": "manufacturers",
    "hypothesis": "geo_hypotheses",
    "annotation": "annotations",
    "source": "sources",
    "frame": "frames",
}

KINDS: tuple[str, ...] = tuple(_QUERIES)
"""Every kind of record the search knows."""


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_records(
    db: Database,
    text: str,
    kinds: Sequence[str] = KINDS,
    *,
    limit: int = 20,
    offset: int = 0,
) -> list[RecordHit]:
    """Records of `kinds` whose name contains `text` or whose id starts with it.

    Each kind is paged on its own (`limit` hits from `offset`); kinds come in the order given.

    Raises:
        ValueError: an unknown kind.
    """
    unknown = [k for k in kinds if k not in _QUERIES]
    if unknown:
        raise ValueError(f"unknown record kind(s): {', '.join(unknown)}")
    needle = text.strip()
    like = f"%{_escape_like(needle)}%"
    prefix = f"{_escape_like(needle)}%"
    present = set(db.table_names())
    hits: list[RecordHit] = []
    for kind in kinds:
        if _TABLES[kind] not in present:
            continue  # a case without that feature's tables has none of its records
        name_col, id_col = _MATCH[kind]
        match = f"(({name_col}) LIKE ? ESCAPE '\\' COLLATE NOCASE OR {id_col} LIKE ? ESCAPE '\\')"
        sql = _QUERIES[kind].format(match=match) + " LIMIT ? OFFSET ?"
        for row in db.conn.execute(sql, (like, prefix, limit, offset)).fetchall():
            hits.append(
                RecordHit(
                    kind=kind,
                    id=str(row["id"]),
                    name=str(row["name"] or ""),
                    detail=str(row["detail"] or ""),
                    sha256=row["sha256"],
                    mime=row["mime"],
                    thumb_sha256=row["thumb"],
                )
            )
    return hits


def name_of(db: Database, kind: str, record_id: str) -> str | None:
    """What people call one record (None when it is not in the case or the kind is unknown)."""
    if kind not in _QUERIES or _TABLES[kind] not in set(db.table_names()):
        return None
    id_col = _MATCH[kind][1]
    sql = _QUERIES[kind].format(match=f"{id_col} = ?") + " LIMIT 1"
    row = db.conn.execute(sql, (record_id,)).fetchone()
    return None if row is None else str(row["name"] or "")


KIND_OF_TABLE: dict[str, str] = {table: kind for kind, table in _TABLES.items()}
"""The record kind stored in a table (merge conflicts name tables)."""


def name_in_table(db: Database, table: str, record_id: str) -> str | None:
    """What people call the record with this id in `table`; None for a table of no named kind."""
    kind = KIND_OF_TABLE.get(table)
    return None if kind is None else name_of(db, kind, record_id)


def labelled(name: str | None, record_id: str) -> str:
    """A record as shown to people: its name with the start of its id, or the id alone."""
    return f"{name} ({record_id[:8]})" if name else record_id
