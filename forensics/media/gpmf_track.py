"""A GoPro MP4's GPMF telemetry as one GPS track, with the camera clock checked against GPS.

The `gpmd` samples are located with our own sample-table reader (`mp4_samples`), read one by
one within size caps, parsed (`gpmf`) and their GPS streams decoded (`gpmf_gps`). GoPro
cameras write the container's `creation_time` from the camera's clock, which is set to local
time yet labelled UTC; the GPS receiver's clock is true UTC. Comparing the two gives the
camera's offset, which an examiner needs before trusting any other time the camera wrote, so
it is recorded with the track as a caveat rather than silently corrected.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from forensics.media.gpmf import parse
from forensics.media.gpmf_gps import (
    GPS_KEYS,
    GpsFix,
    PayloadTiming,
    fixes_from_payload,
    iso,
    usable,
)
from forensics.media.mp4_boxes import read_boxes
from forensics.media.mp4_samples import read_sample_tables, read_samples, samples

log = logging.getLogger(__name__)

MAX_PAYLOAD = 16 << 20
"""Largest `gpmd` sample read (real ones are a few KiB per second of video)."""
MAX_TOTAL = 256 << 20
"""Telemetry bytes read per file before the rest is refused."""
MAX_WARNINGS = 20
SOURCE_LABELS = {
    "GPS5": "GoPro GPMF GPS5",
    "GPS9": "GoPro GPMF GPS9",
    "GPRI": "GoPro Karma GPMF GPRI (GPS RAW)",
}
"""Track layouts by GPS key, as stored with the track."""


@dataclass(frozen=True)
class GpmfTrack:
    """What the telemetry track of one file holds, and what was wrong with it."""

    has_track: bool
    payloads: int
    fixes: tuple[GpsFix, ...]
    """Every GPS sample of the chosen source (`key`), usable or not, in time order."""
    key: str | None
    """The GPS source chosen: GPS9, else GPS5, else GPRI (the first that has usable fixes)."""
    counts: dict[str, int]
    """GPS samples found per key (a Karma file may also carry the camera's own GPS5)."""
    devices: tuple[str, ...]
    streams: tuple[str, ...]
    """Stream names (`STNM`) in first-seen order."""
    creation_time: str | None
    """The container's creation_time exactly as `mp4_boxes` read it."""
    warnings: tuple[str, ...]

    @property
    def usable(self) -> tuple[GpsFix, ...]:
        """The fixes with a 2D/3D lock and a real position."""
        return tuple(f for f in self.fixes if usable(f))


def read_gopro_track(path: str | Path, name: str = "file") -> GpmfTrack:
    """Read the GPMF telemetry of an MP4/MOV file.

    Args:
        path: the file (a content-addressed copy; never handed to a media library).
        name: how warnings name the file.

    Returns:
        The track; `has_track` is False for a video without a `gpmd` track. Truncated
        indexes, samples past the end of the file and damaged payloads become warnings.
    """
    warnings: list[str] = []
    all_fixes: list[GpsFix] = []
    devices: list[str] = []
    streams: list[str] = []
    payloads = 0
    with open(path, "rb") as fh:
        tables = read_sample_tables(fh)
        creation = read_boxes(fh).creation_time
        tracks = tables.by_format("gpmd")
        if not tracks:
            if tables.problems:
                warnings.extend(f"{name}: {p}" for p in tables.problems)
            return GpmfTrack(False, 0, (), None, {}, (), (), creation, tuple(warnings))
        track = tracks[0]
        if len(tracks) > 1:
            warnings.append(f"{name}: {len(tracks)} gpmd tracks; only the first is read")
        laid_out, problems = samples(track, tables.file_size)
        warnings.extend(f"{name}: gpmd track: {p}" for p in (*tables.problems, *problems))
        scale = float(track.timescale or 1)
        if track.timescale is None:
            warnings.append(f"{name}: gpmd track has no timescale (mdhd); media times are ticks")
        for sample, data in read_samples(fh, laid_out, max_sample=MAX_PAYLOAD, max_total=MAX_TOTAL):
            label = f"{name}: gpmd sample {sample.index}"
            if data is None:
                warnings.append(f"{label}: {sample.size} bytes is more than we read; skipped")
                continue
            payloads += 1
            payload = parse(data, name=label)
            warnings.extend(payload.warnings)
            _names(payload.devices(), devices, streams)
            timing = PayloadTiming(sample.start / scale, sample.duration / scale)
            all_fixes.extend(fixes_from_payload(payload, timing, warnings, label))
    counts = dict(Counter(f.key for f in all_fixes))
    key = next(
        (k for k in ("GPS9", "GPS5", "GPRI") if any(usable(f) for f in all_fixes if f.key == k)),
        None,
    )
    chosen = tuple(f for f in all_fixes if f.key == key)
    if not all_fixes:
        warnings.append(f"{name}: the telemetry track holds no GPS stream ({payloads} payloads)")
    elif key is None:
        warnings.append(f"{name}: no GPS sample has a satellite fix ({len(all_fixes)} samples)")
    if len(warnings) > MAX_WARNINGS:
        warnings = [*warnings[:MAX_WARNINGS], f"... {len(warnings) - MAX_WARNINGS} more"]
    return GpmfTrack(
        True,
        payloads,
        chosen,
        key,
        counts,
        tuple(devices),
        tuple(streams),
        creation,
        tuple(warnings),
    )


def _names(devcs: list[Any], devices: list[str], streams: list[str]) -> None:
    for devc in devcs:
        dvnm = devc.find("DVNM")
        if dvnm is not None and dvnm.text() not in devices:
            devices.append(dvnm.text())
        for strm in devc.children:
            stnm = strm.find("STNM") if strm.nested else None
            if stnm is not None and stnm.text() not in streams:
                streams.append(stnm.text())


def clock_check(track: GpmfTrack) -> dict[str, Any]:
    """Compare the container's creation_time with the GPS clock at the start of the video.

    Returns:
        Facts: the GPS time at media time 0, the camera-minus-GPS offset in seconds, the
        UTC offset it suggests (rounded to a quarter hour) and what is left over (the camera
        clock's own error), and a sentence saying so; or why no comparison is possible.
    """
    dated = next((f for f in track.usable if f.time is not None), None)
    if dated is None:
        reason = (
            "the GPS gives no date (GPRI: seconds since the drone booted)"
            if track.key == "GPRI"
            else "no GPS fix carries a date"
        )
        return {"clock_caveat": f"creation_time cannot be checked against GPS time: {reason}"}
    gps_at = datetime.fromisoformat((dated.time or "").replace("Z", "+00:00"))
    start = gps_at.timestamp() - (dated.offset_s or 0.0)
    out: dict[str, Any] = {"gps_clock_start": _iso_s(start)}
    if not track.creation_time:
        out["clock_caveat"] = "the container has no creation_time to check against GPS time"
        return out
    created = datetime.fromisoformat(track.creation_time.replace("Z", "+00:00")).timestamp()
    offset = round(created - start, 3)
    quarter = round(offset / 900) * 900
    out.update(
        creation_time=track.creation_time,
        creation_minus_gps_s=offset,
        zone_guess=_zone(quarter),
        camera_clock_error_s=round(offset - quarter, 3),
        clock_caveat=(
            f"creation_time {track.creation_time} is the camera's clock labelled UTC; GPS "
            f"(true UTC) dates the start of the video {_iso_s(start)}, so the camera clock "
            f"is {_span(offset)} {'behind' if offset < 0 else 'ahead of'} UTC: local time at "
            f"{_zone(quarter)}, off by a further {offset - quarter:+.0f} s"
        ),
    )
    return out


def _iso_s(epoch: float) -> str:
    return iso(datetime.fromtimestamp(epoch, tz=UTC))


def _zone(seconds: int) -> str:
    sign = "-" if seconds < 0 else "+"
    minutes = abs(seconds) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _span(seconds: float) -> str:
    s = round(abs(seconds))
    return f"{s // 3600} h {s % 3600 // 60:02d} min {s % 60:02d} s"


def summary(track: GpmfTrack) -> dict[str, Any]:
    """The facts the extractor stores for the detail panel and `pwb meta`."""
    good = track.usable
    facts: dict[str, Any] = {
        "source": SOURCE_LABELS.get(track.key or ""),
        "payloads": track.payloads,
        "gps_samples": len(track.fixes),
        "point_count": len(good),
        "no_fix": len(track.fixes) - len(good),
        "other_gps": {k: n for k, n in track.counts.items() if k != track.key} or None,
        "start": good[0].time if good else None,
        "end": good[-1].time if good else None,
        "first_fix": [good[0].lat, good[0].lon] if good else None,
        "devices": list(track.devices),
        "streams": list(track.streams),
    }
    if good:
        facts.update(clock_check(track))
    return {k: v for k, v in facts.items() if v is not None and v != []}


__all__ = ["GPS_KEYS", "GpmfTrack", "clock_check", "read_gopro_track", "summary"]
