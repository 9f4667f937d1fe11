"""EXIF through exifread (maker notes included), decoded into the facts analysts ask for.

Every tag exifread finds is kept as its printable text (the same text exifread's own dump
shows, so values can be checked against it); on top of them the camera, serial numbers, lens,
capture time with its UTC offset (zone None without one) and a validated GPS fix. A
structural walk of the EXIF block tells "no EXIF" from "damaged EXIF", which exifread alone
cannot: it returns `{}` for both.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import exifread

from forensics.media import exif_fast
from forensics.media.exif_structure import check_file_head
from forensics.media.gps import GpsFix, decode_gps

log = logging.getLogger(__name__)

_SKIP = ("JPEGThumbnail", "TIFFThumbnail")
_NOT_A_PROBLEM = re.compile(r"does not have exif|no exif", re.IGNORECASE)
"""exifread logs "no EXIF" as a warning; the EXIF block state already says so."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SERIAL_TAGS = (
    ("body_serial", "EXIF BodySerialNumber"),
    ("body_serial", "Image CameraSerialNumber"),
    ("body_serial", "MakerNote SerialNumber"),
    ("internal_serial", "MakerNote InternalSerialNumber"),
    ("lens_serial", "EXIF LensSerialNumber"),
    ("lens_serial", "MakerNote LensSerialNumber"),
)
_LENS_TAGS = ("EXIF LensModel", "MakerNote LensModel", "MakerNote LensType", "MakerNote Lens")


@dataclass(frozen=True)
class ExifResult:
    """What the EXIF reader found in one file."""

    tags: dict[str, str]
    """Every tag as exifread prints it (thumbnails left out)."""
    camera: dict[str, Any]
    capture: dict[str, Any]
    gps: GpsFix
    block: dict[str, Any]
    """The EXIF block's state: "present", "absent" or "damaged", with its problems."""
    warnings: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    thumbnail_bytes: int | None = None

    @property
    def damaged(self) -> bool:
        """True when the EXIF block exists but is structurally broken."""
        return bool(self.block.get("status") == "damaged")


class _Collect(logging.Handler):
    """Keeps exifread's own warnings (it logs problems instead of raising them)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.messages) < 20:
            self.messages.append(record.getMessage())


def clean_text(value: str) -> str:
    """A tag's text with control characters escaped and padding removed."""
    if value.isprintable():  # the common case, checked in C: no control character to escape
        return value.strip()
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value).strip()


def read_exif(data: bytes) -> ExifResult:
    """Read and decode the EXIF of an image held in memory.

    Args:
        data: the whole file (images are read once, into memory, by the caller).

    Returns:
        The tags, decoded facts, the EXIF block's state, and warnings naming each problem.
    """
    warnings: list[str] = []
    errors: list[str] = []
    collector = _Collect()
    exif_log = logging.getLogger("exifread")
    exif_log.addHandler(collector)
    exif_fast.install()  # the same numbers from the bytes in memory, in half the time
    try:
        raw = exifread.process_file(
            io.BytesIO(data), details=True, strict=False, extract_thumbnail=True
        )
    except Exception as exc:  # exifread raises bare exceptions on some damage
        raw = {}
        errors.append(f"exifread failed: {type(exc).__name__}: {exc}")
    finally:
        exif_log.removeHandler(collector)
    warnings.extend(
        f"exifread: {m}" for m in dict.fromkeys(collector.messages) if not _NOT_A_PROBLEM.search(m)
    )
    tags: dict[str, str] = {}
    for key, value in raw.items():
        if key in _SKIP:
            continue
        try:
            tags[key] = clean_text(str(value.printable))
        except Exception as exc:  # a tag whose printable form cannot be built
            warnings.append(f"EXIF tag {key} cannot be shown ({exc})")
    thumb = raw.get("JPEGThumbnail")
    structure = check_file_head(data)
    if structure.problems:
        status = "damaged"
        warnings.extend(f"damaged EXIF: {p}" for p in structure.problems)
    elif tags or structure.present:
        status = "present"
    else:
        status = "absent"
    block = {"status": status, "tag_count": len(tags), "problems": list(structure.problems) or None}
    gps = decode_gps(raw) if any(k.startswith("GPS ") for k in raw) else GpsFix()
    warnings.extend(gps.warnings)
    return ExifResult(
        tags=tags,
        camera=_camera(tags),
        capture=_capture(tags, warnings),
        gps=gps,
        block=block,
        warnings=tuple(warnings),
        errors=tuple(errors),
        thumbnail_bytes=len(thumb) if isinstance(thumb, bytes) else None,
    )


def _text(tags: Mapping[str, str], key: str) -> str | None:
    """A tag's cleaned text, or None when it is missing or only padding."""
    text = tags.get(key)
    if not text or text in ("0", "[]") or set(text) <= {" ", "\\", "x", "0"}:
        return None
    return text


def _camera(raw: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "make": _text(raw, "Image Make"),
        "model": _text(raw, "Image Model"),
        "software": _text(raw, "Image Software"),
        "lens_make": _text(raw, "EXIF LensMake"),
    }
    for key in _LENS_TAGS:
        lens = _text(raw, key)
        if lens:
            out["lens"] = lens
            break
    for fact, key in _SERIAL_TAGS:
        if fact not in out or out[fact] is None:
            out[fact] = _text(raw, key)
    return {k: v for k, v in out.items() if v is not None}


_DT = re.compile(r"^(\d{4})[:\-](\d{2})[:\-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"^[+-]\d{2}:\d{2}$")


def exif_datetime(text: str | None, subsec: str | None = None) -> str | None:
    """ "2008:10:22 16:28:39" as ISO 8601 ("2008-10-22T16:28:39"), or None when malformed."""
    if not text:
        return None
    m = _DT.match(text)
    if m is None:
        return None
    y, mo, d, h, mi, s = m.groups()
    if not (
        1 <= int(mo) <= 12 and 1 <= int(d) <= 31 and int(h) < 24 and int(mi) < 60 and int(s) < 61
    ):
        return None
    iso = f"{y}-{mo}-{d}T{h}:{mi}:{s}"
    if subsec and subsec.strip().isdigit():
        iso += "." + subsec.strip()
    return iso


def _capture(raw: Mapping[str, str], warnings: list[str]) -> dict[str, Any]:
    original_text = _text(raw, "EXIF DateTimeOriginal")
    original = exif_datetime(original_text, _text(raw, "EXIF SubSecTimeOriginal"))
    if original_text and original is None:
        warnings.append(
            f"EXIF DateTimeOriginal {original_text!r} is not a valid date and time; ignored"
        )
    offset = _text(raw, "EXIF OffsetTimeOriginal") or _text(raw, "EXIF OffsetTime")
    if offset and not _OFFSET.match(offset):
        warnings.append(f"EXIF OffsetTimeOriginal {offset!r} is not an offset like +01:00; ignored")
        offset = None
    out: dict[str, Any] = {}
    if original:
        out["original"] = original_text
        if offset:
            out["offset"] = offset
            out["iso"] = original + offset
            out["zone"] = f"UTC{offset}"
        else:
            out["iso"] = original
            out["zone"] = None  # unknown: the display says so, `--json` gives null
    out["digitized"] = exif_datetime(_text(raw, "EXIF DateTimeDigitized"))
    out["modified"] = exif_datetime(_text(raw, "Image DateTime"))
    return {k: v for k, v in out.items() if v is not None or k == "zone"}


@dataclass
class TagGroups:
    """The tags split for display: maker-note tags apart from the rest."""

    exif: dict[str, str] = field(default_factory=dict)
    makernote: dict[str, str] = field(default_factory=dict)


def split_tags(tags: Mapping[str, str]) -> TagGroups:
    """Maker-note tags in their own group, everything else in "exif", each sorted by key."""
    groups = TagGroups()
    for key in sorted(tags):
        target = groups.makernote if key.startswith("MakerNote ") else groups.exif
        target[key] = tags[key]
    return groups
