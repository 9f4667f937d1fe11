"""Expert Witness (E01) segment sets: finding the segments, and reading the media they hold.

An E01 acquisition is split into segment files (`card.E01`, `card.E02`, ...) that only make
sense together. The workbench stores every segment as its own evidence (so each is hashed and
verified like any file) and links the later segments to the first one through the item
attribute `ewf_first_segment`. The media is then read from the *stored* copies, never again
from the source, through `libewf-python` (`pyewf`), which takes file objects.
"""

from __future__ import annotations

import logging
import os
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import pyewf

from forensics.errors import EvidenceError

log = logging.getLogger(__name__)

EWF_MIME = "application/x-ewf"
FIRST_SEGMENT_ATTR = "ewf_first_segment"
SEGMENT_ATTR = "ewf_segment"

_EWF1_SIGNATURE = b"EVF\x09\x0d\x0a\xff\x00"


def segment_number(head: bytes) -> int | None:
    """The segment number written in an EWF version 1 file header, or None.

    The header is the 8-byte signature, one `fields start` byte, then the segment number as a
    little-endian 16-bit integer. EWF2 (`.Ex01`) files are not numbered this way: None.
    """
    if len(head) < 11 or not head.startswith(_EWF1_SIGNATURE):
        return None
    return int(struct.unpack_from("<H", head, 9)[0])


def sibling_segments(first: bytes) -> list[bytes]:
    """The other segment files of the set whose first segment is at `first` (a host path).

    Uses libewf's own naming rules (`.E01` ... `.E99`, `.EAA` ...); a set whose later segments
    are missing gives an empty list, which the expansion later reports.
    """
    try:
        names = pyewf.glob(os.fsdecode(first))
    except (OSError, ValueError, TypeError) as exc:
        log.info("no EWF segment set next to %r: %s", first, exc)
        return []
    own = os.path.abspath(first)
    out = []
    for name in names:
        raw = os.fsencode(name)
        if os.path.abspath(raw) != own:
            out.append(raw)
    return out


class EwfMedia:
    """The media inside an E01 segment set, readable at any offset.

    Args:
        segments: the stored segment files, in any order (libewf orders them itself).

    Raises:
        EvidenceError: libewf cannot open the set (a segment missing or damaged).
    """

    def __init__(self, segments: Sequence[Path]) -> None:
        self._files: list[BinaryIO] = []
        try:
            for path in segments:
                self._files.append(open(path, "rb"))  # noqa: SIM115 - closed in close()
            self._handle = pyewf.handle()
            self._handle.open_file_objects(self._files)
            self.size = int(self._handle.get_media_size())
        except (OSError, ValueError, TypeError) as exc:
            self.close()
            raise EvidenceError(f"cannot open the E01 segment set ({exc})") from exc

    def header_values(self) -> dict[str, str]:
        """The acquisition's header values (examiner_name, case_number, acquiry_date...)."""
        try:
            values = self._handle.get_header_values()
        except (OSError, ValueError, TypeError) as exc:
            log.info("no EWF header values: %s", exc)
            return {}
        return {str(k): str(v) for k, v in dict(values).items() if v is not None}

    def stored_hashes(self) -> dict[str, str]:
        """The hashes of the media the acquisition stored ("MD5", "SHA1"), as hex."""
        try:
            values = self._handle.get_hash_values()
        except (OSError, ValueError, TypeError) as exc:
            log.info("no EWF hash values: %s", exc)
            return {}
        return {str(k): str(v) for k, v in dict(values).items() if v}

    def read(self, offset: int, size: int) -> bytes:
        """Up to `size` bytes of media from `offset`."""
        self._handle.seek(offset)
        return bytes(self._handle.read(size))

    def close(self) -> None:
        """Close libewf and the segment files."""
        handle = getattr(self, "_handle", None)
        if handle is not None:
            try:
                handle.close()
            except (OSError, ValueError) as exc:
                log.debug("closing libewf: %s", exc)
            self._handle = None
        for f in self._files:
            f.close()
        self._files = []
