"""Reading what an examiner types in the viewer's "go to" field."""

from __future__ import annotations

import pytest

from ui.viewer.goto import Position, parse_position


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("120", Position(frame=120)),
        (" 0 ", Position(frame=0)),
        ("01:02.500", Position(seconds=62.5)),
        ("1:02:03", Position(seconds=3723.0)),
        ("62.5s", Position(seconds=62.5)),
        ("3s", Position(seconds=3.0)),
        ("0.04", Position(seconds=0.04)),
    ],
)
def test_frames_and_times(text: str, expected: Position) -> None:
    assert parse_position(text) == expected


@pytest.mark.parametrize("text", ["", "-3", "abc", "1:75", "1:2:3:4", "12 frames", "1:60:00"])
def test_anything_else_is_refused_with_what_to_type(text: str) -> None:
    with pytest.raises(ValueError, match=r"frame|past"):
        parse_position(text)
