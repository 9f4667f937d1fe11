"""Video container facts: MediaInfo first, our own MP4 box reader where it falls short.

MediaInfo (pymediainfo ships the library) reads every common container. For MP4/MOV the box
reader adds what an examiner needs exactly as written: the display matrix, the edit list's
delayed start, the frame-duration table (real rate and VFR), the raw `mvhd` creation time,
and the three location atoms (QuickTime `©xyz`, Apple `com.apple.quicktime.location.ISO6709`,
3GPP `loci`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forensics.media.mp4_boxes import Mp4Boxes, read_boxes

log = logging.getLogger(__name__)

CREATION_CAVEAT = (
    "many cameras write their local clock labelled as UTC; check against GPS "
    "time before relying on the zone"
)
_CODECS = {
    "AVC": "h264",
    "HEVC": "hevc",
    "MPEG-4 Visual": "mpeg4",
    "AV1": "av1",
    "VP9": "vp9",
    "VP8": "vp8",
    "ProRes": "prores",
    "MPEG Video": "mpeg2video",
    "JPEG": "mjpeg",
    "H.263": "h263",
}
_ISO6709 = re.compile(r"^([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?(CRS.*)?/?$")


@dataclass(frozen=True)
class ContainerLocation:
    """A position found in a container atom, validated."""

    latitude: float
    longitude: float
    altitude: float | None
    atom: str
    """"©xyz", "com.apple.quicktime.location.ISO6709" or "loci"."""
    raw: str


@dataclass
class ContainerFacts:
    """What the container says, grouped as stored facts, with warnings."""

    container: dict[str, Any] = field(default_factory=dict)
    video: dict[str, Any] = field(default_factory=dict)
    audio: dict[str, Any] = field(default_factory=dict)
    locations: list[ContainerLocation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def facts(self) -> dict[str, Any]:
        """The facts as stored groups (empty groups left out)."""
        location = {}
        for loc in self.locations:
            location[loc.atom] = {
                "latitude": round(loc.latitude, 7),
                "longitude": round(loc.longitude, 7),
                "altitude": loc.altitude,
                "raw": loc.raw,
            }
        groups = {
            "container": self.container,
            "video": self.video,
            "audio": self.audio,
            "location": location,
        }
        return {
            k: {kk: vv for kk, vv in v.items() if vv is not None} for k, v in groups.items() if v
        }


def _coordinate(text: str, degree_digits: int) -> float | None:
    """One ISO 6709 coordinate: ±DD.D, ±DDMM.M or ±DDMMSS.S (DDD for longitude)."""
    sign = -1.0 if text[0] == "-" else 1.0
    body = text[1:]
    whole = body.split(".")[0]
    try:
        if len(whole) <= degree_digits:
            value = float(body)
        elif len(whole) == degree_digits + 2:
            value = float(whole[:degree_digits]) + float(body[degree_digits:]) / 60
        elif len(whole) == degree_digits + 4:
            value = (
                float(whole[:degree_digits])
                + float(whole[degree_digits : degree_digits + 2]) / 60
                + float(body[degree_digits + 2 :]) / 3600
            )
        else:
            return None
    except ValueError:
        return None
    return sign * value


def parse_iso6709(text: str, atom: str, warnings: list[str]) -> ContainerLocation | None:
    """A validated position from an ISO 6709 string ("+33.9951-118.4762/")."""
    raw = text.strip().strip("\x00")
    m = _ISO6709.match(raw)
    if m is None:
        warnings.append(f"invalid location: {atom} {raw!r} is not an ISO 6709 position; ignored")
        return None
    lat = _coordinate(m.group(1), 2)
    lon = _coordinate(m.group(2), 3)
    alt = float(m.group(3)) if m.group(3) else None
    if lat is None or lon is None or not -90 <= lat <= 90 or not -180 <= lon <= 180:
        warnings.append(f"invalid location: {atom} {raw!r} is out of range; ignored")
        return None
    return ContainerLocation(lat, lon, alt, atom, raw)


def _num(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _mediainfo(path: Path, out: ContainerFacts) -> dict[str, Any]:
    # Imported here: the ingesting process chooses extractors without loading it (a tenth
    # of a second of its start-up); the workers that read containers load it once.
    from pymediainfo import MediaInfo

    try:
        info = MediaInfo.parse(path)
    except Exception as exc:  # the library raises OSError, RuntimeError...
        out.errors.append(f"MediaInfo cannot read the file: {exc}")
        return {}
    general: dict[str, Any] = {}
    for track in info.tracks:
        data = track.to_data()
        if track.track_type == "General":
            general = data
        elif track.track_type == "Video" and not out.video:
            out.video = {
                "codec": _CODECS.get(
                    str(data.get("format")), str(data.get("format") or "").lower() or None
                ),
                "format": data.get("format"),
                "profile": data.get("format_profile"),
                "width": data.get("width"),
                "height": data.get("height"),
                "duration_s": _seconds(data.get("duration")),
                "frame_count": _int(data.get("frame_count")),
                "fps_avg": _num(data.get("frame_rate")),
                "fps_real": _num(data.get("real_frame_rate")),
                "fps_mode": data.get("frame_rate_mode"),
                "rotation": _rotation(data.get("rotation")),
            }
        elif track.track_type == "Audio" and not out.audio:
            out.audio = {
                "codec": data.get("format"),
                "channels": data.get("channel_s"),
                "sample_rate": data.get("sampling_rate"),
            }
    if general.get("format"):
        out.container = {
            "format": general.get("format"),
            "profile": general.get("format_profile"),
            "duration_s": _seconds(general.get("duration")),
            "encoded_date": general.get("encoded_date"),
            "make": general.get("comapplequicktimemake") or general.get("make"),
            "model": general.get("comapplequicktimemodel") or general.get("model"),
            "encoder": general.get("encoded_application") or general.get("encoder"),
        }
    return general


def _seconds(value: Any) -> float | None:
    ms = _num(value)
    return None if ms is None else round(ms / 1000, 3)


def _int(value: Any) -> int | None:
    number = _num(value)
    return None if number is None else int(number)


def _rotation(value: Any) -> int | None:
    number = _num(value)
    return None if number is None else round(number) % 360


def read_container(path: Path, head: bytes) -> ContainerFacts:
    """Container facts of a video file.

    Args:
        path: the stored file.
        head: its first bytes (to decide whether the MP4 box reader applies).

    Returns:
        Facts and located positions, with warnings naming each atom or box at fault.
    """
    out = ContainerFacts()
    general = _mediainfo(path, out)
    boxes: Mp4Boxes | None = None
    if head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip"):
        try:
            with open(path, "rb") as fh:
                boxes = read_boxes(fh)
        except OSError as exc:
            out.errors.append(f"cannot read the boxes: {exc}")
        if boxes is not None:
            _merge_boxes(out, boxes)
    encoded = str(out.container.get("encoded_date") or "")
    if "creation_time" not in out.container and re.match(
        r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$", encoded
    ):
        out.container["creation_time"] = encoded[:10] + "T" + encoded[11:19] + "Z"
        out.container["creation_time_caveat"] = CREATION_CAVEAT
    if not out.container and not out.video and not (boxes and boxes.has_moov):
        out.errors.append("not a readable media container")
    _locations(out, general, boxes)
    return out


def _merge_boxes(out: ContainerFacts, boxes: Mp4Boxes) -> None:
    out.warnings.extend(boxes.problems)
    c = out.container
    c["brand"] = boxes.brand
    if boxes.creation_time:
        c["creation_time"] = boxes.creation_time
        c["creation_time_caveat"] = CREATION_CAVEAT
    apple_date = boxes.keys.get("com.apple.quicktime.creationdate")
    if apple_date:
        c["creation_date_apple"] = apple_date
    c["make"] = (
        c.get("make") or boxes.keys.get("com.apple.quicktime.make") or boxes.udta.get("©mak")
    )
    c["model"] = (
        c.get("model") or boxes.keys.get("com.apple.quicktime.model") or boxes.udta.get("©mod")
    )
    for key, value in sorted(boxes.keys.items()):
        if not key.startswith("com.apple.quicktime.location"):
            c.setdefault(f"key {key}", value)
    for atom, value in sorted(boxes.udta.items()):
        if atom != "©xyz":
            c.setdefault(f"atom {atom}", value)
    track = boxes.video
    if track is None:
        return
    v = out.video
    if track.rotation is not None:
        v["rotation"] = track.rotation
    v["width"] = v.get("width") or (int(track.width) if track.width else None)
    v["height"] = v.get("height") or (int(track.height) if track.height else None)
    # The sample table counts the frames stored; MediaInfo adds a delayed start's span.
    v["frame_count"] = track.samples or v.get("frame_count")
    if track.duration and track.timescale:
        v["duration_s"] = round(track.duration / track.timescale, 3)
    v["start_offset_s"] = boxes.start_offset_s
    v["fps_real"] = v.get("fps_real") or track.real_fps
    if track.variable_rate is not None:
        v["variable_rate"] = bool(track.variable_rate or v.get("fps_mode") == "VFR")
    if v.get("fps_avg") is None and track.samples and track.duration and track.timescale:
        v["fps_avg"] = round(track.samples * track.timescale / track.duration, 3)


def _locations(out: ContainerFacts, general: dict[str, Any], boxes: Mp4Boxes | None) -> None:
    candidates: list[tuple[str, str]] = []
    if boxes is not None:
        if "©xyz" in boxes.udta:
            candidates.append(("©xyz", boxes.udta["©xyz"]))
        apple = boxes.keys.get("com.apple.quicktime.location.ISO6709")
        if apple:
            candidates.append(("com.apple.quicktime.location.ISO6709", apple))
    if not candidates:
        if general.get("xyz"):
            candidates.append(("©xyz", str(general["xyz"])))
        if general.get("comapplequicktimelocationiso6709"):
            candidates.append(
                (
                    "com.apple.quicktime.location.ISO6709",
                    str(general["comapplequicktimelocationiso6709"]),
                )
            )
    for atom, text in candidates:
        loc = parse_iso6709(text, atom, out.warnings)
        if loc is not None:
            out.locations.append(loc)
    if boxes is not None and boxes.loci is not None:
        lat, lon = float(boxes.loci["latitude"]), float(boxes.loci["longitude"])
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            alt = float(boxes.loci["altitude"])
            out.locations.append(
                ContainerLocation(
                    lat,
                    lon,
                    alt,
                    "loci",
                    f"loci {boxes.loci['name']!s} lat {lat:.6f} lon {lon:.6f} alt {alt:g}",
                )
            )
        else:
            out.warnings.append(f"invalid location: loci {lat}, {lon} is out of range; ignored")
