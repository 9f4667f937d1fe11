"""When the media behind a hypothesis were taken, as their metadata says: for the sun check.

A sun check needs the moment with its UTC offset. The metadata already extracted holds it in
several places of unequal worth, tried in this order for the hypothesis's item, then for the
items its evidence links point at (an annotation or frame counts as its item):

1. the GPS time (EXIF GPSDateStamp/GPSTimeStamp): UTC from the satellites;
2. EXIF DateTimeOriginal with OffsetTimeOriginal: the camera's clock, offset known;
3. a container's creation_time: often the camera's local clock labelled UTC (GoPro);
4. EXIF DateTimeOriginal without an offset: the user must add one before checking.

Nothing is guessed: each candidate says where it came from, and whether it has an offset.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from forensics.case import Case
    from geoloc.hypotheses import EvidenceLink


@dataclass(frozen=True)
class CaptureTime:
    """One capture time found in an item's metadata."""

    time: str
    """ISO 8601 as the metadata gives it (with its offset or Z when it has one)."""
    item_id: str
    item_name: str
    source: str
    """Where it was read, in words ("EXIF GPS time (UTC)")."""
    has_offset: bool
    caveat: str | None = None

    def describe(self) -> str:
        """Where the time came from, in a sentence for the editor."""
        text = f"{self.source} of {self.item_name}"
        if not self.has_offset:
            text += ": no UTC offset recorded; add the local offset (e.g. +08:00) before checking"
        elif self.caveat:
            text += f" ({self.caveat})"
        return text


def _with_offset(text: str) -> bool:
    return text.endswith(("Z", "z")) or (len(text) > 6 and text[-6] in "+-" and text[-3] == ":")


def _from_facts(item_id: str, name: str, facts: dict[str, Any]) -> list[tuple[int, CaptureTime]]:
    found: list[tuple[int, CaptureTime]] = []
    gps_time = (facts.get("gps") or {}).get("timestamp")
    if isinstance(gps_time, str) and len(gps_time) > 10 and "T" in gps_time:
        found.append((0, CaptureTime(gps_time, item_id, name, "EXIF GPS time (UTC)", True)))
    capture = facts.get("capture") or {}
    iso = capture.get("iso")
    if isinstance(iso, str) and iso:
        has = _with_offset(iso)
        source = "EXIF DateTimeOriginal" + (" with its offset" if has else "")
        found.append((1 if has else 3, CaptureTime(iso, item_id, name, source, has)))
    container = facts.get("container") or {}
    created = container.get("creation_time")
    if isinstance(created, str) and created:
        caveat = container.get("creation_time_caveat")
        found.append(
            (
                2,
                CaptureTime(
                    created,
                    item_id,
                    name,
                    "container creation time",
                    _with_offset(created),
                    str(caveat) if caveat else "often the camera's local clock labelled UTC",
                ),
            )
        )
    return found


def evidence_items(case: Case, item_id: str | None, links: list[EvidenceLink]) -> list[str]:
    """The hypothesis's item, then the items its evidence is about, without repeats."""
    from forensics.errors import NotFoundError
    from forensics.store.annotations import AnnotationRepository
    from forensics.store.frames import FrameRepository

    ids: list[str] = [item_id] if item_id else []
    annotations = AnnotationRepository(case.db)
    frames = FrameRepository(case.db)
    for link in links:
        if link.kind == "item":
            ids.append(link.target_id)
        elif link.kind == "annotation":
            found = annotations.find(link.target_id)
            if found is not None:
                ids.append(found.item_id)
        elif link.kind == "frame":
            try:
                ids.append(frames.frame(link.target_id).item_id)
            except NotFoundError:
                continue  # a frame deleted since: it names no media
    return list(dict.fromkeys(ids))


def capture_times(case: Case, item_id: str | None, links: list[EvidenceLink]) -> list[CaptureTime]:
    """Every capture time of the media behind a hypothesis, best first.

    Args:
        case: the open case.
        item_id: the hypothesis's item (an editor passes the one in its field, saved or not).
        links: its evidence links (an editor passes the links it shows, saved or not).
    """
    from forensics.store.media import MediaRepository

    media = MediaRepository(case.db)
    ranked: list[tuple[int, int, CaptureTime]] = []
    for order, media_id in enumerate(evidence_items(case, item_id, links)):
        item = case.items.find(media_id)
        name = item.name if item is not None else media_id
        for record in media.records(media_id):
            for rank, found in _from_facts(media_id, name, record.facts):
                ranked.append((order, rank, found))
    ranked.sort(key=lambda r: (r[0], r[1]))
    return list(dict.fromkeys(found for _, _, found in ranked))
