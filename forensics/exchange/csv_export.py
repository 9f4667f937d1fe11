"""Items as CSV, for spreadsheets: one row per item, hashes and identification included.

`state` is live, deleted, recovered or carved (`forensics.allocation`), `recovery` and
`content_state` say how a not-live file was found and what is known of its bytes, and
`carved_offset` where a carved file's first byte lies in its image.

Names are written as stored (the csv module quotes commas, quotes and newlines); a cell that
starts with `=`, `+`, `-` or `@` gets a leading apostrophe so a spreadsheet shows the text of a
hostile file name instead of running it as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from forensics import allocation
from forensics.case import Case
from forensics.exchange.report import log_export
from forensics.textsafe import shown

COLUMNS = (
    "id",
    "kind",
    "name",
    "parent_id",
    "sha256",
    "md5",
    "size",
    "mime",
    "source_path",
    "fs_path",
    "fs_deleted",
    "state",
    "recovery",
    "content_state",
    "carved_offset",
    "serial",
    "marking",
    "exhibit",
    "note",
    "status",
    "tags",
    "created_at",
    "created_by",
)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = ";".join(str(v) for v in value)
    text = shown(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def items_csv(case: Case, items: Iterable[str] | None = None) -> str:
    """The CSV text of the case's items (or of the given ids)."""
    wanted = set(items) if items else None
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    for item in case.items.search():
        if wanted is not None and item.id not in wanted:
            continue
        row = item.to_json()
        row["state"] = allocation.allocation_of(item)
        carving = item.attributes.get("carving")
        row["carved_offset"] = carving.get("offset") if isinstance(carving, dict) else None
        writer.writerow([_cell(row.get(c)) for c in COLUMNS])
    return buf.getvalue()


def write_items_csv(
    case: Case, out: Path, actor: str | None = None, items: Iterable[str] | None = None
) -> dict[str, object]:
    """Write the CSV file and log the export; returns the CLI's summary."""
    wanted = list(items) if items else None
    data = items_csv(case, wanted).encode("utf-8")
    tmp = out.with_name(f".{out.name}.part")
    tmp.write_bytes(data)
    tmp.replace(out)
    return log_export(case, out, "csv", data, actor=actor, items=wanted)
