"""The metadata extractors: one small interface, one explicit registry.

Each extractor reads one stored file and returns plain data (facts, warnings, positions,
tracks, derived files); it never touches the case, so it can run in a worker process that is
killed when a file takes pathological time. Registration is an explicit tuple and a duplicate
name is refused at import, so two features can never silently shadow each other's results.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import exifread
import PIL
from PIL import UnidentifiedImageError

from forensics.media import shared_read
from forensics.media.container import read_container
from forensics.media.dji_srt import parse_srt
from forensics.media.exif_reader import read_exif, split_tags
from forensics.media.gpmf_track import SOURCE_LABELS, read_gopro_track, summary
from forensics.media.image_decoders import decoder_stamp, plugin_versions
from forensics.media.image_integrity import NO_PILLOW_DECODER, check_image
from forensics.media.records import PositionSource, TrackPoint
from forensics.media.thumbnails import JPEG_QUALITY, THUMB_SIZE, make_thumbnail
from forensics.versions import stamp

_MAX_IN_MEMORY = 512 << 20
"""Images larger than this are not read whole (they are not photographs)."""


@dataclass(frozen=True)
class Source:
    """The file an extractor reads: its stored (content-addressed) path and what we know."""

    path: str
    mime: str
    name: str
    size: int


@dataclass(frozen=True)
class FoundPosition:
    """A position an extractor found, before it is stored."""

    lat: float
    lon: float
    alt: float | None
    source: str
    time: str | None = None
    direction: float | None = None
    detail: str | None = None


@dataclass(frozen=True)
class FoundTrack:
    """A track an extractor found, before it is stored."""

    layout: str
    points: tuple[TrackPoint, ...]


@dataclass(frozen=True)
class DerivedFile:
    """A file made from the source (a thumbnail), stored content-addressed by the caller."""

    role: str
    data: bytes
    suffix: str


@dataclass(frozen=True)
class Output:
    """What one extractor found in one file."""

    status: str
    """"ok", "warnings", "damaged", "timeout" or "failed"."""
    facts: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    positions: tuple[FoundPosition, ...] = ()
    tracks: tuple[FoundTrack, ...] = ()
    derived: tuple[DerivedFile, ...] = ()
    decoders: dict[str, str] = field(default_factory=dict)
    """The libraries that decoded the file, component key -> version (`forensics.versions`)."""

    @staticmethod
    def failure(message: str, status: str = "failed") -> Output:
        """An output that only says why nothing was extracted."""
        return Output(status, errors=(message,))


def _status(
    warnings: list[str] | tuple[str, ...],
    errors: list[str] | tuple[str, ...],
    damaged: bool = False,
) -> str:
    if errors:
        return "failed"
    if damaged:
        return "damaged"
    return "warnings" if warnings else "ok"


class Extractor(Protocol):
    """A metadata extractor: a name, a version, which files it reads, and `run`."""

    name: str
    version: str

    def applies(self, mime: str, name: str) -> bool:
        """True when the extractor should run on a file of this type and name."""
        ...

    def run(self, source: Source) -> Output:
        """Extract from one file. Raises nothing on bad input: problems go in the output."""
        ...


def _read(source: Source) -> bytes:
    if source.size > _MAX_IN_MEMORY:
        raise ValueError(f"{source.size} bytes is too large to read into memory")
    return shared_read.read(source.path)  # once per file in the worker (see shared_read)


_IMAGES = (
    "image/jpeg",
    "image/tiff",
    "image/heic",
    "image/avif",
    "image/png",
    "image/webp",
    "image/jxl",
    "image/gif",
    "image/bmp",
)


class ExifExtractor:
    """All EXIF tags (maker notes included) and the decoded camera, time and GPS."""

    name = "exif"
    version = f"2 (exifread {exifread.__version__})"  # 2: an unknown zone is null

    def applies(self, mime: str, name: str) -> bool:
        return mime in _IMAGES

    def run(self, source: Source) -> Output:
        result = read_exif(_read(source))
        tags = split_tags(result.tags)
        facts: dict[str, Any] = {
            "exif_block": result.block,
            "camera": result.camera,
            "capture": result.capture,
            "gps": result.gps.facts(),
            "exif": tags.exif,
            "makernote": tags.makernote,
        }
        positions: tuple[FoundPosition, ...] = ()
        gps = result.gps
        if gps.latitude is not None and gps.longitude is not None:
            positions = (
                FoundPosition(
                    gps.latitude,
                    gps.longitude,
                    gps.altitude,
                    PositionSource.EXIF,
                    time=gps.timestamp or result.capture.get("iso"),
                    direction=gps.direction,
                    detail="EXIF GPS IFD",
                ),
            )
        return Output(
            _status(result.warnings, result.errors, result.damaged),
            {k: v for k, v in facts.items() if v},
            result.warnings,
            result.errors,
            positions,
            decoders=stamp("exifread"),
        )


class ImageExtractor:
    """Pixel integrity (full decode and `verify()`), dimensions, bombs refused."""

    name = "image"
    version = f"3 (Pillow {PIL.__version__}, {plugin_versions()}, raw_tiff 1)"  # 3: problem kinds

    def applies(self, mime: str, name: str) -> bool:
        return mime in _IMAGES

    def run(self, source: Source) -> Output:
        keep = functools.partial(shared_read.keep_decoded, source.path)
        result = check_image(_read(source), source.mime, keep)
        warnings = tuple(result.problems) + tuple(f"Pillow: {n}" for n in result.notes)
        status = {"ok": "warnings" if warnings else "ok", "unsupported": "warnings"}.get(
            result.status, "damaged"
        )
        return Output(status, result.facts(), warnings, decoders=decoder_stamp(result.format))


class ThumbnailExtractor:
    """A 256 px thumbnail (Pillow draft mode; JPEG, PNG with alpha) and a perceptual hash.

    Versions: 4 stored JPEG instead of PNG (same pixels); 5 reduces what is still at least
    twice the thumbnail's size by a whole factor before LANCZOS (`thumbnails.REDUCING_GAP`).
    """

    name = "thumbnail"
    version = (
        f"5 (Pillow {PIL.__version__}, {plugin_versions()}, draft, reduce, {THUMB_SIZE} px,"
        " DCT pHash,"
        f" JPEG q{JPEG_QUALITY}, PNG Huffman-only with alpha)"
    )

    def applies(self, mime: str, name: str) -> bool:
        return mime in _IMAGES and mime not in NO_PILLOW_DECODER

    def run(self, source: Source) -> Output:
        try:
            thumb = make_thumbnail(_read(source), decoded=shared_read.decoded(source.path))
        except Exception as exc:  # decoders raise OSError, ValueError, DecompressionBomb...
            reason = (
                "the image cannot be identified"
                if isinstance(exc, UnidentifiedImageError)
                else str(exc)
            )
            return Output(
                "warnings", warnings=(f"no thumbnail: {reason}",), decoders=decoder_stamp(None)
            )
        facts = {"thumbnail": {"width": thumb.width, "height": thumb.height, "phash": thumb.phash}}
        return Output(
            "ok",
            facts,
            derived=(DerivedFile("thumbnail", thumb.data, thumb.suffix),),
            decoders=decoder_stamp(thumb.format),
        )


class ContainerExtractor:
    """Video container facts (MediaInfo plus our MP4 box reader), location atoms."""

    name = "container"
    version = "1 (pymediainfo, mp4_boxes 1)"

    def applies(self, mime: str, name: str) -> bool:
        return mime.startswith("video/")

    def run(self, source: Source) -> Output:
        path = Path(source.path)
        with open(path, "rb") as fh:
            head = fh.read(16)
        result = read_container(path, head)
        positions = tuple(
            FoundPosition(
                loc.latitude,
                loc.longitude,
                loc.altitude,
                PositionSource.CONTAINER,
                time=result.container.get("creation_time"),
                detail=loc.atom,
            )
            for loc in result.locations
        )
        return Output(
            _status(result.warnings, result.errors),
            result.facts(),
            tuple(result.warnings),
            tuple(result.errors),
            positions,
            decoders=stamp("pymediainfo", "libmediainfo"),
        )


class DjiSrtExtractor:
    """DJI `.SRT` flight telemetry as a GPS track."""

    name = "dji_srt"
    version = "2 (GPS(a, b) order from the values)"

    def applies(self, mime: str, name: str) -> bool:
        return mime == "application/x-subrip" or name.lower().endswith(".srt")

    def run(self, source: Source) -> Output:
        track = parse_srt(_read(source))
        points = track.points
        facts: dict[str, Any] = {
            "telemetry": {
                "layout": track.layout,
                "cues": track.cues,
                "point_count": len(points),
                "utf8_bom": track.bom,
                "start": points[0].time if points else None,
                "end": points[-1].time if points else None,
                "first_fix": [points[0].lat, points[0].lon] if points else None,
                "clock": "drone clock as written, zone unknown" if points else None,
                "gps_order": track.gps_order.describe() if track.gps_order else None,
            }
        }
        facts["telemetry"] = {k: v for k, v in facts["telemetry"].items() if v is not None}
        positions: tuple[FoundPosition, ...] = ()
        tracks: tuple[FoundTrack, ...] = ()
        if points:
            first = points[0]
            positions = (
                FoundPosition(
                    first.lat,
                    first.lon,
                    first.alt,
                    PositionSource.TELEMETRY,
                    time=first.time,
                    detail="DJI SRT first fix",
                ),
            )
            tracks = (FoundTrack(track.layout, points),)
        status = "warnings" if track.warnings else "ok"
        return Output(
            status, facts, track.warnings, (), positions, tracks, decoders=stamp("python")
        )


class GpmfExtractor:
    """GoPro GPMF telemetry (the `gpmd` track) as a GPS track, the camera clock checked."""

    name = "gpmf"
    version = "1 (pure Python GPMF, mp4_samples 1)"

    def applies(self, mime: str, name: str) -> bool:
        return mime in ("video/mp4", "video/quicktime")

    def run(self, source: Source) -> Output:
        track = read_gopro_track(source.path, source.name)
        if not track.has_track:  # not a GoPro file: nothing to say
            return Output("ok", warnings=track.warnings, decoders=stamp("python"))
        good = track.usable
        points = tuple(
            TrackPoint(
                seq,
                f.lat,
                f.lon,
                f.alt,
                f.time,
                f.offset_s,
                speed_mps=f.speed_2d,
                fix=f.fix,
            )
            for seq, f in enumerate(good)
        )
        positions: tuple[FoundPosition, ...] = ()
        tracks: tuple[FoundTrack, ...] = ()
        if points:
            layout = SOURCE_LABELS[track.key or "GPS5"]
            positions = (
                FoundPosition(
                    good[0].lat,
                    good[0].lon,
                    good[0].alt,
                    PositionSource.TELEMETRY,
                    time=good[0].time,
                    detail=f"{layout} first fix",
                ),
            )
            tracks = (FoundTrack(layout, points),)
        status = "warnings" if track.warnings else "ok"
        return Output(
            status,
            {"gpmf": summary(track)},
            track.warnings,
            (),
            positions,
            tracks,
            decoders=stamp("python"),
        )


def build_registry(extractors: tuple[Extractor, ...]) -> dict[str, Extractor]:
    """The extractors by name, in order.

    Raises:
        ValueError: two extractors share a name.
    """
    registry: dict[str, Extractor] = {}
    for extractor in extractors:
        if extractor.name in registry:
            raise ValueError(f"duplicate extractor name {extractor.name!r}")
        registry[extractor.name] = extractor
    return registry


EXTRACTORS: tuple[Extractor, ...] = (
    ExifExtractor(),
    ImageExtractor(),
    ThumbnailExtractor(),
    ContainerExtractor(),
    DjiSrtExtractor(),
    GpmfExtractor(),
)
REGISTRY: dict[str, Extractor] = build_registry(EXTRACTORS)


def applicable(mime: str, name: str) -> list[Extractor]:
    """The registered extractors that apply to a file, in registry order."""
    return [e for e in EXTRACTORS if e.applies(mime, name)]
