"""A structural check of the EXIF (TIFF) block, independent of exifread.

exifread returns `{}` when IFD0's offset points past the end, which looks exactly like "no
EXIF"; it also follows a sub-IFD pointer back to IFD0 and reports the tags twice. This walker
only checks structure (offsets, counts, loops) so the extractor can tell "no EXIF" from
"damaged EXIF" and name the problem. It reads nothing outside the block and allocates nothing
in proportion to a claimed count.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
_POINTERS = {0x8769: "ExifIFD", 0x8825: "GPS IFD", 0xA005: "Interoperability IFD", 0x014A: "SubIFD"}
_STRUCTS = {
    e: (struct.Struct(e + "H"), struct.Struct(e + "I"), struct.Struct(e + "HHII")) for e in "<>"
}
"""Per byte order: a SHORT, a LONG, and an IFD entry (tag, type, count, value or offset)."""
_MAX_IFDS = 64
_MAX_PROBLEMS = 6


@dataclass(frozen=True)
class ExifStructure:
    """What the walk found: whether there is a TIFF block at all, and its problems."""

    present: bool
    problems: tuple[str, ...] = ()

    @property
    def damaged(self) -> bool:
        """True when an EXIF block exists and has structural problems."""
        return self.present and bool(self.problems)


def find_jpeg_exif(data: bytes) -> bytes | None:
    """A JPEG's bytes from the TIFF header of its APP1 Exif segment to the end of the file.

    Readers resolve EXIF offsets from the TIFF header, and some cameras put maker-note data
    after the segment, so an offset is "out of range" only when it leaves the file.
    """
    if not data.startswith(b"\xff\xd8"):
        return None
    pos = 2
    end = len(data)
    while pos + 4 <= end:
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no more metadata
            return None
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker == 0xE1 and data[pos + 4 : pos + 10] == b"Exif\x00\x00":
            return data[pos + 10 :]
        pos += 2 + length
    return None


def check_tiff(block: bytes) -> ExifStructure:
    """Walk a TIFF/EXIF block's IFD chain and sub-IFDs, listing structural problems."""
    if len(block) < 8:
        return ExifStructure(True, ("EXIF block is shorter than a TIFF header",))
    order = block[:2]
    if order == b"II":
        endian = "<"
    elif order == b"MM":
        endian = ">"
    else:
        return ExifStructure(True, (f"EXIF block has no TIFF byte-order mark ({order!r})",))
    (magic,) = struct.unpack(endian + "H", block[2:4])
    if magic not in (42, 43, 0x4F52, 0x5352, 0x55):  # TIFF, BigTIFF, ORF, RW2 variants
        return ExifStructure(True, (f"EXIF block has a bad TIFF magic number {magic}",))
    short, long, entry_struct = _STRUCTS[endian]
    (ifd0,) = long.unpack_from(block, 4)
    size_of = _TYPE_SIZES.get
    end = len(block)
    problems: list[str] = []
    seen: set[int] = set()
    queue: list[tuple[str, int]] = [("IFD0", ifd0)]
    walked = 0
    while queue and walked < _MAX_IFDS:
        name, offset = queue.pop(0)
        walked += 1
        if offset in seen:
            problems.append(
                f"EXIF {name} points back to an IFD already read (offset {offset}): a loop"
            )
            continue
        if offset + 2 > end or offset < 8:
            problems.append(
                f"EXIF {name} offset {offset} is out of range (block holds {end} bytes)"
            )
            continue
        seen.add(offset)
        (count,) = short.unpack_from(block, offset)
        room = (end - offset - 2) // 12
        if count > room:
            problems.append(
                f"EXIF {name} claims {count} entries but the block holds at most {room}"
            )
            continue  # the entries behind a false count are noise, not tags
        for entry in range(offset + 2, offset + 2 + 12 * count, 12):
            tag, typ, n, value = entry_struct.unpack_from(block, entry)
            size = size_of(typ, 1) * n
            if size > 4 and value + size > end:
                problems.append(
                    f"EXIF {name} tag 0x{tag:04X} claims {size} bytes at "
                    f"offset {value}, outside the block"
                )
            if tag in _POINTERS and typ in (4, 13) and n >= 1:
                queue.append((_POINTERS[tag], value))
        next_at = offset + 2 + 12 * count
        if name in ("IFD0", "IFD1") and next_at + 4 <= end:
            (nxt,) = long.unpack_from(block, next_at)
            if nxt:
                queue.append(("IFD1" if name == "IFD0" else "IFD2", nxt))
    if queue:
        problems.append(f"EXIF holds more than {_MAX_IFDS} IFDs; stopped reading")
    if len(problems) > _MAX_PROBLEMS:
        problems[_MAX_PROBLEMS:] = [f"... and {len(problems) - _MAX_PROBLEMS} more problems"]
    return ExifStructure(True, tuple(problems))


def check_file_head(data: bytes) -> ExifStructure:
    """The structure of the EXIF in a JPEG or TIFF file's bytes (absent for other formats)."""
    if data.startswith(b"\xff\xd8"):
        block = find_jpeg_exif(data)
        return ExifStructure(False) if block is None else check_tiff(block)
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return check_tiff(data)
    return ExifStructure(False)
