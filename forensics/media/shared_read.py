"""One file's bytes and decoded pixels, shared by the extractors that read it in turn.

The worker runs the EXIF, integrity and thumbnail extractors one after the other on the same
stored file. Without sharing, each read the file again, and the thumbnail decoded the pixels
again although the integrity check had just decoded all of them. In the worker (and only
there: `enable()`), the last file read and the image the integrity check decoded are kept
until another file comes, so each file is read once and, where the thumbnail needs exactly
the pixels the full decode gave, decoded once.

A stored file is named by its content's sha256, so its path identifies its bytes: the cache
is keyed by path. Without `enable()` (the parent, tests) nothing is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_enabled = False


@dataclass
class _Last:
    path: str
    data: bytes
    image: Any = None
    """The PIL image the integrity check decoded completely, or None."""


_last: _Last | None = None


def enable() -> None:
    """Keep the last file's bytes and decoded image (called once in the worker process)."""
    global _enabled
    _enabled = True


def forget() -> None:
    """Drop what is kept (the worker calls it when idle, so memory is not held)."""
    global _last
    _last = None


def read(path: str) -> bytes:
    """The file's bytes, read once while the extractors of one file take turns."""
    global _last
    if _last is not None and _last.path == path:
        return _last.data
    with open(path, "rb") as fh:  # not Path(): its parsing cost a tenth of our overhead
        data = fh.read()
    _last = _Last(path, data) if _enabled else None
    return data


def keep_decoded(path: str, image: Any) -> None:
    """Offer the completely decoded image of the file at `path` to the next extractor."""
    if _last is not None and _last.path == path:
        _last.image = image


def decoded(path: str) -> Any:
    """The completely decoded image of the file at `path`, if the integrity check kept one."""
    if _last is not None and _last.path == path:
        return _last.image
    return None
