"""What "`--json` is typed" means, as one check every CLI test can apply to a document.

Numbers are numbers, booleans booleans, unknown is null and our own times are ISO 8601 UTC:
so a string that reads as a display form ("8", "12.5 m", "yes", "") is a defect, except where
the value really is text that happens to look like a number (a serial number, a GeoNames admin
code, a year of publication, an EXIF tag as the file spells it).
"""

from __future__ import annotations

import re
from typing import Any

_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?\s*(%|m|s|km|px|°|m/s|fps|bytes)?$")
_DISPLAY_WORDS = {"yes", "no", "true", "false", "none", "null", "unknown", "n/a", "?", ""}
_DATE = re.compile(r"^\d{4}(-\d\d(-\d\d)?)?$")
"""An ISO 8601 calendar date, to the precision a source gives ("2025", "2023-02")."""
_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")

TEXT_KEYS = frozenset(
    {
        "serial",
        "body_serial",
        "lens_serial",
        "internal_serial",
        "serials",
        "admin1",
        "admin2",
        "published",
        "part_number",
        "marking",
        "exhibit",
        "name",
        "title",
        "label",
        "clue",
        "query",
        "prev_hash",
        "hash",
        "raw",
        "matched_text",
        "version",
        "extractor_version",
        "carver_version",
        "profile",
        # Text read off an image (a date code "2236"), and the characters a maker suggestion
        # had to assume ("0" read as "O").
        "text",
        "read_text",
        "matched",
        "read",
        "assumed",
        # What the examiner typed into an E01's acquisition record.
        "case_number",
        "evidence_number",
        "description",
        "notes",
        "examiner",
    }
)
"""Keys whose values are text even when every character is a digit."""

TEXT_MAPS = frozenset({"decoders"})
"""Keys of mappings whose every value is text: component -> version ("24.12" is MediaInfoLib's
version, not a number)."""

VERBATIM_GROUPS = frozenset({"exif", "makernote"})
"""Fact groups that keep each tag as the file (and exifread) spells it."""

OUR_TIME_KEYS = frozenset({"created_at", "updated_at", "when_utc", "packed_at", "merged_at"})
"""Times the workbench itself writes: always ISO 8601 UTC with a Z."""


def display_strings(document: Any, path: str = "$") -> list[str]:
    """Every place in `document` where a value is a display string instead of a typed value.

    Args:
        document: a parsed `--json` document.
        path: where `document` sits (for the messages).

    Returns:
        One "path: value" line per offence; empty when the document is typed.
    """
    found: list[str] = []
    if isinstance(document, dict):
        named = document.get("key")
        if isinstance(named, str) and named.split(".")[0] in VERBATIM_GROUPS:
            return found  # a display group of verbatim tags, or one of its fields
        for key, value in document.items():
            key = str(key)
            if key == "value" and isinstance(named, str):
                key = named.rsplit(".", 1)[-1]  # {"key": "camera.body_serial", "value": ...}
            if key in VERBATIM_GROUPS and isinstance(value, dict):
                continue
            if key in OUR_TIME_KEYS and value is not None:
                if not (isinstance(value, str) and _UTC.match(value)):
                    found.append(f"{path}.{key}: {value!r} is not an ISO 8601 UTC time")
                continue
            if key in TEXT_KEYS and isinstance(value, str):
                continue
            if key in TEXT_MAPS and isinstance(value, dict):
                found.extend(
                    f"{path}.{key}.{k}: {v!r} is not text"
                    for k, v in value.items()
                    if not isinstance(v, str)
                )
                continue
            found.extend(display_strings(value, f"{path}.{key}"))
    elif isinstance(document, list):
        for i, value in enumerate(document):
            found.extend(display_strings(value, f"{path}[{i}]"))
    elif (
        isinstance(document, str)
        and not _DATE.match(document)
        and (document.strip().lower() in _DISPLAY_WORDS or _NUMBER.match(document.strip()))
    ):
        found.append(f"{path}: {document!r} is a display string")
    return found
