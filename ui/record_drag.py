"""Records carried by drag and drop: from the case tree and the catalogue onto a picker.

A drag carries (kind, id) pairs as JSON under one private MIME type, so a drop on a field that
names a record (a hypothesis's item, an annotation's link, a component's maker) fills it
exactly as picking from its popup does. Files dropped from the desktop (URLs) are left to the
window's ingest.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QMimeData, QModelIndex, QPersistentModelIndex

RECORD_MIME = "application/x-pwb-records"
"""The MIME type of dragged records: a JSON list of {"kind", "id"}."""


def records_mime(records: Iterable[tuple[str, str]]) -> QMimeData:
    """Drag data for these (kind, id) records; one per id, in order."""
    seen: dict[str, str] = {}
    for kind, record_id in records:
        seen.setdefault(record_id, kind)
    data = QMimeData()
    payload = [{"kind": kind, "id": record_id} for record_id, kind in seen.items()]
    data.setData(RECORD_MIME, json.dumps(payload).encode())
    return data


def records_from_mime(data: QMimeData | None) -> list[tuple[str, str]]:
    """The (kind, id) records a drag carries; [] for anything else or malformed data."""
    if data is None or not data.hasFormat(RECORD_MIME):
        return []
    try:
        payload: Any = json.loads(bytes(data.data(RECORD_MIME).data()).decode())
    except (ValueError, UnicodeDecodeError):
        return []
    if not isinstance(payload, list):
        return []
    return [
        (str(e["kind"]), str(e["id"]))
        for e in payload
        if isinstance(e, dict) and isinstance(e.get("kind"), str) and isinstance(e.get("id"), str)
    ]


def item_indexes_mime(
    indexes: Sequence[QModelIndex | QPersistentModelIndex], id_role: int
) -> QMimeData:
    """Drag data for the items of a view's selected indexes (the id read from `id_role`)."""
    ids = [index.data(id_role) for index in indexes if index.isValid()]
    return records_mime(("item", str(i)) for i in ids if i)
