"""Showing hostile text safely: `shown` for everything displayed, `escape_name` for file names.

File names from seized media may hold newlines, bidi overrides or bytes that are not UTF-8.
The exact bytes are stored (as BLOBs); everything shown to a person or written to JSON goes
through `escape_name`, which is reversible enough to identify the file and can never break a
line-oriented log, a terminal or a JSON encoder.

Any other text from a case (a title, a packer, a reason, a signer's claimed name, a custody
actor), ours or received in an archive, is shown through `shown` wherever it is shown: terminal,
GUI, HTML and PDF report, CSV. It makes control characters (so ANSI escapes, whose ESC becomes
`\u001b`), line breaks and bidirectional overrides visible, so no value can hide, reorder or
forge a line such as "signed by ...". The CLI's output layer applies it to every line as a last
defence.
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


def _visible(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    if ch == "\n":
        return "\\n"
    if ch == "\r":
        return "\\r"
    if ch == "\t":
        return "\\t"
    if ch in _BIDI_AND_INVISIBLE or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co"):
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return ch


def shown(value: object) -> str:
    """The one rendering of case text for a person to read, on one line.

    Control characters (ANSI escapes included), line breaks and bidi or invisible characters
    become visible `\\uNNNN`-style escapes; everything else is kept, backslashes included, so
    applying it twice changes nothing. Bytes are decoded as a file name is (`\\xNN` for what
    is not UTF-8).

    Args:
        value: any value; not a str or bytes, its `str()`; None as the empty string.
    """
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="surrogateescape")
    text = value if isinstance(value, str) else str(value)
    if text.isprintable():
        return text
    return "".join(_visible(ch) for ch in text)


def shown_lines(text: str) -> str:
    """`shown` applied to each line of a multi-line text (the CLI's last defence)."""
    return "\n".join(shown(line) for line in text.split("\n"))
