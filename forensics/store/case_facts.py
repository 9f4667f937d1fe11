"""The case's facts (id, title, examiner, creation), kept as key/value rows in `case_info`.

`case_info` also anchors the custody head (`forensics.store.custody`); these are the other keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from forensics.records.core import CaseInfo

if TYPE_CHECKING:
    from forensics.store.database import Database

FACT_KEYS = ("case_id", "title", "examiner", "created_at", "created_with")


class CaseFacts:
    """Reads and writes the facts of one case database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def write(self, info: CaseInfo) -> None:
        """Store the facts of a new case (inside the transaction that logs its creation)."""
        self._db.conn.executemany(
            "INSERT INTO case_info (key, value) VALUES (?, ?)",
            [(key, getattr(info, key)) for key in FACT_KEYS],
        )

    def read(self) -> CaseInfo | None:
        """The facts, or None while the case is being created."""
        marks = ", ".join("?" * len(FACT_KEYS))
        rows = {
            r["key"]: r["value"]
            for r in self._db.query(
                f"SELECT key, value FROM case_info WHERE key IN ({marks})", list(FACT_KEYS)
            )
        }
        if "case_id" not in rows:
            return None
        return CaseInfo(*(rows[key] for key in FACT_KEYS))
