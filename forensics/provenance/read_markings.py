"""Manufacturer suggestions from a marking read off an image, tolerant of OCR's confusions.

OCR misreads look-alike characters: 0/O, 1/I/l, 5/S, 8/B, 2/Z. Each pattern of the marking
catalogue is rewritten once into a tolerant form where a character (or a class of them)
accepts its look-alikes; a tolerant match is then settled against the exact pattern with the
fewest characters changed, and those changes are the suggestion's assumptions ("read 'O',
assumed '0'"). Lines are joined with a space (part number and date code on separate lines
stay separate tokens); when a pattern only matches with a line break removed, that is an
assumption too. Suggestions needing fewer assumptions come first.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from forensics.provenance.markings import (
    PART_FAMILY,
    PartPattern,
    Suggestion,
    load_patterns,
    normalise_marking,
    reference_manufacturers,
)

CONFUSABLE: tuple[str, ...] = ("0O", "1IL|", "5S$", "8B", "2Z")
"""Groups of characters OCR mistakes for one another (compared case-insensitively); "$" for
"S" is Tesseract's usual misreading of an S on a low-contrast package."""
MAX_ASSUMED = 4
"""A match needing more changed characters than this is not offered."""
LINE_BREAK = "line break"

_GROUP: dict[str, str] = {c: g for g in CONFUSABLE for c in g}
_WORDLIKE = str.maketrans({"$": "S", "|": "I"})


@dataclass(frozen=True)
class Assumption:
    """One character the suggestion had to assume, or a line break it had to remove."""

    position: int
    """Offset in the text as read (lines joined by a space)."""
    read: str
    assumed: str

    def describe(self) -> str:
        """ "read 'O' as '0'" or "joined the lines"."""
        if self.assumed == LINE_BREAK:
            return "joined two lines"
        return f"read '{self.read}' as '{self.assumed}'"


@dataclass(frozen=True)
class ReadSuggestion:
    """A manufacturer suggestion for text read off an image, with what it assumed."""

    suggestion: Suggestion
    read_text: str
    """The characters as OCR gave them, where the pattern matched."""
    assumed: tuple[Assumption, ...]

    @property
    def manufacturer(self) -> str:
        """The suggested manufacturer."""
        return self.suggestion.manufacturer

    def explain(self) -> str:
        """One line: the pattern, what matched, and what had to be assumed."""
        s = self.suggestion
        text = f"{s.manufacturer}: '{self.read_text}' matches {s.pattern_id} ({s.pattern})"
        if self.assumed:
            text += "; assumed " + ", ".join(a.describe() for a in self.assumed)
        return text

    def to_json(self) -> dict[str, Any]:
        """As `pwb ocr --json` prints it."""
        return {
            **self.suggestion.to_json(),
            "read_text": self.read_text,
            "assumed": [
                {"position": a.position, "read": a.read, "assumed": a.assumed} for a in self.assumed
            ],
            "explanation": self.explain(),
        }


def _expand_class(body: str) -> str:
    """A character class body with the look-alikes of every member it accepts."""
    test = re.compile(f"[{body}]", re.IGNORECASE)
    extra = {c for g in CONFUSABLE if any(test.fullmatch(m) for m in g) for c in g}
    return body + "".join(re.escape(c) for c in sorted(extra) if not test.fullmatch(c))


def tolerant_regex(regex: str) -> str:
    """The pattern with every confusable literal, class and `\\d` accepting look-alikes.

    Handles the regular-expression subset the catalogue uses: literals, escapes, classes,
    groups, alternation and quantifiers (`{m,n}` copied as is).
    """
    out: list[str] = []
    i = 0
    while i < len(regex):
        c = regex[i]
        if c == "\\" and i + 1 < len(regex):
            nxt = regex[i + 1]
            if nxt == "d":
                out.append("[" + _expand_class("0-9") + "]")
            elif not nxt.isalnum() and nxt in _GROUP:
                out.append("[" + _expand_class(re.escape(nxt)) + "]")
            else:
                out.append(regex[i : i + 2])
            i += 2
        elif c == "[":
            end = regex.index("]", i + 1 + (regex[i + 1] == "]"))
            body = regex[i + 1 : end]
            out.append("[" + (body if body.startswith("^") else _expand_class(body)) + "]")
            i = end + 1
        elif c == "{":
            end = regex.index("}", i)
            out.append(regex[i : end + 1])
            i = end + 1
        elif c == "(" and regex.startswith("(?", i):
            # (?: (?= (?! (?<= (?<! : copy the group opener without touching its letters.
            m = re.match(r"\(\?(?:<[=!]|[:=!])", regex[i:])
            step = len(m.group(0)) if m else 2
            out.append(regex[i : i + step])
            i += step
        elif c.isalnum() and c.upper() in _GROUP:
            # Unescaped "|" and "$" are alternation and an anchor, not look-alikes.
            out.append("[" + _expand_class(re.escape(c)) + "]")
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


@cache
def _tolerant(regex: str) -> re.Pattern[str]:
    return re.compile(tolerant_regex(regex), re.IGNORECASE)


@cache
def _strict(regex: str) -> re.Pattern[str]:
    return re.compile(regex, re.IGNORECASE)


def _settle(regex: str, text: str) -> tuple[str, tuple[tuple[int, str, str], ...]] | None:
    """The fewest look-alike changes that make `text` match the exact pattern whole."""
    strict = _strict(regex)
    spots = [i for i, c in enumerate(text) if c.upper() in _GROUP]
    for count in range(0, min(MAX_ASSUMED, len(spots)) + 1):
        for chosen in itertools.combinations(spots, count):
            options = [[a for a in _GROUP[text[i].upper()] if a != text[i].upper()] for i in chosen]
            for picks in itertools.product(*options):
                chars = list(text)
                for i, a in zip(chosen, picks, strict=True):
                    chars[i] = a
                fixed = "".join(chars)
                if strict.fullmatch(fixed):
                    changes = tuple((i, text[i], a) for i, a in zip(chosen, picks, strict=True))
                    return fixed, changes
    return None


def _candidates(lines: list[str]) -> list[tuple[str, tuple[int, ...]]]:
    """The text to search: lines joined by spaces; then, for each line break, the same with
    that break removed (with its offset, an assumption of the suggestions it yields)."""
    out: list[tuple[str, tuple[int, ...]]] = [(" ".join(lines), ())]
    for k in range(1, len(lines)):
        head = " ".join(lines[:k])
        out.append((head + " ".join(lines[k:]), (len(head),)))
    return out


def suggest_from_read(
    text: str, patterns: tuple[PartPattern, ...] | None = None
) -> list[ReadSuggestion]:
    """Manufacturer suggestions for OCR text, fewest assumptions first.

    Args:
        text: the text as read (several lines allowed).
        patterns: a catalogue; the shipped one when None.

    Returns:
        At most one suggestion per pattern (the one needing fewest assumptions), ordered by
        assumptions, then part families before brand names, then position in the text.
    """
    lines = [normalise_marking(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    refs = reference_manufacturers()
    best: dict[str, tuple[int, ReadSuggestion]] = {}
    for read, breaks in _candidates(lines):
        # "$" and "|" are not word characters: "\b" would not see "$X1276" start a word.
        candidate = read.translate(_WORDLIKE)
        for pattern in patterns if patterns is not None else load_patterns():
            for match in _tolerant(pattern.regex).finditer(candidate):
                settled = _settle(pattern.regex, match.group(0))
                if settled is None:
                    continue
                fixed, changes = settled
                changed = {i for i, _, _ in changes}
                assumed = tuple(
                    sorted(
                        [
                            Assumption(match.start() + i, read[match.start() + i], new)
                            for i, _, new in changes
                        ]
                        + [
                            Assumption(i, read[i], fixed[i - match.start()])
                            for i in range(match.start(), match.end())
                            if read[i] != candidate[i] and i - match.start() not in changed
                        ],
                        key=lambda a: a.position,
                    )
                ) + tuple(Assumption(b, "", LINE_BREAK) for b in breaks)
                cost = len(assumed)
                known = best.get(pattern.pattern_id)
                if known is not None and known[0] <= cost:
                    continue
                ref = refs.get(pattern.manufacturer.casefold())
                suggestion = Suggestion(
                    pattern.pattern_id,
                    pattern.regex,
                    pattern.manufacturer,
                    pattern.kind,
                    fixed,
                    match.start(),
                    match.end(),
                    pattern.family,
                    pattern.function,
                    pattern.note,
                    ref.country_code if ref else None,
                )
                best[pattern.pattern_id] = (
                    cost,
                    ReadSuggestion(suggestion, read[match.start() : match.end()], assumed),
                )
    ranked = sorted(
        (s for _, s in best.values()),
        key=lambda s: (len(s.assumed), s.suggestion.kind != PART_FAMILY, s.suggestion.start),
    )
    return ranked
