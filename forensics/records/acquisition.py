"""The acquisition record an E01 carries, as kept on its image item (attribute `ewf`).

Declared here, below every reader: `intake.ewf_check` writes it at expansion, `verify` turns a
failed check into a finding at every run, `pwb show` and the details panel show it.
"""

from __future__ import annotations

from typing import Any

EWF_ATTR = "ewf"
"""The image item's attribute holding the acquisition record and the integrity check."""

LABELS = {
    "examiner": "Examiner",
    "case_number": "Case number",
    "evidence_number": "Evidence number",
    "description": "Description",
    "notes": "Notes",
    "acquired": "Acquired (as written)",
    "tool": "Acquired with",
    "media_size": "Media size (bytes)",
    "stored_md5": "MD5 stored at acquisition",
    "media_md5": "MD5 of the media as read",
    "stored_sha1": "SHA-1 stored at acquisition",
    "media_sha1": "SHA-1 of the media as read",
    "verified": "Stored hashes match",
}
"""How `pwb show` and the details panel name each field of the record, in their order."""


def acquisition_of(attributes: dict[str, Any]) -> dict[str, Any] | None:
    """The acquisition record kept on an image item, or None (not an E01, or not expanded)."""
    found = attributes.get(EWF_ATTR)
    return found if isinstance(found, dict) else None


def display(value: Any) -> str:
    """A field of the record in words, for `pwb show` and the details panel."""
    if value is True:
        return "yes"
    if value is False:
        return "NO: the media does not match the hashes stored at acquisition"
    if isinstance(value, dict):
        return " ".join(str(v) for v in (value.get("name"), value.get("version")) if v)
    return str(value)
