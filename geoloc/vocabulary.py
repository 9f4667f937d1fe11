"""The closed vocabularies of hypotheses, accepted in the spellings analysts type.

"visual landmark", "visual-landmark" and "visual_landmark" are one method; "Strong
possibility" is one confidence. Anything else is refused with the list of what is allowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from forensics.errors import ValidationError
from forensics.records.geoloc import METHODS


def choice(value: str, allowed: Sequence[str], label: str) -> str:
    """The allowed option `value` names.

    Raises:
        ValidationError: it names none of them.
    """
    text = " ".join(str(value).strip().lower().replace("-", " ").replace("_", " ").split())
    for option in allowed:
        if text == option.replace("_", " "):
            return option
    raise ValidationError(f"{label} {value!r} is not one of: {', '.join(allowed)}")


def normalize_methods(methods: Sequence[str] | str) -> tuple[str, ...]:
    """Method names as stored ("visual landmark" -> "visual_landmark"), at least one.

    Raises:
        ValidationError: no method, or one not in `METHODS`.
    """
    items = [methods] if isinstance(methods, str) else list(methods)
    out: list[str] = []
    for m in items:
        name = choice(m, METHODS, "method")
        if name not in out:
            out.append(name)
    if not out:
        raise ValidationError(f"a hypothesis needs a method ({', '.join(METHODS)})")
    return tuple(out)


def frame_range(start: Any, end: Any) -> tuple[int | None, int | None]:
    """A validated (first, last) frame index pair; (None, None) for the whole item.

    Raises:
        ValidationError: not whole numbers, negative, or last before first.
    """
    if start is None and end is None:
        return None, None
    if start is None:
        raise ValidationError("a frame range needs a first frame")
    try:
        s = int(start)
        e = int(end) if end is not None else None
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"frame numbers must be whole numbers ({exc})") from exc
    if s < 0 or (e is not None and e < s):
        raise ValidationError(f"frame range {s}-{e} is not a range of frame indexes")
    return s, e
