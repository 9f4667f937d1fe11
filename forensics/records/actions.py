"""Every custody action the workbench writes, and the phrase a person reads for it.

Each feature declares its actions once, code and phrase together, in its own
`CustodyActionEnum` (`forensics.records.core`, `geoloc`, `provenance`, `merges`, `ocr`,
`comments`); this module only lists those enums, explicitly (no registry filled by an
import's side effect), so a report, a log view or a summary turns a stored code into words
without a second list.
A code no enum declares (written by a newer version, or by another team's) is shown as its
words, never dropped: the log is evidence, and an unknown entry must still be seen.
"""

from __future__ import annotations

from forensics.records.comments import CommentAction
from forensics.records.core import CustodyAction
from forensics.records.declare import CustodyActionEnum
from forensics.records.geoloc import GeoAction
from forensics.records.merges import MergeAction
from forensics.records.ocr import OcrAction
from forensics.records.provenance import ProvenanceAction

ACTION_ENUMS: tuple[type[CustodyActionEnum], ...] = (
    CustodyAction,
    GeoAction,
    ProvenanceAction,
    MergeAction,
    OcrAction,
    CommentAction,
)
"""The enums declaring custody actions; a feature with actions of its own adds its enum."""


def _phrases() -> dict[str, str]:
    phrases: dict[str, str] = {}
    for enum_cls in ACTION_ENUMS:
        for member in enum_cls:
            if member.value in phrases:
                raise ValueError(f"custody action {member.value!r} is declared twice")
            phrases[member.value] = member.phrase
    return phrases


PHRASES: dict[str, str] = _phrases()
"""Stored action code -> the phrase a person reads."""


def phrase(code: str) -> str:
    """The words for a stored custody action ("ingested" -> "file ingested (copied and
    hashed)"); an undeclared code becomes its words ("some_new_thing" -> "some new thing")."""
    found = PHRASES.get(code)
    if found is not None:
        return found
    return " ".join(code.replace("_", " ").split()) or "(no action named)"


def declared(code: str) -> bool:
    """True when some feature of this version declares the action."""
    return code in PHRASES
