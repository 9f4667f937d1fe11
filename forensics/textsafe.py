"""Showing hostile names safely while keeping their exact bytes.

File names from seized media may hold newlines, bidi overrides or bytes that are not UTF-8.
The exact bytes are stored (as BLOBs); everything shown to a person or written to JSON goes
through `escape_name`, which is reversible enough to identify the file and can never break a
line-oriented log, a terminal or a JSON encoder.
"""

from __future__ import annotations

import os
import unicodedata

_BIDI_AND_INVISIBLE = {
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200b",
    "\u200c",
    "\u200d",
    "\ufeff",
}


def to_bytes(path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> bytes:
    """Return the exact file-system bytes of a path (surrogate escapes undone)."""
    return os.fsencode(path)


def escape_name(raw: str | bytes) -> str:
    """Return a printable, single-line rendering of a file name or path.

    Invalid UTF-8 bytes become `\\xNN`, control and bidi characters become `\\uNNNN`
    (newline as `\\n`), and a backslash is doubled so the rendering is unambiguous.

    Args:
        raw: the name as bytes, or as a `str` that may hold surrogate escapes.

    Returns:
        A string that is safe to print, log and encode as strict UTF-8.
    """
    data = raw if isinstance(raw, bytes) else os.fsencode(raw)
    text = data.decode("utf-8", errors="surrogateescape")
    if text.isascii() and text.isprintable() and "\\" not in text:
        return text  # the common case, ten times faster than the loop (a card has thousands)
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch in _BIDI_AND_INVISIBLE or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co"):
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)
