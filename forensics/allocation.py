"""Live, deleted, recovered or carved: the one classification every view of an item uses.

`Item.recovery` says how a not-live item was found and `Item.fs_deleted` what the file system
says; an examiner needs one answer, the same in the tree's icon, the catalogue's column and
filter, the details, the report, the CSV and CASE/UCO exports. It is declared here once:
- live: allocated in its file system, or a file from the host;
- deleted: a deleted name still in its folder, read with its own metadata;
- recovered: found with no live name pointing at it (TSK's `$OrphanFiles`, the files of a
  deleted folder, an NTFS name paired again with its freed MFT record);
- carved: cut out of unallocated space by a carver from its content alone.
An item from before `recovery` existed that the file system marked deleted counts as deleted.
"""

from __future__ import annotations

from forensics.models import Item, Recovery

LIVE = "live"
DELETED = "deleted"
RECOVERED = "recovered"
CARVED = "carved"
ALL = (LIVE, DELETED, RECOVERED, CARVED)
NOT_LIVE = (DELETED, RECOVERED, CARVED)

RECOVERIES: dict[str, tuple[str, ...]] = {
    DELETED: (Recovery.DELETED_ENTRY,),
    RECOVERED: (Recovery.ORPHAN, Recovery.FREED_RECORD),
    CARVED: (Recovery.CARVED,),
}
"""The `Item.recovery` values of each not-live state (the store filters on these)."""

LABELS = {LIVE: "Live", DELETED: "Deleted", RECOVERED: "Recovered", CARVED: "Carved"}
"""How each state is named on screen and in reports."""

DESCRIPTIONS = {
    LIVE: "allocated in its file system (or a file from the host)",
    DELETED: "deleted: its name is still in its folder, read with its own metadata",
    RECOVERED: "deleted and recovered without a live name (orphan, deleted folder, freed record)",
    CARVED: "carved from unallocated space by its content alone: no name, no metadata",
}

UCO_ALLOCATION_STATUS = {
    LIVE: "Allocated",
    DELETED: "Deleted",
    RECOVERED: "Recovered",
    CARVED: "Carved",
}
"""`uco-observable:allocationStatus` (a free string in UCO 1.x) of each state."""


def allocation_of(item: Item) -> str:
    """The item's state: one of `ALL`."""
    for state, recoveries in RECOVERIES.items():
        if item.recovery in recoveries:
            return state
    if item.recovery is None and item.fs_deleted:
        return DELETED
    return LIVE
