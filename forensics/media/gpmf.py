"""GoPro's GPMF telemetry format: a pure-Python KLV parser and value decoder.

GPMF (gopro/gpmf-parser, docs/README.md) is a list of Key-Length-Value entries: a 4-byte
FourCC key, a 1-byte type character, a 1-byte structure size and a 2-byte big-endian repeat
count, then size x repeat bytes padded to a multiple of 4. Type 0 marks a nested list
(`DEVC` device > `STRM` stream > data); `?` marks a complex structure described by the
preceding `TYPE` entry of the same stream. Properties (`SCAL`, `UNIT`, `TYPE`...) apply to the
data entries that follow them in the same stream.

Recovered files are hostile input: every length is checked against the bytes that remain,
nesting depth and entry count are capped, and damage becomes a warning naming the offset and
the reason, with the entries read before it kept. Nothing here raises on bad bytes.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

MAX_DEPTH = 8
MAX_ENTRIES = 200_000
"""KLV entries read from one payload before the rest is refused (a payload holds hundreds)."""

TYPE_SIZES: dict[str, int] = {
    "b": 1,
    "B": 1,
    "c": 1,
    "d": 8,
    "f": 4,
    "F": 4,
    "G": 16,
    "j": 8,
    "J": 8,
    "l": 4,
    "L": 4,
    "q": 4,
    "Q": 8,
    "s": 2,
    "S": 2,
    "U": 16,
}
"""Bytes per element of each GPMF type character (README "Current types")."""

_STRUCT = {
    "b": "b",
    "B": "B",
    "d": "d",
    "f": "f",
    "j": "q",
    "J": "Q",
    "l": "i",
    "L": "I",
    "q": "i",
    "Q": "q",
    "s": "h",
    "S": "H",
}
_TYPE_ITEM = re.compile(r"([A-Za-z])(?:\[(\d{1,3})\])?")

Value = float | int | str | bytes


@dataclass(frozen=True)
class Klv:
    """One GPMF entry: its key, type, structure size, repeat and bytes (or children)."""

    key: str
    type: str
    """The type character; "" for a nested list."""
    size: int
    repeat: int
    data: bytes
    """The payload without padding (size x repeat bytes)."""
    offset: int
    """Where the entry starts in the payload (for warnings)."""
    children: tuple[Klv, ...] = ()

    @property
    def nested(self) -> bool:
        """True for a container (`DEVC`, `STRM`)."""
        return self.type == ""

    def text(self) -> str:
        """A `c` (or `U`) entry as text, NUL padding removed."""
        return self.data.split(b"\x00", 1)[0].decode("latin-1").strip()

    def strings(self) -> list[str]:
        """A `c` entry holding `repeat` fixed-width strings (as `UNIT` does), one per sample."""
        width = self.size or 1
        return [
            self.data[i : i + width].split(b"\x00", 1)[0].decode("latin-1").strip()
            for i in range(0, len(self.data), width)
        ]

    def find(self, key: str) -> Klv | None:
        """The first direct child with this key."""
        return next((c for c in self.children if c.key == key), None)


@dataclass(frozen=True)
class Payload:
    """One parsed GPMF payload (one sample of the `gpmd` track) and what was wrong with it."""

    entries: tuple[Klv, ...]
    warnings: tuple[str, ...]

    def devices(self) -> list[Klv]:
        """The top-level `DEVC` entries."""
        return [e for e in self.entries if e.key == "DEVC" and e.nested]


def parse(data: bytes, *, name: str = "payload") -> Payload:
    """Parse GPMF bytes into entries.

    Args:
        data: one payload (a `gpmd` sample or a raw `.gpmf` dump).
        name: how warnings name the payload ("sample 3 of the gpmd track").

    Returns:
        The entries read; warnings name each damaged entry's offset and the reason.
    """
    warnings: list[str] = []
    budget = [MAX_ENTRIES]
    entries = _parse_level(data, 0, len(data), 0, name, warnings, budget)
    return Payload(entries, tuple(warnings))


def _parse_level(
    data: bytes,
    start: int,
    end: int,
    depth: int,
    name: str,
    warnings: list[str],
    budget: list[int],
) -> tuple[Klv, ...]:
    out: list[Klv] = []
    pos = start
    while pos + 8 <= end:
        if budget[0] <= 0:
            warnings.append(f"{name}: more than {MAX_ENTRIES} entries; the rest is not read")
            break
        budget[0] -= 1
        raw_key = data[pos : pos + 4]
        if raw_key == b"\x00\x00\x00\x00":
            break  # zero padding after the last entry
        if not all(0x20 <= c < 0x7F for c in raw_key):
            warnings.append(f"{name}: offset {pos}: {raw_key!r} is not a FourCC key; stopped")
            break
        kind, size, repeat = struct.unpack(">cBH", data[pos + 4 : pos + 8])
        key = raw_key.decode("ascii")
        length = size * repeat
        if pos + 8 + length > end:
            warnings.append(
                f"{name}: offset {pos}: {key} claims {length} bytes but only "
                f"{end - pos - 8} remain: truncated"
            )
            break
        body_at = pos + 8
        if kind == b"\x00":
            if depth + 1 > MAX_DEPTH:
                warnings.append(f"{name}: offset {pos}: {key} nests deeper than {MAX_DEPTH}")
                children: tuple[Klv, ...] = ()
            else:
                children = _parse_level(
                    data, body_at, body_at + length, depth + 1, name, warnings, budget
                )
            out.append(Klv(key, "", size, repeat, b"", pos, children))
        else:
            type_char = kind.decode("latin-1")
            out.append(Klv(key, type_char, size, repeat, data[body_at : body_at + length], pos))
        pos = body_at + ((length + 3) & ~3)
    return tuple(out)


def _element(type_char: str, raw: bytes) -> Value:
    if type_char == "c" or type_char == "U":
        return raw.split(b"\x00", 1)[0].decode("latin-1")
    if type_char in ("F", "G"):
        return raw.decode("latin-1") if type_char == "F" else raw.hex()
    (value,) = struct.unpack(">" + _STRUCT[type_char], raw)
    if type_char == "q":
        return float(value) / 65536.0
    if type_char == "Q":
        return float(value) / 4294967296.0
    return int(value) if isinstance(value, int) else float(value)


def parse_type(spec: str) -> tuple[str, ...] | None:
    """A `TYPE` string ("JlllSSSSBB", "f[3]L") as one type character per field.

    Returns:
        The field types, or None when the string holds an unknown type.
    """
    out: list[str] = []
    pos = 0
    while pos < len(spec):
        m = _TYPE_ITEM.match(spec, pos)
        if m is None or m.group(1) not in TYPE_SIZES:
            return None
        out.extend(m.group(1) * int(m.group(2) or 1))
        pos = m.end()
    return tuple(out)


def samples(entry: Klv, complex_type: str | None = None) -> list[tuple[Value, ...]] | None:
    """Decode a data entry into `repeat` samples, each a tuple of its fields (unscaled).

    Args:
        entry: a data entry (not nested, not text).
        complex_type: the stream's `TYPE` string, for `?` entries.

    Returns:
        The samples, or None when the entry cannot be decoded: an unknown type, a structure
        size that is not a whole number of elements, or a `?` entry without a matching TYPE.
    """
    if entry.nested:
        return None
    if entry.type == "?":
        fields = parse_type(complex_type or "")
        if not fields or sum(TYPE_SIZES[f] for f in fields) != entry.size:
            return None
    else:
        width = TYPE_SIZES.get(entry.type)
        if width is None or entry.size % width:
            return None
        fields = (entry.type,) * (entry.size // width)
    out: list[tuple[Value, ...]] = []
    for i in range(entry.repeat):
        at = i * entry.size
        row: list[Value] = []
        for f in fields:
            width = TYPE_SIZES[f]
            row.append(_element(f, entry.data[at : at + width]))
            at += width
        out.append(tuple(row))
    return out


def numbers(entry: Klv) -> list[float]:
    """Every element of a numeric entry (`SCAL`, `GPSF`, `TSMP`...) as a flat list."""
    rows = samples(entry)
    if rows is None:
        return []
    return [float(v) for row in rows for v in row if isinstance(v, int | float)]


def scale(row: tuple[Value, ...], divisors: list[float]) -> list[float | None]:
    """Apply `SCAL` to one sample: one divisor for all fields, or one per field.

    A zero divisor (damaged data) gives None for that field rather than a division error.
    """
    out: list[float | None] = []
    for i, value in enumerate(row):
        div = divisors[i] if len(divisors) > 1 and i < len(divisors) else (divisors or [1.0])[0]
        if not isinstance(value, int | float) or div == 0:
            out.append(None)
        else:
            out.append(float(value) / div)
    return out
