"""The core records, by their historical import path (declared in `forensics.records.core`)."""

from __future__ import annotations

from forensics.records.core import (
    CaseInfo,
    ContentState,
    CustodyEntry,
    Finding,
    Item,
    ItemKind,
    Recovery,
)

__all__ = [
    "CaseInfo",
    "ContentState",
    "CustodyEntry",
    "Finding",
    "Item",
    "ItemKind",
    "Recovery",
]
