"""A case: one folder holding `case.db` and the evidence store, or a database on a
PostgreSQL server and an evidence folder (a team's shared case; `forensics.store.server`).

- `open_case`: `Case`, an open case (opening, transactions, recorded writes, facts, actor);
- `item_edits`: what it does to items beyond storing files (add, edit, ancestors);
- the folder's files and lock: `forensics.store.folder`; a server's: `forensics.store.server`.

Everything callers use is importable from here: `from forensics.case import Case`.
"""

from __future__ import annotations

from forensics.case.open_case import Case, CaseLocation, default_examiner
from forensics.store.folder import CASE_DB, LOCK_FILE, is_case, is_writable

__all__ = [
    "CASE_DB",
    "LOCK_FILE",
    "Case",
    "CaseLocation",
    "default_examiner",
    "is_case",
    "is_writable",
]
