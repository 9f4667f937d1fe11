"""Redaction profiles: coarsen or drop what the recipient of an archive must not see.

- `locations`: latitudes and longitudes are rounded to 0.1 degree (about 11 km), altitudes
  dropped, and GPS blocks, location atoms and place names removed from metadata;
- `people`: every examiner, analyst or actor name becomes "Person 1", "Person 2"... wherever it
  appears as a whole value (records, case facts, custody entries);
- `none`: nothing changes.

The rules work on column and key names, so records of every feature are covered without the
feature declaring anything. Evidence files are shipped byte for byte: a picture keeps the GPS
in its own EXIF block, which is why the summary lists the items whose metadata held a position.
Free text (notes) is not rewritten beyond exact names; the summary says so.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from forensics.store import exchange as sx

if TYPE_CHECKING:
    from forensics.store.database import Database

PROFILES = ("none", "locations", "people")
COORD_DECIMALS = 1

_LATLON = re.compile(
    r"(?i)^(lat|latitude|lon|lng|long|longitude|.*_lat|.*_lon|.*_lng|"
    r"lat_.*|lon_.*|.*latitude|.*longitude)$"
)
_ALT = re.compile(r"(?i)^(alt|altitude|elevation|.*_alt|.*altitude)$")
_DROP = re.compile(r"(?i)(gps|iso6709|©xyz|xyz|loci|location|place|address|geocode)")
_COORDS = re.compile(r"(?i)^(coordinates|coords|geometry|bbox|point|polygon|track|area|outline)$")
_PERSON = re.compile(
    r"(?i)^(actor|examiner|analyst|author|performer|packed_by|resolved_by|"
    r".*_by|investigator|owner)$"
)


@dataclass
class Redactor:
    """Applies one profile to rows and JSON values, counting what it changed."""

    profile: str
    pseudonyms: dict[str, str] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    positions_in_items: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(
                f"unknown redaction profile {self.profile!r}; choose one of {', '.join(PROFILES)}"
            )

    @property
    def active(self) -> bool:
        """True when the profile changes anything."""
        return self.profile != "none"

    # people ---------------------------------------------------------------------------
    def learn_names(self, db: Database) -> None:
        """Collect every person's name from person-like columns and custody actors."""
        if self.profile != "people":
            return
        names: list[str] = []
        for entry in sx.custody_rows(db):
            names.append(entry["actor"])
        info = sx.case_info(db)
        if info.get("examiner"):
            names.append(info["examiner"])
        for table in sx.data_tables(db):
            for row in sx.rows(db, table):
                for key, value in row.items():
                    if _PERSON.match(key) and isinstance(value, str) and value.strip():
                        names.append(value)
        for name in names:
            if name not in self.pseudonyms:
                self.pseudonyms[name] = f"Person {len(self.pseudonyms) + 1}"

    def person(self, name: str) -> str:
        """A name as the recipient sees it."""
        return self.pseudonyms.get(name, name) if self.profile == "people" else name

    # values ---------------------------------------------------------------------------
    def value(self, key: str, value: Any) -> tuple[Any, bool]:
        """Redact one value found under `key`; returns the new value and whether it changed.

        A value `_DROP` marks is returned as the sentinel `_REMOVE` so a caller in a JSON
        object removes the key, and a column becomes NULL.
        """
        if self.profile == "locations":
            if (
                _LATLON.match(key)
                and isinstance(value, int | float)
                and not isinstance(value, bool)
            ):
                new = round(float(value), COORD_DECIMALS)
                return new, new != value
            if _ALT.match(key) and value is not None and not isinstance(value, dict | list):
                return None, True
            if _COORDS.match(key) and isinstance(value, list | dict):
                new_value = self._round_numbers(value)
                return new_value, new_value != value
            if _DROP.search(key) and value is not None:
                return _REMOVE, True
        if self.profile == "people" and isinstance(value, str) and value in self.pseudonyms:
            return self.pseudonyms[value], True
        if isinstance(value, dict | list):
            new_value = self.walk(value)
            return new_value, new_value != value
        if isinstance(value, str) and value[:1] in "[{":
            try:
                parsed = json.loads(value)
            except ValueError:
                return value, False
            if isinstance(parsed, dict | list):
                walked = self.walk(parsed)
                if walked != parsed:
                    return json.dumps(walked, ensure_ascii=False, sort_keys=True), True
        return value, False

    def walk(self, value: Any) -> Any:
        """Redact a JSON value recursively."""
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key, sub in value.items():
                new, _ = self.value(str(key), sub)
                if new is not _REMOVE:
                    out[key] = new
            return out
        if isinstance(value, list):
            return [
                self.walk(v) if isinstance(v, dict | list) else self.value("", v)[0] for v in value
            ]
        return self.value("", value)[0]

    def _round_numbers(self, value: Any) -> Any:
        if isinstance(value, float):
            return round(value, COORD_DECIMALS)
        if isinstance(value, list):
            return [self._round_numbers(v) for v in value]
        if isinstance(value, dict):
            return {k: self._round_numbers(v) for k, v in value.items()}
        return value

    def row(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        """The columns of one row that change (column -> new value)."""
        changes: dict[str, Any] = {}
        for key, value in row.items():
            if key in ("id", "_rowid_") or (key.endswith("_id") and self.profile != "people"):
                continue
            new, changed = self.value(key, value)
            if changed:
                if new is _REMOVE:
                    new = "[redacted]" if isinstance(value, str) else None
                changes[key] = new
        if changes:
            self.changed[table] = self.changed.get(table, 0) + 1
            if self.profile == "locations" and table == "items":
                self.positions_in_items.add(str(row["id"]))
        return changes

    # the snapshot ---------------------------------------------------------------------
    def apply(self, db: Database) -> None:
        """Redact every data table and the case facts of a snapshot (inside a transaction)."""
        if not self.active:
            return
        for table in sx.data_tables(db):
            keyed = sx.has_uuid_id(db, table)
            for row in list(sx.rows(db, table)):
                changes = self.row(table, row)
                if not changes:
                    continue
                if keyed:
                    sx.update_row(db, table, str(row["id"]), changes)
                else:
                    sx.update_rowid(db, table, int(row["_rowid_"]), changes)
                item_id = row.get("item_id")
                if self.profile == "locations" and isinstance(item_id, str):
                    self.positions_in_items.add(item_id)
        if self.profile == "people":
            info = sx.case_info(db)
            if info.get("examiner"):
                sx.set_case_info(db, "examiner", self.person(info["examiner"]))

    def summary(self) -> dict[str, Any]:
        """What the manifest and the custody log record about this redaction."""
        out: dict[str, Any] = {"profile": self.profile}
        if not self.active:
            return out
        out["rows_changed"] = dict(sorted(self.changed.items()))
        if self.profile == "locations":
            out["rule"] = (
                f"coordinates rounded to {COORD_DECIMALS} decimal place(s), "
                "altitudes dropped, GPS/location/place fields removed"
            )
            out["caveat"] = (
                "evidence files are byte-exact copies: positions embedded in them "
                "(EXIF GPS, video location atoms) are not removed"
            )
            out["items_with_positions"] = sorted(self.positions_in_items)
        else:
            out["rule"] = "names of examiners, analysts and actors replaced by pseudonyms"
            out["pseudonyms"] = len(self.pseudonyms)
            out["caveat"] = "free text (notes, reasons) is not rewritten beyond exact names"
        return out


class _Remove:
    def __repr__(self) -> str:
        return "<removed>"


_REMOVE: Any = _Remove()
