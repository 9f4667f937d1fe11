"""The viewer's "go to" field: a frame index or a time, as an examiner types them.

"120" is frame 120; "01:02.500", "1:02:03" or "62.5s" are times (the frame shown at that time
is found by the decoder from the video's own timestamps, so a variable frame rate is honoured).
"""

from __future__ import annotations

import re
from typing import NamedTuple

_TIME = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$")
_SECONDS = re.compile(r"^(\d+(?:\.\d+)?)\s*s?$")


class Position(NamedTuple):
    """Where to go: a frame index, or a time in seconds (exactly one is set)."""

    frame: int | None = None
    seconds: float | None = None


def parse_position(text: str) -> Position:
    """Read a frame index or a time.

    Raises:
        ValueError: the text is neither (the message quotes it and says what is expected).
    """
    value = text.strip()
    if value.isdigit():
        return Position(frame=int(value))
    match = _TIME.match(value)
    if match is not None:
        hours, minutes, seconds = match.groups()
        if int(minutes) >= 60 and hours is not None:
            raise ValueError(f"{value!r}: minutes past 59")
        total = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
        if float(seconds) >= 60:
            raise ValueError(f"{value!r}: seconds past 59")
        return Position(seconds=total)
    match = _SECONDS.match(value)
    if match is not None and ("." in value or value.endswith("s")):
        return Position(seconds=float(match.group(1)))
    raise ValueError(
        f"{value!r} is not a frame or a time: type a frame index (120) or a time "
        "(01:02.500, 1:02:03 or 62.5s)"
    )
