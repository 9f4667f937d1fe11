"""Place names read on signs, looked up in the offline gazetteer, offered as clues.

Chinese signs write names without spaces ("深圳市南山区"), so every run of Han characters is
searched by its substrings (two to ten characters); GeoNames' alternate names carry the
Chinese names of Chinese cities and `resources/geo/places.csv` those of Shenzhen's districts.
Cyrillic and Latin script is searched by runs of one to three capitalised words. A longer
name beats a shorter one inside it ("南山区" over "南山"), a district whose city the sign also
names comes first, then the more populous place.

Accepting a clue records a hypothesis (method "signage_language", at the place, with the
place's default uncertainty) and links the sign's annotation to it as supporting evidence
(`forensics.ocr.evidence`: a read made without one gets a box labelled "signage").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from forensics.case import Case
from forensics.ocr.evidence import read_annotation
from forensics.ocr.models import OcrRead
from geoloc.hypotheses import HypothesisDraft, HypothesisService
from geoloc.placement import CITY_RADIUS_M, PLACE_RADIUS_M

if TYPE_CHECKING:
    from forensics.records.geoloc import Hypothesis
    from geoloc.gazetteer import OfflineGazetteer
    from geoloc.places import Place

_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")
_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*", re.UNICODE)
MAX_HAN = 10
"""The longest Chinese name searched (characters)."""
SIGN_LABEL = "signage"


@dataclass(frozen=True)
class PlaceClue:
    """A place a sign names, and the text that names it."""

    place: Place
    matched: str
    line: int
    start: int
    script: str
    """"Han", "Cyrillic" or "Latin"."""
    city_named: bool
    """The sign also names the city the place belongs to."""

    def explain(self) -> str:
        """One line for the analyst."""
        within = f" (the sign also names {self.place.parent})" if self.city_named else ""
        return f"'{self.matched}' names {self.place.address} ({self.place.kind}){within}"

    def to_json(self) -> dict[str, Any]:
        """As `pwb ocr --json` prints it."""
        return {
            "place": self.place.raw(),
            "address": self.place.address,
            "matched": self.matched,
            "line": self.line,
            "start": self.start,
            "script": self.script,
            "city_named": self.city_named,
            "explanation": self.explain(),
        }


def _script(text: str) -> str:
    if _HAN_RUN.search(text):
        return "Han"
    if re.search(r"[\u0400-\u04ff]", text):
        return "Cyrillic"
    return "Latin"


def _spans(line: str) -> list[tuple[int, str]]:
    """(offset, text) of every name-sized piece of a line worth looking up."""
    out: list[tuple[int, str]] = []
    for run in _HAN_RUN.finditer(line):
        text = run.group(0)
        for size in range(min(MAX_HAN, len(text)), 1, -1):
            for i in range(len(text) - size + 1):
                out.append((run.start() + i, text[i : i + size]))
    words = [
        w
        for w in _WORD.finditer(line)
        if len(w.group(0)) >= 3 and w.group(0)[0].isupper() and not _HAN_RUN.search(w.group(0))
    ]
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            group = words[i : i + n]
            out.append((group[0].start(), line[group[0].start() : group[-1].end()]))
    return out


def _lookup(gazetteer: OfflineGazetteer, piece: str) -> list[Place]:
    """Places named `piece`; a Chinese name written without its "区"/"市" (as street signs
    often do: "南山" for "南山区") is tried with each."""
    places = gazetteer.search(piece, limit=3)
    if _HAN_RUN.fullmatch(piece) and piece[-1] not in "区市":
        for suffix in "区市":
            places += [p for p in gazetteer.search(piece + suffix, limit=3) if p not in places]
    return places


def place_clues(text: str, gazetteer: OfflineGazetteer, *, limit: int = 5) -> list[PlaceClue]:
    """Places the text names, best first (see the module notes for the order)."""
    found: dict[str, tuple[Place, str, int, int]] = {}
    for number, line in enumerate(text.splitlines()):
        for start, piece in _spans(line):
            for place in _lookup(gazetteer, piece):
                known = found.get(place.key)
                if known is None or len(piece) > len(known[1]):
                    found[place.key] = (place, piece, number, start)
    if not found:
        return []
    # A piece inside a longer matched piece of the same line names nothing of its own
    # ("宝安" inside "宝安区" is not also Shenzhen).
    spans = [(number, start, start + len(piece)) for _, piece, number, start in found.values()]
    kept = [
        (place, piece, number, start)
        for place, piece, number, start in found.values()
        if not any(
            line == number and s <= start and start + len(piece) <= e and e - s > len(piece)
            for line, s, e in spans
        )
    ]
    named = {p.name.casefold() for p, *_ in kept if p.kind == "city"}
    clues = [
        PlaceClue(
            place,
            piece,
            number,
            start,
            _script(piece),
            bool(place.parent and place.parent.casefold() in named),
        )
        for place, piece, number, start in kept
    ]
    clues.sort(
        key=lambda c: (
            not c.city_named,
            -len(c.matched),
            c.place.kind == "city",
            -c.place.population,
        )
    )
    return clues[:limit]


def accept_place_clue(
    case: Case,
    read: OcrRead,
    clue: PlaceClue,
    *,
    actor: str | None = None,
    reason: str | None = None,
) -> Hypothesis:
    """Record the clue as a hypothesis supported by the sign's annotation."""
    place = clue.place
    with case.transaction():
        annotation_id = read_annotation(case, read, SIGN_LABEL, actor=actor)
        service = HypothesisService(case)
        hypothesis = service.add(
            HypothesisDraft(
                item_id=read.item_id,
                methods=("signage_language",),
                lat=place.lat,
                lon=place.lon,
                radius_m=CITY_RADIUS_M if place.kind == "city" else PLACE_RADIUS_M,
                place_name=place.address,
                notes=f"sign reads '{clue.matched}' ({read.engine_version}, read {read.id})",
                frame_start=read.frame_index if read.frame_index >= 0 else None,
                frame_end=read.frame_index if read.frame_index >= 0 else None,
            ),
            actor=actor,
            reason=reason,
        )
        service.link(
            hypothesis.id,
            stance="supporting",
            kind="annotation",
            target_id=annotation_id,
            clue=f"sign: {clue.matched}",
            note=clue.explain(),
            actor=actor,
            reason=reason,
        )
    return hypothesis
