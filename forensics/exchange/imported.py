"""Re-checking a custody chain imported with a merge, on its own.

A merge stores the other team's chain verbatim (`imported_custody`); it stays verifiable
without their case: every entry must follow the one before it and hash to what it says.
"""

from __future__ import annotations

from forensics.case import Case
from forensics.store.custody import GENESIS_HASH, row_hash
from forensics.store.merges import MergeRepository


def verify_imported(case: Case, merge_id: str) -> list[str]:
    """Re-walk a chain imported with a merge on its own; the problems found (empty: sound)."""
    problems: list[str] = []
    prev = GENESIS_HASH
    for n, e in enumerate(MergeRepository(case.db).imported_custody(merge_id), start=1):
        if e["seq"] != n:
            problems.append(f"imported entry {n} is missing (the chain jumps to {e['seq']})")
        if e["prev_hash"] != prev:
            problems.append(f"imported entry {e['seq']} does not follow the one before it")
        if row_hash(e) != e["hash"]:
            problems.append(f"imported entry {e['seq']} ({e['action']}) was changed")
        prev = e["hash"]
    merge = MergeRepository(case.db).find_merge(merge_id)
    if merge is None:
        problems.append(f"no merge {merge_id}")
    return problems
