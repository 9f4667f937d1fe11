"""Where a hypothesis points: a point with its uncertainty, an area, or a place looked up.

A hypothesis needs a position. An analyst gives a latitude and longitude, an outline, or only
a place name; a name alone is looked up in the gazetteer and gets a default radius for its
kind (a city's is wider than a district's), so a vague answer is stored as a vague one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from forensics.errors import ValidationError
from geoloc.validation import centroid, check_area, check_lat_lon, check_radius

if TYPE_CHECKING:
    from geoloc.gazetteer import OfflineGazetteer

CITY_RADIUS_M = 5000.0
"""The uncertainty given to a position looked up from a city's name."""
PLACE_RADIUS_M = 3000.0
"""The uncertainty given to a position looked up from any other place's name."""


def hypothesis_geometry(
    lat: Any,
    lon: Any,
    radius_m: Any,
    area: Any,
    place_name: str | None,
    gazetteer: Callable[[], OfflineGazetteer],
) -> dict[str, Any]:
    """The checked geometry fields of a hypothesis (geometry, lat, lon, radius_m, area).

    Args:
        lat: latitude, or None.
        lon: longitude, or None.
        radius_m: uncertainty radius in metres, or None.
        area: an outline as (lon, lat) pairs; it wins over a point.
        place_name: a place to look up when no position is given.
        gazetteer: gives the gazetteer, called only when a name must be looked up (it loads
            geopy).

    Raises:
        ValidationError: no position at all, half a position, an unknown place or a bad value.
    """
    if area:
        ring = check_area(area)
        c_lat, c_lon = centroid(ring)
        return {"geometry": "area", "lat": c_lat, "lon": c_lon, "area": ring, "radius_m": None}
    if lat is None and lon is None:
        if not place_name or not place_name.strip():
            raise ValidationError(
                "give a position (latitude and longitude), an area, or a place name"
            )
        found = gazetteer().search(place_name, limit=1)
        if not found:
            raise ValidationError(
                f"the gazetteer does not know the place {place_name!r}; give its "
                "latitude and longitude"
            )
        lat, lon = found[0].lat, found[0].lon
        if radius_m is None:
            radius_m = CITY_RADIUS_M if found[0].kind == "city" else PLACE_RADIUS_M
    elif lat is None or lon is None:
        raise ValidationError("give both a latitude and a longitude")
    la, lo = check_lat_lon(lat, lon)
    r = None if radius_m is None else check_radius(radius_m)
    return {"geometry": "point", "lat": la, "lon": lo, "radius_m": r, "area": None}
