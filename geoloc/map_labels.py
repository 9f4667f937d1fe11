"""Place names for a map: the largest places in view, placed where they hide nothing.

Names come from the gazetteer's data (GeoNames cities of 15,000 people or more, CC BY 4.0,
plus the districts in resources/geo/places.csv), so the map names what the gazetteer finds.
Labels are chosen by population and placed greedily beside their dot, right or left,
skipping any that would cover a pin, a label already placed or the map's furniture, and
any that repeats a name already shown ("Bao'an" beside "Bao'an District").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from geoloc.mapframe import Box, Extent, Projection, valid
from geoloc.places import normalize

FONT_PX = 11.0
CHAR_EM = 0.58
"""Average glyph width of the map's sans-serif font, in ems (a box estimate, not layout)."""


@dataclass(frozen=True)
class LabelPlace:
    """A named place the map may label."""

    name: str
    lat: float
    lon: float
    population: int
    geonames: bool
    """True for GeoNames data (credited CC BY 4.0), False for our supplement."""


@dataclass(frozen=True)
class PlacedLabel:
    """A label chosen for the map, in pixels."""

    place: LabelPlace
    x: float
    y: float
    anchor: str
    """SVG text-anchor: "start" (label right of the dot) or "end" (left of it)."""


@lru_cache(maxsize=1)
def label_places() -> tuple[LabelPlace, ...]:
    """Every gazetteer place, reduced to what a label needs (read once per process)."""
    from geoloc.places import load_data  # 0.5 s: only when a map is drawn

    return tuple(
        LabelPlace(p.name, p.lat, p.lon, p.population, p.key.startswith("geonames:"))
        for p in load_data(15000).places
    )


class PlaceIndex:
    """Places bucketed by whole degrees, for the ones in view without a pass over them all.

    An interactive map asks after every pan; the gazetteer has some 30,000 places. A view
    spanning a few cells reads only those cells; a view of a continent or the world walks
    the places by population and stops at `WIDE_LIMIT` in view (far more than ever fit).
    """

    WIDE_CELLS = 400
    WIDE_LIMIT = 600

    def __init__(self, places: Sequence[LabelPlace]) -> None:
        self._by_population = sorted(
            (p for p in places if valid(p.lat, p.lon)), key=lambda p: (-p.population, p.name)
        )
        self._cells: dict[tuple[int, int], list[LabelPlace]] = {}
        for p in self._by_population:
            self._cells.setdefault((math.floor(p.lat), math.floor(p.lon)), []).append(p)

    def within(self, e: Extent) -> list[LabelPlace]:
        """Places inside the extent: all of them, or the most populous on a wide view."""
        south, north = max(-90, math.floor(e.south)), min(89, math.floor(e.north))
        west, east = max(-180, math.floor(e.west)), min(179, math.floor(e.east))
        if (north - south + 1) * (east - west + 1) > self.WIDE_CELLS:
            found: list[LabelPlace] = []
            for p in self._by_population:
                if e.contains(p.lat, p.lon):
                    found.append(p)
                    if len(found) >= self.WIDE_LIMIT:
                        break
            return found
        return [
            p
            for lat in range(south, north + 1)
            for lon in range(west, east + 1)
            for p in self._cells.get((lat, lon), ())
            if e.contains(p.lat, p.lon)
        ]


@lru_cache(maxsize=1)
def place_index() -> PlaceIndex:
    """The index of `label_places()` (built once per process)."""
    return PlaceIndex(label_places())


class Occupied:
    """Pixel boxes already covered by something a label must not hide."""

    def __init__(self, boxes: Sequence[Box] = ()) -> None:
        self.boxes: list[Box] = list(boxes)

    def free(self, box: Box) -> bool:
        """True when the box overlaps nothing taken."""
        return not any(
            box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in self.boxes
        )

    def take(self, box: Box) -> None:
        """Mark a box as covered."""
        self.boxes.append(box)


def text_box(x: float, y: float, text: str, anchor: str, font_px: float = FONT_PX) -> Box:
    """The box a one-line label at baseline (x, y) covers, with a pixel of margin."""
    width = len(text) * font_px * CHAR_EM
    left = x if anchor == "start" else x - width
    return left - 1, y - font_px, left + width + 1, y + font_px * 0.3


def choose_labels(
    places: Sequence[LabelPlace],
    proj: Projection,
    occupied: Occupied,
    *,
    limit: int = 12,
) -> list[PlacedLabel]:
    """The most populous places in view whose labels fit beside their dot."""
    e = proj.extent
    in_view = sorted(
        (p for p in places if valid(p.lat, p.lon) and e.contains(p.lat, p.lon)),
        key=lambda p: (-p.population, p.name),
    )
    chosen: list[PlacedLabel] = []
    stems: set[str] = set()
    for place in in_view:
        if len(chosen) >= limit:
            break
        # "Bao'an", "Bao'an District" and "Bao'an Centre" are one name on a map.
        stem = next(iter(normalize(place.name).split()), "")
        if stem in stems:
            continue
        x, y = proj.xy(place.lat, place.lon)
        dot = (x - 3, y - 3, x + 3, y + 3)
        if not occupied.free(dot):
            continue
        for anchor, tx in (("start", x + 5), ("end", x - 5)):
            box = text_box(tx, y + 4, place.name, anchor)
            if box[0] >= 0 and box[2] <= proj.width and box[1] >= 0 and occupied.free(box):
                occupied.take(box)
                occupied.take(dot)
                chosen.append(PlacedLabel(place, tx, y + 4, anchor))
                stems.add(stem)
                break
    return chosen


PIN_LABEL_CHARS = 48


@dataclass(frozen=True)
class PinLabel:
    """The name of a hypothesis placed beside its pin, in pixels."""

    text: str
    x: float
    y: float
    anchor: str


def pin_label(
    x: float, y: float, label: str, occupied: Occupied, width: float | None = None
) -> PinLabel | None:
    """Place a hypothesis's name beside its pin at (x, y): right of it when free, else left.

    Long names are cut to `PIN_LABEL_CHARS` with an ellipsis. The box taken is marked in
    `occupied`, so place names chosen afterwards keep off it. Given the map's `width`, a
    name that would run off the right edge goes left of its pin. None for an empty name.
    """
    if not label:
        return None
    text = _cut(label, PIN_LABEL_CHARS)
    sides = (("start", x + 9), ("end", x - 9))
    for anchor, tx in sides:
        box = text_box(tx, y - 6, text, anchor, FONT_PX)
        fits = width is None or (box[0] >= 0 and box[2] <= width)
        if occupied.free(box) and fits:
            break
    else:
        # Neither side is free: the report keeps it left of the pin; on a narrow map the
        # name is cut to the side with more room, so it never runs off the edge.
        anchor, tx = sides[1]
        if width is not None:
            anchor, tx = max(sides, key=lambda s: width - s[1] if s[0] == "start" else s[1])
            room = width - tx if anchor == "start" else tx
            chars = int(room / (FONT_PX * CHAR_EM)) - 1
            if chars < 4:
                return None
            text = _cut(text, chars)
        box = text_box(tx, y - 6, text, anchor, FONT_PX)
    occupied.take(box)
    return PinLabel(text, tx, y - 6, anchor)


def _cut(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "\u2026"
