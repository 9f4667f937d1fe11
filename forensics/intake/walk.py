"""Enumerating what the user asked to ingest, without following links or trusting names.

Paths are handled as bytes from start to end so a name that is not valid UTF-8 is kept
exactly. Symlinks are reported as such and never followed; special files (FIFOs, devices,
sockets) are reported and never opened, since opening a FIFO blocks forever.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass

from forensics.textsafe import escape_name


@dataclass(frozen=True)
class Entry:
    """One thing found under an input path."""

    path: bytes
    root: bytes
    """The input path the entry was found under (a file's own path when given directly)."""
    kind: str
    """"file", "symlink", "special", "empty" (a folder with nothing in it) or "error"."""
    size: int = 0
    reason: str | None = None


def _special_name(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "not a regular file"


def walk_inputs(paths: list[bytes]) -> Iterator[Entry]:
    """Yield every entry under the given paths, depth first, in name order."""
    for top in paths:
        yield from _walk_one(top, top)


def _walk_one(path: bytes, root: bytes) -> Iterator[Entry]:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        yield Entry(path, root, "error", reason="no such file or folder")
        return
    except OSError as exc:
        yield Entry(path, root, "error", reason=f"cannot read ({exc.strerror})")
        return
    if stat.S_ISLNK(st.st_mode):
        yield Entry(path, root, "symlink")
    elif stat.S_ISREG(st.st_mode):
        yield Entry(path, root, "file", size=st.st_size)
    elif stat.S_ISDIR(st.st_mode):
        try:
            with os.scandir(path) as it:
                names = sorted(e.name for e in it)
        except OSError as exc:
            yield Entry(path, root, "error", reason=f"cannot list folder ({exc.strerror})")
            return
        if not names:
            yield Entry(path, root, "empty", reason="empty folder; nothing to ingest")
        for name in names:
            yield from _walk_one(os.path.join(path, name), root)
    else:
        yield Entry(path, root, "special", reason=f"{_special_name(st.st_mode)}; not read")


def describe_symlink(path: bytes, root: bytes) -> tuple[str, str]:
    """The link's target as written, and a sentence on where it points.

    Returns:
        `(target, warning)`, both escaped for display.
    """
    target = os.readlink(path)
    root_real = os.path.realpath(root if os.path.isdir(root) else os.path.dirname(root))
    try:
        resolved = os.path.realpath(path, strict=True)
    except FileNotFoundError:
        return escape_name(target), "dangling symlink (its target does not exist); not followed"
    except OSError:
        return escape_name(target), "symlink loop; not followed"
    inside = os.path.commonpath([root_real, resolved]) == root_real
    if inside:
        return escape_name(target), "symlink inside the ingested tree; recorded, not followed"
    return escape_name(target), (
        f"symlink to outside the ingested tree ({escape_name(resolved)}); recorded, not followed"
    )
