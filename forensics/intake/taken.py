"""What one ingest has taken so far, for the two questions asked of it: is an input the
walk reaches one that an earlier input took with it (a later segment of an E01 set, taken
with its first segment), and was a first segment's sibling already ingested on its own?

An ingest kept every path it ingested in a set to answer them: on a card of 100,000 photos
that was 0.2 KB a file of memory growing to the end (`bench/card.py --memory`), to answer a
question asked once per E01 set. One input path is walked once, in order, each path listed
once: only the segments taken with a first segment need keeping, and which inputs came
before a first segment is read from the walk's entries when a set is met (rarely). Several
input paths may overlap (a file given alone and inside a given folder), so then every path
is kept, as before.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from forensics.intake.walk import Entry


class Taken:
    """The paths one ingest has taken (absolute, bytes).

    Args:
        entries: the walk of the ingest's inputs, in the order they are ingested.
        several: the ingest was given more than one input path (they may overlap).
    """

    def __init__(self, entries: Sequence[Entry], several: bool) -> None:
        self._entries = entries
        self._several = several
        self._paths: set[bytes] = set()
        """Segments taken with their first; with several inputs, every path ingested."""
        self._position = 0
        self._earlier: set[bytes] | None = None
        """The files walked before `_position`, made when a first segment asks."""

    def reach(self, index: int) -> None:
        """The ingest is at `entries[index]` (what came before it was ingested)."""
        self._position = index
        self._earlier = None

    def by_earlier(self, where: bytes) -> bool:
        """Whether the walk's `where` was already taken by an earlier input (skip it)."""
        return where in self._paths

    def add_input(self, where: bytes) -> None:
        """An input file the walk reached is being ingested."""
        if self._several:
            self._paths.add(where)

    def ingested(self, where: bytes) -> bool:
        """Whether `where` was ingested already in this run: taken with a first segment, or
        a file the walk reached before the current input."""
        if where in self._paths:
            return True
        if self._several:
            return False  # every input ingested is in `_paths`
        if self._earlier is None:
            self._earlier = {
                os.path.abspath(e.path) for e in self._entries[: self._position] if e.kind == "file"
            }
        return where in self._earlier

    def add_segment(self, where: bytes) -> None:
        """A segment file taken with its set's first segment (the walk skips it later)."""
        self._paths.add(where)
