"""Whether an image file ends before its own structure says it should.

A decoder that stops early says so in its own words ("image file is truncated", "Invalid
input: Unexpected end of file"...), and the words change between releases. The file's
structure does not: a JPEG's segments lead to its end-of-image marker, a PNG's chunks to IEND,
an ISO BMFF file's (HEIC, AVIF, JPEG XL container) boxes to the file's last byte. Walking that
structure tells "truncated" from "does not decode" without reading anybody's error text.
"""

from __future__ import annotations

import struct

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_BMFF_TYPES = (b"ftyp", b"JXL ")
_STANDALONE = {0x01, *range(0xD0, 0xD9)}
"""JPEG markers without a length: TEM, the restart markers and SOI."""


def is_cut_short(data: bytes) -> bool:
    """True when `data` is a JPEG, PNG or ISO BMFF image whose structure runs past its end.

    Args:
        data: the whole file.

    Returns:
        False for a complete file and for a format this module does not walk.
    """
    if data[:2] == b"\xff\xd8":
        return _jpeg_cut_short(data)
    if data[:8] == _PNG_SIGNATURE:
        return _png_cut_short(data)
    if data[4:8] in _BMFF_TYPES:
        return _bmff_cut_short(data)
    return False


def _jpeg_cut_short(data: bytes) -> bool:
    """No end-of-image marker reached by following the segments and the scans."""
    pos = 2
    while pos + 2 <= len(data):
        if data[pos] != 0xFF:
            return False  # not a marker where one must be: damaged, not cut short
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:
            return False
        if marker in _STANDALONE:
            pos += 2
            continue
        if pos + 4 > len(data):
            return True
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        pos += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next real marker
            pos = _after_scan(data, pos)
    return True


def _after_scan(data: bytes, pos: int) -> int:
    """Where the marker after a scan's entropy-coded data starts (len(data) when none)."""
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            return len(data)
        following = data[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            pos += 1  # stuffed byte, restart marker or fill: still in the scan
            continue
        return pos


def _png_cut_short(data: bytes) -> bool:
    """A chunk runs past the end, or the chunks end before IEND."""
    pos = len(_PNG_SIGNATURE)
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        pos += 12 + length
        if pos > len(data):
            return True
        if kind == b"IEND":
            return False
    return True


def _bmff_cut_short(data: bytes) -> bool:
    """A top-level box claims more bytes than the file has left."""
    pos = 0
    while pos + 8 <= len(data):
        (size,) = struct.unpack(">I", data[pos : pos + 4])
        header = 8
        if size == 1:
            if pos + 16 > len(data):
                return True
            (size,) = struct.unpack(">Q", data[pos + 8 : pos + 16])
            header = 16
        elif size == 0:  # the box runs to the end of the file
            return False
        if size < header:
            return False  # a nonsensical size: damaged, not cut short
        pos += size
    return pos > len(data) or 0 < len(data) - pos < 8
