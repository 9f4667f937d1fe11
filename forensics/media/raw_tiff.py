"""Camera raw files in TIFF clothing (DNG, Sony ARW, Nikon NEF...): what they hold.

A raw file starts like a TIFF, so Pillow opens its first directory, which in a raw file is
usually a small preview (a DNG's 256x171 thumbnail), or nothing it can decode (an ARW's
old-style JPEG). Reporting that preview's size as the picture's, or "cannot identify" as
damage, would both mislead. This reader walks the TIFF directories (bounded, loop-safe, no
allocation in proportion to a claimed count) to tell a raw file from a plain TIFF, find the
full-resolution sensor image's size and encoding, and locate embedded JPEG previews, noting
any that point past the end of the file.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
_MAX_IFDS = 32
_MAX_SUBIFDS = 8
_NEW_SUBFILE_TYPE = 0x00FE
_WIDTH, _HEIGHT = 0x0100, 0x0101
_COMPRESSION, _PHOTOMETRIC = 0x0103, 0x0106
_MAKE, _MODEL = 0x010F, 0x0110
_SUB_IFDS = 0x014A
_JPEG_OFFSET, _JPEG_LENGTH = 0x0201, 0x0202
_EXIF_IFD = 0x8769
_EXIF_WIDTH, _EXIF_HEIGHT = 0xA002, 0xA003
_DNG_VERSION = 0xC612
_RAW_PHOTOMETRIC = {32803: "colour filter array", 34892: "linear raw"}
COMPRESSIONS = {
    1: "uncompressed",
    6: "old-style JPEG",
    7: "JPEG",
    8: "Deflate",
    32767: "Sony ARW compressed",
    34713: "Nikon NEF compressed",
    34892: "lossy JPEG",
    52546: "JPEG XL",
}


@dataclass(frozen=True)
class Preview:
    """An embedded JPEG preview (JPEGInterchangeFormat) inside the file."""

    where: str
    offset: int
    length: int


@dataclass(frozen=True)
class RawLayout:
    """What a camera raw file holds, as far as its TIFF directories say."""

    kind: str
    """"DNG 1.7.0.0", or "camera raw" with the make and model."""
    width: int | None
    height: int | None
    size_from: str | None
    """Where the full-resolution size was read ("SubIFD0 (full-resolution image)"...)."""
    encoding: str | None
    """The sensor data's compression and photometric interpretation, in words."""
    previews: tuple[Preview, ...] = ()
    problems: tuple[str, ...] = ()
    """Structure that points past the end of the file: the file looks cut short."""
    ifd0_is_preview: bool = False
    """IFD0 is a reduced-resolution image in strips or tiles (Pillow opens it as the file's
    picture); an old-style JPEG IFD0 is reached through its preview pointer instead."""


@dataclass
class _Ifd:
    name: str
    tags: dict[int, tuple[int, int, int]]
    """tag -> (type, count, value-or-offset field position)."""


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.endian = "<" if data[:2] == b"II" else ">"
        self.problems: list[str] = []

    def ifd(self, name: str, offset: int) -> _Ifd | None:
        data = self.data
        if offset < 8 or offset + 2 > len(data):
            self.problems.append(
                f"{name} is at offset {offset}, past the end of the file ({len(data)} bytes)"
            )
            return None
        (count,) = struct.unpack(self.endian + "H", data[offset : offset + 2])
        count = min(count, (len(data) - offset - 2) // 12)
        tags: dict[int, tuple[int, int, int]] = {}
        for i in range(count):
            entry = offset + 2 + 12 * i
            tag, typ, n = struct.unpack(self.endian + "HHI", data[entry : entry + 8])
            tags[tag] = (typ, n, entry + 8)
        return _Ifd(name, tags)

    def next_ifd(self, offset: int) -> int:
        if offset + 2 > len(self.data):
            return 0
        (count,) = struct.unpack(self.endian + "H", self.data[offset : offset + 2])
        at = offset + 2 + 12 * count
        if at + 4 > len(self.data):
            return 0
        return int(struct.unpack(self.endian + "I", self.data[at : at + 4])[0])

    def ints(self, ifd: _Ifd, tag: int, limit: int = _MAX_SUBIFDS) -> list[int]:
        """Up to `limit` integer values of a SHORT/LONG/IFD/BYTE tag ([] when absent)."""
        if tag not in ifd.tags:
            return []
        typ, n, field = ifd.tags[tag]
        size = _TYPE_SIZES.get(typ, 1)
        if typ not in (1, 3, 4, 7, 13):
            return []
        at = field
        if size * n > 4:
            (at,) = struct.unpack(self.endian + "I", self.data[field : field + 4])
        n = min(n, limit)
        if at + size * n > len(self.data):
            return []
        fmt = {1: "B", 7: "B", 3: "H", 4: "I", 13: "I"}[typ]
        return list(struct.unpack(f"{self.endian}{n}{fmt}", self.data[at : at + size * n]))

    def text(self, ifd: _Ifd, tag: int) -> str | None:
        if tag not in ifd.tags:
            return None
        typ, n, field = ifd.tags[tag]
        if typ != 2:
            return None
        at = field
        if n > 4:
            (at,) = struct.unpack(self.endian + "I", self.data[field : field + 4])
        raw = self.data[at : at + min(n, 64)]
        return raw.split(b"\x00", 1)[0].decode("ascii", "replace").strip() or None

    def one(self, ifd: _Ifd, tag: int) -> int | None:
        values = self.ints(ifd, tag, 1)
        return values[0] if values else None


def read_raw_layout(data: bytes) -> RawLayout | None:
    """The raw layout of a TIFF-based file, or None when it is a plain TIFF (or not a TIFF).

    A file is taken for a camera raw when IFD0 carries a DNGVersion tag, when any directory
    holds colour-filter-array or linear-raw data, or when IFD0 is a reduced-resolution image
    and the full image lives in SubIFDs (the layout of ARW, NEF and most other raws).
    """
    if data[:4] not in (b"II*\x00", b"MM\x00*"):
        return None
    reader = _Reader(data)
    first = int(struct.unpack(reader.endian + "I", data[4:8])[0])
    ifds = _walk(reader, first)
    if not ifds:
        return None
    ifd0 = ifds[0]
    dng = reader.ints(ifd0, _DNG_VERSION, 4)
    photometrics = {reader.one(i, _PHOTOMETRIC) for i in ifds}
    reduced0 = (reader.one(ifd0, _NEW_SUBFILE_TYPE) or 0) & 1 == 1
    if not (dng or photometrics & _RAW_PHOTOMETRIC.keys() or (reduced0 and _SUB_IFDS in ifd0.tags)):
        return None
    if dng:
        kind = "DNG " + ".".join(str(v) for v in dng)
    else:
        who = " ".join(x for x in (reader.text(ifd0, _MAKE), reader.text(ifd0, _MODEL)) if x)
        kind = f"camera raw ({who})" if who else "camera raw"
    width, height, size_from, encoding = _full_image(reader, ifds)
    previews = _previews(reader, ifds)
    return RawLayout(
        kind,
        width,
        height,
        size_from,
        encoding,
        previews,
        tuple(dict.fromkeys(reader.problems)),
        reduced0 and _JPEG_OFFSET not in ifd0.tags,
    )


def _walk(reader: _Reader, first: int) -> list[_Ifd]:
    ifds: list[_Ifd] = []
    seen: set[int] = set()
    queue: list[tuple[str, int]] = [("IFD0", first)]
    while queue and len(ifds) < _MAX_IFDS:
        name, offset = queue.pop(0)
        if offset in seen:
            continue
        seen.add(offset)
        ifd = reader.ifd(name, offset)
        if ifd is None:
            continue
        ifds.append(ifd)
        for k, sub in enumerate(reader.ints(ifd, _SUB_IFDS)):
            queue.append((f"{name} SubIFD{k}" if name != "IFD0" else f"SubIFD{k}", sub))
        if name.startswith("IFD"):
            nxt = reader.next_ifd(offset)
            if nxt:
                queue.append((f"IFD{int(name[3:]) + 1}", nxt))
        exif = reader.one(ifd, _EXIF_IFD) if name == "IFD0" else None
        if exif:
            queue.append(("EXIF", exif))
    return ifds


def _full_image(
    reader: _Reader, ifds: list[_Ifd]
) -> tuple[int | None, int | None, str | None, str | None]:
    best: tuple[int, _Ifd] | None = None
    for ifd in ifds:
        if ifd.name == "EXIF" or (reader.one(ifd, _NEW_SUBFILE_TYPE) or 0) & 1:
            continue
        w, h = reader.one(ifd, _WIDTH), reader.one(ifd, _HEIGHT)
        if w and h and (best is None or w * h > best[0]):
            best = (w * h, ifd)
    if best is not None:
        ifd = best[1]
        compression = reader.one(ifd, _COMPRESSION)
        photometric = reader.one(ifd, _PHOTOMETRIC)
        words = [COMPRESSIONS.get(compression or 0, f"compression {compression}")]
        if photometric in _RAW_PHOTOMETRIC:
            words.append(_RAW_PHOTOMETRIC[photometric])
        return (
            reader.one(ifd, _WIDTH),
            reader.one(ifd, _HEIGHT),
            f"{ifd.name} (full-resolution image)",
            ", ".join(words),
        )
    for ifd in ifds:
        if ifd.name == "EXIF":
            w, h = reader.one(ifd, _EXIF_WIDTH), reader.one(ifd, _EXIF_HEIGHT)
            if w and h:
                return w, h, "EXIF ExifImageWidth/ExifImageLength", None
    return None, None, None, None


def _previews(reader: _Reader, ifds: list[_Ifd]) -> tuple[Preview, ...]:
    found: list[Preview] = []
    size = len(reader.data)
    for ifd in ifds:
        offset, length = reader.one(ifd, _JPEG_OFFSET), reader.one(ifd, _JPEG_LENGTH)
        if not offset or not length:
            continue
        if offset + length > size:
            reader.problems.append(
                f"the {ifd.name} JPEG preview ({length} bytes at offset {offset}) lies past "
                f"the end of the file ({size} bytes)"
            )
            continue
        if reader.data[offset : offset + 2] == b"\xff\xd8":
            found.append(Preview(ifd.name, offset, length))
    return tuple(found)
