"""exifread's number reading, the same numbers from the bytes already in memory.

exifread reads every number of the EXIF block through `ExifHeader.s2n` (build a struct
format, seek, read a few bytes, unpack), and a field's values one `s2n` each
(`_process_field`): a maker note of thousands of bytes is read one byte at a time. On a card
of camera photos that was 2.8 ms of CPU a photo, two thirds of the floor's 4.2 ms. Our reader
hands exifread the whole file in a `BytesIO`, so the bytes are there already: these versions
unpack them in place with precompiled structs (a field's values in one call) and leave the
file's position where the original would (other parts of exifread read on from it), and
`dump_ifd` does not call `_process_tag` for the entries it would return from at once (an
unknown field type: a maker note misread as an IFD has thousands of those). `dump_ifd` also
reads the tag and type of all an IFD's entries in one unpack, and passes over the entries
that start past the end of the data in one step (the original reads 0 and 0 for each: a card
photo's misread maker notes had about 550 such reads), and `_process_tag` reads an entry's
type, count and value in one unpack: 858 `s2n` calls a card photo became 16, and the EXIF
extractor went from 0.94-1.03 to 0.44-0.50 ms of CPU.

A read wholly past the end gives 0, as the original's empty read does (a maker note misread
as an IFD of thousands of entries asks for hundreds of those). Everything else goes to the
original, unchanged: a file that is not a `BytesIO`, a length it has no format for, a slice
cut by the end of the data or before its start (its warning and 0, or its error), 8-byte reads
(its format unpacks 4 bytes and raises, which the fast path must not hide). Only the exifread
release this was checked against is patched (`tests/forensics/media/test_exif_fast.py`
compares every tag of every corpus file with the original's); another release keeps its own.
"""

from __future__ import annotations

import contextlib
import io
import logging
import struct
from collections.abc import Callable
from typing import Any

import exifread
from exifread.core import exif_header
from exifread.core.ifd_tag import IfdTag
from exifread.exif_log import get_logger
from exifread.tags import DEFAULT_STOP_TAG, IGNORE_TAGS
from exifread.tags.exif import EXIF_TAGS
from exifread.tags.fields import (
    FIELD_DEFINITIONS,
    FLOAT_FIELD_TYPES,
    RATIO_FIELD_TYPES,
    SIGNED_FIELD_TYPES,
    FieldType,
)
from exifread.tags.makernote import canon
from exifread.utils import Ratio

CHECKED = "3.5."
"""The exifread releases whose `s2n` this reproduces."""

_CODES = {(1, False): "B", (1, True): "b", (2, False): "H", (2, True): "h"}
_CODES.update({(4, False): "I", (4, True): "i"})
_UNPACK: dict[tuple[bool, int, bool], Callable[[Any, int], tuple[int, ...]]] = {
    (little, length, signed): struct.Struct(("<" if little else ">") + code).unpack_from
    for (length, signed), code in _CODES.items()
    for little in (True, False)
}

exif_log = get_logger()
"""exifread's own logger (its warnings are the record's warnings)."""
_original: Callable[..., int] | None = None
_original_field: Callable[..., list[Any]] | None = None
_original_dump: Callable[..., None] | None = None
_original_tag: Callable[..., None] | None = None
_LONG_READ = ("MakerNote", canon.CAMERA_INFO_TAG_NAME)
"""The only fields of 1,000 values or more that exifread reads (others: no values)."""


def _s2n(self: Any, offset: int, length: int, signed: bool = False) -> int:
    handle = self.file_handle
    unpack = _UNPACK.get((self.endian == "I", length, signed))
    if unpack is not None and type(handle) is io.BytesIO:
        data = self.__dict__.get("_pwb_data")
        if data is None:
            data = self._pwb_data = handle.getvalue()
        start = self.offset + offset
        if start >= 0 and start + length <= len(data):
            handle.seek(start + length)  # where the original's read leaves it
            return unpack(data, start)[0]
        if start >= len(data):  # past the end: the original reads nothing and says 0
            handle.seek(start)
            return 0
    assert _original is not None
    return _original(self, offset, length, signed)


def _process_field(
    self: Any, tag_name: str, count: int, field_type: int, type_length: int, offset: int
) -> list[Any]:
    """exifread's `_process_field`: a field's values, one `s2n` each, unpacked at once."""
    handle = self.file_handle
    if count >= 1000 and tag_name not in _LONG_READ:
        return []
    ratio = field_type in RATIO_FIELD_TYPES
    signed = field_type in SIGNED_FIELD_TYPES
    code = _CODES.get((4 if ratio else type_length, signed))
    if code is not None and field_type not in FLOAT_FIELD_TYPES and type(handle) is io.BytesIO:
        data = self.__dict__.get("_pwb_data")
        if data is None:
            data = self._pwb_data = handle.getvalue()
        start = self.offset + offset
        end = start + count * type_length
        if start >= 0 and end <= len(data) and (not ratio or type_length == 8):
            little = "<" if self.endian == "I" else ">"
            numbers = struct.unpack_from(
                f"{little}{count * (2 if ratio else 1)}{code}", data, start
            )
            if count:
                handle.seek(end)  # where the last of the original's reads leaves it
            if ratio:
                return [Ratio(numbers[i], numbers[i + 1]) for i in range(0, len(numbers), 2)]
            return list(numbers)
    assert _original_field is not None
    return _original_field(self, tag_name, count, field_type, type_length, offset)


_FIELD_TYPES = {int(t): t for t in FieldType}
_PROCESSED = frozenset(int(t) for t in FieldType if t is not FieldType.PROPRIETARY)
"""Field types `_process_tag` reads; with any other it returns at once (when not strict)."""


def _process_tag(
    self: Any,
    ifd: int,
    ifd_name: str,
    tag_entry: Any,
    entry: int,
    tag: int,
    tag_name: str,
    relative: int,
    stop_tag: str,
) -> None:
    """exifread's `_process_tag`, reading the entry's type, count and value (or offset) in
    one unpack where the original made three `s2n` calls; then the same steps."""
    handle = self.file_handle
    if self.strict or type(handle) is not io.BytesIO:
        assert _original_tag is not None
        return _original_tag(
            self, ifd, ifd_name, tag_entry, entry, tag, tag_name, relative, stop_tag
        )
    data = self.__dict__.get("_pwb_data")
    if data is None:
        data = self._pwb_data = handle.getvalue()
    start = self.offset + entry
    if start < 0 or start + 12 > len(data):  # cut by the end: the original's reads
        assert _original_tag is not None
        return _original_tag(
            self, ifd, ifd_name, tag_entry, entry, tag, tag_name, relative, stop_tag
        )
    type_id, count, value = (_ENTRY_LE if self.endian == "I" else _ENTRY_BE).unpack_from(
        data, start + 2
    )
    field_type = _FIELD_TYPES.get(type_id)
    if field_type is None or field_type is FieldType.PROPRIETARY:
        handle.seek(start + 4)  # where the original's read of the type left the file
        return None
    type_length = FIELD_DEFINITIONS[field_type][0]
    offset = entry + 8
    if count * type_length > 4:
        if relative:
            offset = value + ifd - 8
            if self.fake_exif:
                offset += 18
        else:
            offset = value
        handle.seek(start + 12)  # after the original's read of the offset
    else:
        handle.seek(start + 8)  # after its read of the count
    field_offset = offset
    if field_type == FieldType.ASCII:
        values = self._process_ascii_field(ifd_name, tag_name, count, offset)
    else:
        values = self._process_field(tag_name, count, field_type, type_length, offset)
    printable, prefer_printable = self._get_printable_for_field(
        count, values, field_type, tag_entry, stop_tag
    )
    self.tags[ifd_name + " " + tag_name] = found = IfdTag(
        printable,
        tag,
        field_type,
        values,
        field_offset,
        count * type_length,
        prefer_printable,
    )
    # The original formats every tag for a debug message, logged or not (44 a card photo);
    # only a formatting that could raise (printable not a str) is still made when not logged.
    if type(printable) is not str or exif_log.isEnabledFor(logging.DEBUG):
        exif_log.debug(" %s: %s", tag_name, repr(found))
    return None


_ENTRY_LE = struct.Struct("<HII")
_ENTRY_BE = struct.Struct(">HII")
"""An IFD entry after its tag: field type, count, value or offset (unsigned, as `s2n`)."""


def _dump_ifd(
    self: Any,
    ifd: int,
    ifd_name: str,
    tag_dict: Any = None,
    relative: int = 0,
    stop_tag: str = DEFAULT_STOP_TAG,
) -> None:
    """exifread's `dump_ifd`, not calling `_process_tag` for an entry it would return from
    at once (an unknown field type: a maker note misread as an IFD has thousands), and
    reading the tag and type of every entry within the data in one unpack (a card photo's
    IFDs have about 700 entries, 1.4 `s2n` each)."""
    if tag_dict is None:
        tag_dict = EXIF_TAGS
    try:
        entries = self.s2n(ifd, 2)
    except TypeError:
        exif_log.warning("Possibly corrupted IFD: %s", ifd_name)
        return
    heads, past = _entry_heads(self, ifd, entries)
    walk_to = min(entries, past)
    bulk = min(len(heads) // 2, walk_to)  # entries wholly within the data
    tags, types = heads[0::2], heads[1::2]
    ignore = not self.detailed
    stops = _stop_tags(tag_dict, stop_tag)
    stopped = -1
    # Only the entries that do something: read (a known field type) or end the walk.
    for i in [i for i in range(bulk) if types[i] in _PROCESSED or tags[i] in stops]:
        tag = tags[i]
        tag_entry = tag_dict.get(tag)
        tag_name = tag_entry[0] if tag_entry else f"Tag 0x{tag:04X}"
        if types[i] in _PROCESSED and not (ignore and tag in IGNORE_TAGS):
            entry = ifd + 2 + 12 * i
            self._process_tag(ifd, ifd_name, tag_entry, entry, tag, tag_name, relative, stop_tag)
        if tag_name == stop_tag:
            stopped = i
            break
    left_at = -1  # where the original's reads of the last entry leave the file (-1: they did)
    if bulk:
        last = stopped if stopped >= 0 else bulk - 1
        if ignore and tags[last] in IGNORE_TAGS:
            left_at = ifd + 2 + 12 * last + 2  # it read only the tag
        elif types[last] not in _PROCESSED:
            left_at = ifd + 2 + 12 * last + 4  # the tag and the type
    if stopped < 0:
        for i in range(bulk, walk_to):  # cut by the end of the data: exifread's reads
            entry = ifd + 2 + 12 * i
            tag = self.s2n(entry, 2)
            tag_entry = tag_dict.get(tag)
            tag_name = tag_entry[0] if tag_entry else f"Tag 0x{tag:04X}"
            left_at = -1
            if not (ignore and tag in IGNORE_TAGS) and (
                self.strict or self.s2n(entry + 2, 2) in _PROCESSED  # its first read, as there
            ):
                self._process_tag(
                    ifd, ifd_name, tag_entry, entry, tag, tag_name, relative, stop_tag
                )
            if tag_name == stop_tag:
                break
        else:
            if past < entries:
                left_at = _past_the_end(
                    tag_dict, ignore, stop_tag, ifd + 2 + 12 * past, entries - past
                )
    if left_at >= 0:
        self.file_handle.seek(self.offset + left_at)  # where the original's last read left it


_STOPS: dict[tuple[int, str], tuple[Any, frozenset[int]]] = {}


def _stop_tags(tag_dict: Any, stop_tag: str) -> frozenset[int]:
    """The tag numbers whose name (as `dump_ifd` makes it) is `stop_tag`, per tag table."""
    found = _STOPS.get((id(tag_dict), stop_tag))
    if found is not None and found[0] is tag_dict:
        return found[1]
    stops = {t for t, e in tag_dict.items() if (e[0] if e else f"Tag 0x{t:04X}") == stop_tag}
    if stop_tag.startswith("Tag 0x"):
        with contextlib.suppress(ValueError):
            number = int(stop_tag[6:], 16)
            if f"Tag 0x{number:04X}" == stop_tag and not tag_dict.get(number):
                stops.add(number)
    result = frozenset(stops)
    if len(_STOPS) < 256:
        _STOPS[(id(tag_dict), stop_tag)] = (tag_dict, result)  # kept: its id stays its own
    return result


def _past_the_end(tag_dict: Any, ignore: bool, stop_tag: str, first: int, count: int) -> int:
    """The entries that start past the end of the data, where the original reads tag 0 and
    field type 0 (an empty read says 0) for each: none is processed (type 0 is not), the
    first stops the walk if tag 0's name is the stop tag. Returns where the reads of the last
    one walked leave the file (a read past the end leaves it at its own start)."""
    tag_entry = tag_dict.get(0)
    last = (
        first
        if (tag_entry[0] if tag_entry else "Tag 0x0000") == stop_tag
        else first + 12 * (count - 1)
    )
    return last if ignore and 0 in IGNORE_TAGS else last + 2


def _entry_heads(self: Any, ifd: int, entries: int) -> tuple[tuple[int, ...], int]:
    """The (tag, field type) of each of an IFD's entries that lie wholly within the data,
    flattened, and the index of the first entry that starts past its end (`entries` when
    none does, or when the data is not in memory or the reader is strict)."""
    handle = self.file_handle
    if type(handle) is not io.BytesIO or entries <= 0 or self.strict:
        return (), entries
    data = self.__dict__.get("_pwb_data")
    if data is None:
        data = self._pwb_data = handle.getvalue()
    start = self.offset + ifd + 2
    if start < 0:
        return (), entries
    past = max(0, -(-(len(data) - start) // 12))  # the first entry with start + 12 i >= len
    inside = min(entries, (len(data) - start) // 12)
    if inside <= 0:
        return (), min(entries, past)
    little = self.endian == "I"
    return _heads_struct(little, inside).unpack_from(data, start), min(entries, past)


_HEADS: dict[tuple[bool, int], struct.Struct] = {}


def _heads_struct(little: bool, count: int) -> struct.Struct:
    """A struct reading `count` entries' tag and type (2 + 2 bytes, then 8 skipped)."""
    found = _HEADS.get((little, count))
    if found is None:
        found = struct.Struct(("<" if little else ">") + "HH8x" * count)
        if len(_HEADS) < 4096:
            _HEADS[(little, count)] = found
    return found


def install() -> bool:
    """Use the in-memory reader in this process (idempotent).

    Returns:
        True when installed; False for an exifread release it was not checked against.
    """
    global _original
    if _original is not None:
        return True
    if not exifread.__version__.startswith(CHECKED):
        return False
    global _original_field, _original_dump, _original_tag
    header = exif_header.ExifHeader
    _original, _original_field, _original_dump = header.s2n, header._process_field, header.dump_ifd
    _original_tag = header._process_tag
    header.s2n = _s2n  # type: ignore[method-assign]
    header._process_field = _process_field  # type: ignore[method-assign]
    header.dump_ifd = _dump_ifd  # type: ignore[method-assign]
    header._process_tag = _process_tag  # type: ignore[method-assign]
    return True


def uninstall() -> None:
    """Back to exifread's own reader (the identity test compares the two)."""
    global _original, _original_field, _original_dump, _original_tag
    if (
        _original is not None
        and _original_field is not None
        and _original_dump is not None
        and _original_tag is not None
    ):
        header = exif_header.ExifHeader
        header.s2n = _original  # type: ignore[method-assign]
        header._process_field = _original_field  # type: ignore[method-assign]
        header.dump_ifd = _original_dump  # type: ignore[method-assign]
        header._process_tag = _original_tag  # type: ignore[method-assign]
        _original = _original_field = _original_dump = _original_tag = None
