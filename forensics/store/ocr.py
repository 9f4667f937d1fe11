"""SQL for text reads: the `ocr_reads` rows and their full-text index `ocr_fts`.

A read is written through `case.recording()` with its custody entry (the record type is
declared in `forensics.records.ocr`, which gives its row SQL). Each row keeps a
`search_text` (the text with Chinese characters spaced apart) that triggers index, and
`ocr_match` turns what a user typed into the same form, so a search for "南山" finds a
sign reading "深圳市南山区".

The record declaration is imported when a read is first looked up: every case opening loads
this module for `ITEMS_MATCHING` (the catalogue's search), and the declaration's dataclasses
cost a few milliseconds of the GUI's start.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from forensics.errors import NotFoundError
from forensics.store import record_rows

if TYPE_CHECKING:
    from forensics.records.ocr import OcrRead
    from forensics.store.database import Database


def ocr_match(text: str) -> str:
    """A safe FTS5 query for `ocr_fts`: every word must match, Han runs as phrases, the last
    token of each word as a prefix (as the catalogue's own search does)."""
    from forensics.records.ocr import spaced

    out = []
    for word in re.findall(r"\w+", text, flags=re.UNICODE):
        tokens = spaced(word).split()
        out.append('"' + " ".join(tokens) + '"*')
    return " ".join(out)


def _from_row(row: Any) -> OcrRead:
    from forensics.records.ocr import OCR_READ

    return OCR_READ.from_row(row)


class OcrRepository:
    """Reads stored in a case."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def find(self, read_id: str) -> OcrRead | None:
        """A read by id, or None."""
        from forensics.records.ocr import OCR_READ

        return record_rows.find(self._db, OCR_READ, read_id)

    def get(self, ref: str) -> OcrRead:
        """A read by id or unique id prefix.

        Raises:
            NotFoundError: none, or several, match.
        """
        found = self.find(ref)
        if found is not None:
            return found
        rows = self._db.conn.execute(
            "SELECT * FROM ocr_reads WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
            (ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",),
        ).fetchall()
        if len(rows) != 1:
            raise NotFoundError(
                f"no text read with id {ref}" if not rows else f"several text reads match {ref}"
            )
        return _from_row(rows[0])

    def all(self) -> list[OcrRead]:
        """Every read of the case, oldest first."""
        rows = self._db.conn.execute("SELECT * FROM ocr_reads ORDER BY created_at, id")
        return [_from_row(r) for r in rows]

    def of_item(self, item_id: str, frame_index: int | None = None) -> list[OcrRead]:
        """The reads of an item (of one frame of it), oldest first."""
        sql = "SELECT * FROM ocr_reads WHERE item_id = ?"
        params: list[Any] = [item_id]
        if frame_index is not None:
            sql += " AND frame_index = ?"
            params.append(frame_index)
        rows = self._db.conn.execute(sql + " ORDER BY created_at, id", params)
        return [_from_row(r) for r in rows]

    def of_annotation(self, annotation_id: str) -> list[OcrRead]:
        """The reads made of an annotation's region, oldest first."""
        rows = self._db.conn.execute(
            "SELECT * FROM ocr_reads WHERE annotation_id = ? ORDER BY created_at, id",
            (annotation_id,),
        )
        return [_from_row(r) for r in rows]

    def search(self, text: str, limit: int = 100) -> list[OcrRead]:
        """Reads whose text matches a search (every word, Han characters as phrases)."""
        match = ocr_match(text)
        if not match:
            return []
        rows = self._db.conn.execute(
            "SELECT ocr_reads.* FROM ocr_fts JOIN ocr_reads ON ocr_reads.rowid = ocr_fts.rowid "
            "WHERE ocr_fts MATCH ? ORDER BY ocr_reads.created_at LIMIT ?",
            (match, limit),
        )
        return [_from_row(r) for r in rows]


ITEMS_MATCHING = (
    "SELECT ocr_reads.item_id FROM ocr_fts JOIN ocr_reads ON ocr_reads.rowid = ocr_fts.rowid "
    "WHERE ocr_fts MATCH ?"
)
"""Ids of the items some read of which matches an `ocr_match` query (one parameter)."""
