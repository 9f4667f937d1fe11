"""What a report's map shows, and the drawer that turns it into a picture.

The report (here, in `forensics`) knows which positions, tracks and hypotheses belong in it;
the basemap, the projection and the drawing belong to `geoloc`, which `forensics` must not
import. So the report hands a `MapFigure` to a `MapDrawer` its caller supplies (the CLI and
the GUI pass `geoloc.svg_map.draw_map`), and gets back SVG markup with the extent and the
data credits it used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

HYPOTHESIS = "hypothesis"
POSITION = "position"


@dataclass(frozen=True)
class MapMarker:
    """One place on the map: a geolocation hypothesis or a position from an item's metadata."""

    lat: float
    lon: float
    label: str
    kind: str
    """`HYPOTHESIS` or `POSITION`."""
    status: str = ""
    """A hypothesis's status (colours its pin), or a position's source ("exif", ...)."""
    radius_m: float | None = None
    area: tuple[tuple[float, float], ...] | None = None
    """An area hypothesis's outline as (lon, lat) pairs."""


@dataclass(frozen=True)
class MapLine:
    """A telemetry track: (lat, lon) fixes in order."""

    points: tuple[tuple[float, float], ...]
    label: str


@dataclass(frozen=True)
class MapFigure:
    """Everything one map shows."""

    markers: tuple[MapMarker, ...] = ()
    lines: tuple[MapLine, ...] = ()

    @property
    def empty(self) -> bool:
        """True when there is nothing to put on a map."""
        return not self.markers and not any(line.points for line in self.lines)


@dataclass(frozen=True)
class DrawnMap:
    """A map drawn as inline SVG, with what a caption needs to say about it."""

    svg: str
    south: float
    west: float
    north: float
    east: float
    credits: tuple[str, ...]
    """The data the map was drawn from, with its licence (Natural Earth, GeoNames, ...)."""
    skipped: int = 0
    """Markers or fixes left out because their coordinates are not positions on Earth."""


class MapDrawer(Protocol):
    """Draws a figure; None when none of its coordinates is a position on Earth."""

    def __call__(self, figure: MapFigure) -> DrawnMap | None: ...
