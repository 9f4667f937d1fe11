"""Warnings about hostile or awkward file names, from the name's exact bytes.

The name is always stored exactly and shown escaped; these sentences tell the examiner why a
name deserves a second look (a newline that forges log lines, a bidi override that hides the
real extension, a leading dash that a command-line tool would take for an option...).
"""

from __future__ import annotations

import unicodedata

NAME_MAX = 255


def name_warnings(raw: bytes) -> list[str]:
    """Plain sentences about what is hazardous in one file name (no path).

    Args:
        raw: the name's bytes as the file system holds them.

    Returns:
        One sentence per hazard; empty for an ordinary name.
    """
    out: list[str] = []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        out.append("the name is not valid UTF-8; its bytes are kept exactly and shown escaped")
        text = raw.decode("utf-8", "replace")
    # Printable ASCII (the common case, checked in C) holds no control or bidi character.
    if not (text.isascii() and text.isprintable()) and any(
        unicodedata.category(ch) in ("Cc", "Cf") for ch in text
    ):
        out.append(
            "the name holds control or bidi characters (a newline, a right-to-left override"
            "...); shown escaped"
        )
    if text.startswith("-"):
        out.append("the name starts with a dash, which command-line tools read as an option")
    if text != text.strip():
        out.append("the name has leading or trailing spaces (kept as they are)")
    if "\\" in text:
        out.append(
            "the name holds backslashes, a path separator on Windows (never used to build a path)"
        )
    lowered = text.lower()
    if "%2f" in lowered or "%5c" in lowered:
        out.append("the name holds URL-encoded path separators (never decoded)")
    if len(raw) >= NAME_MAX:
        out.append(f"the name is {len(raw)} bytes long, the file-system maximum")
    return out
