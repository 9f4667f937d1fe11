"""How values read in the GUI: sizes, times, kinds (one place, so every view agrees)."""

from __future__ import annotations

from forensics import allocation
from forensics.models import Item
from forensics.records.core import ItemKind


def human_size(size: int) -> str:
    """A byte count as people read it ("12.3 MB"); exact bytes below 1 kB."""
    if size < 1000:
        return f"{size} B"
    value = float(size)
    for unit in ("kB", "MB", "GB", "TB"):
        value /= 1000.0
        if value < 1000 or unit == "TB":
            return f"{value:.1f} {unit}"
    return f"{size} B"


def kind_label(kind: str) -> str:
    """The kind of an item in words."""
    return ItemKind.label_of(kind)


def short_time(iso: str | None) -> str:
    """An ISO-8601 UTC time without fractions or zone letter ("2024-05-01 12:30:05")."""
    if not iso:
        return ""
    text = iso.replace("T", " ")
    text = text.split(".")[0]
    return text.removesuffix("Z").removesuffix("+00:00")


def frame_time(seconds: float) -> str:
    """A presentation time as mm:ss.mmm (h:mm:ss.mmm past an hour)."""
    ms = round(seconds * 1000)
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h}:{m:02d}:{s:02d}.{ms:03d}" if h else f"{m:02d}:{s:02d}.{ms:03d}"


def state_label(item: Item) -> str:
    """Live, Deleted, Recovered or Carved (`forensics.allocation`)."""
    return allocation.LABELS[allocation.allocation_of(item)]


def name_with_state(item: Item) -> str:
    """The item's name, with "(deleted)", "(recovered)" or "(carved)" when it is not live."""
    state = allocation.allocation_of(item)
    return item.name if state == allocation.LIVE else f"{item.name} ({state})"
