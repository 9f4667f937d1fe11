"""The world basemap the map view draws: Natural Earth 1:50m country outlines, offline.

The data ships in `resources/geo/countries-50m.json.gz` (Natural Earth, public domain, via the
npm package world-atlas; see `bench/tools/make_basemap.py` for how it was made). Rings are
stored as delta-encoded integer thousandths of a degree; this module decodes them once, on
first use, into (lon, lat) tuples. Nothing Qt here: the GUI turns rings into paths.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

BASEMAP_FILE = "countries-50m.json.gz"
CREDIT = "Natural Earth (public domain), 1:50m countries, via world-atlas"


@dataclass(frozen=True)
class Country:
    """One country's outline: rings of (lon, lat) points (exterior rings and holes alike)."""

    id: str | None
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]


@dataclass(frozen=True)
class Basemap:
    """Every country, with the data's source and licence."""

    countries: tuple[Country, ...]
    source: str
    license: str

    @property
    def point_count(self) -> int:
        """How many vertices all rings hold (for the benchmark and the tests)."""
        return sum(len(r) for c in self.countries for r in c.rings)


def _decode(flat: list[int], scale: float) -> tuple[tuple[float, float], ...]:
    x = y = 0
    points = []
    for i in range(0, len(flat) - 1, 2):
        x += flat[i]
        y += flat[i + 1]
        points.append((x / scale, y / scale))
    return tuple(points)


@lru_cache(maxsize=1)
def load_basemap() -> Basemap:
    """Read and decode the shipped basemap (cached after the first call)."""
    raw = resources.files("resources.geo").joinpath(BASEMAP_FILE).read_bytes()
    doc = json.loads(gzip.decompress(raw))
    scale = float(doc["scale"])
    countries = tuple(
        Country(c.get("id"), c.get("name", ""), tuple(_decode(r, scale) for r in c["rings"]))
        for c in doc["countries"]
    )
    return Basemap(countries, doc["source"], doc["license"])
