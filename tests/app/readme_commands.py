"""Reading the `pwb` commands out of README.md's code blocks, alternatives expanded.

README writes commands for people: `[--item ID]` is optional, `coco|cvat-video|mot|png` and
`--index 120 | --at 4.8` are choices, `; pwb claim add ...` chains a second command, `<video
id>` and CASE are for the reader to fill in. This module turns each line into every concrete
variant it stands for, placeholders still in, so a test can fill them from a real case and run
each one. A command added to README is then tested without anyone listing it.
"""

from __future__ import annotations

import itertools
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PROMPT = ".venv/bin/pwb"
ELIDED = "..."
"""README's "the rest of the arguments" (`pwb source add CASE ...`)."""


@dataclass(frozen=True)
class ReadmeCommand:
    """One concrete command README shows: the words after `pwb`, placeholders unfilled."""

    line: str
    """The README line it came from, continuation lines joined."""
    words: tuple[str, ...]

    @property
    def id(self) -> str:
        """A readable test id: the words as README writes them."""
        return " ".join(self.words)


def _code_blocks(text: str) -> Iterator[list[str]]:
    lines: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("```"):
            if lines is not None:
                yield lines
            lines = [] if lines is None else None
        elif lines is not None:
            lines.append(line)


def _logical_lines(block: list[str]) -> Iterator[str]:
    pending = ""
    for line in block:
        stripped = line.rstrip()
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
        else:
            yield (pending + line).strip()
            pending = ""


def _segments(line: str) -> Iterator[list[str]]:
    """The commands of one line: its words split at `;`, `pwb` or the prompt dropped.

    `<drone id>` becomes one word (`<drone_id>`) so that shell-style splitting keeps it whole.
    """
    text = re.sub(r"<([^>]+)>", lambda m: "<" + m.group(1).replace(" ", "_") + ">", line)
    segment: list[str] = []
    for word in [*shlex.split(text, comments=True), ";"]:
        if word != ";":
            segment.append(word)
            continue
        if segment and segment[0] in (PROMPT, "pwb"):
            segment = segment[1:]
        if segment:
            yield segment
        segment = []


def _variants(words: list[str]) -> Iterator[list[str]]:
    """Every concrete command `words` stands for.

    A bare `|` separates choices that each start at an option (`--index 120 | --at 4.8`);
    each `[...]` group is left out once and put in once (one at a time, not every
    combination); a word `a|b|c` is each of its choices.
    """
    if "|" in words:
        first = words.index("|")
        start = max(i for i in range(first) if words[i].startswith("-"))
        head, choices, current = words[:start], [], []
        for word in words[start:]:
            if word == "|":
                choices.append(current)
                current = []
            else:
                current.append(word)
        choices.append(current)
        for choice in choices:
            yield from _variants(head + choice)
        return
    groups: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        if words[i].startswith("["):
            end = next(j for j in range(i, len(words)) if words[j].endswith("]"))
            groups.append((i, end))
            i = end + 1
        else:
            i += 1
    if groups:
        for keep in (None, *range(len(groups))):
            out: list[str] = []
            at = 0
            for n, (a, b) in enumerate(groups):
                out += words[at:a]
                if n == keep:
                    out += [w.strip("[]") for w in words[a : b + 1]]
                at = b + 1
            yield from _variants(out + words[at:])
        return
    options = [w.split("|") if "|" in w and not w.startswith("-") else [w] for w in words]
    for combination in itertools.product(*options):
        yield list(combination)


def readme_commands(readme: Path) -> list[ReadmeCommand]:
    """Every distinct concrete `pwb` command in `readme`'s code blocks, in README order."""
    found: dict[tuple[str, ...], ReadmeCommand] = {}
    for block in _code_blocks(readme.read_text(encoding="utf-8")):
        for line in _logical_lines(block):
            if not line.startswith(PROMPT + " "):
                continue
            for segment in _segments(line):
                for words in _variants(segment):
                    found.setdefault(tuple(words), ReadmeCommand(line, tuple(words)))
    return list(found.values())
