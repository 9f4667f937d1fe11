"""GPS fixes out of parsed GPMF payloads: `GPS5`, `GPS9` and the Karma drone's `GPRI`.

- `GPS5` (HERO5 to HERO10, MAX): latitude, longitude, altitude, 2D and 3D speed per sample,
  divided by the stream's `SCAL`; the stream also carries `GPSF` (fix: 0 none, 2 2D, 3 3D),
  `GPSP` (dilution of precision x 100) and `GPSU` (the GPS receiver's UTC time,
  "yymmddhhmmss.sss") once per payload.
- `GPS9` (HERO11 and later): the same five values plus days since 2000-01-01, seconds since
  midnight, DOP and fix on every sample, so each fix carries its own UTC time.
- `GPRI` (Karma drone, "GPS RAW"): MAVLink GPS_RAW_INT as a complex structure described by
  `TYPE` "JlllSSSSBB": receiver time (microseconds since the drone booted, not a date),
  latitude, longitude, altitude, HDOP, VDOP, ground speed, course, fix type, satellites.

Each payload covers one sample of the `gpmd` track; a fix's media time is the payload's start
plus its share of the payload's duration. GPSU dates the payload, so a `GPS5` fix's UTC time
is GPSU plus the same share: an estimate to within one payload's sampling, said so here
because a report may quote it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from forensics.media.gpmf import Klv, Payload, Value, numbers, samples, scale

GPS_KEYS = ("GPS5", "GPS9", "GPRI")
_GPS_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class GpsFix:
    """One GPS sample as the telemetry states it, in decimal degrees and metres."""

    lat: float
    lon: float
    alt: float | None
    speed_2d: float | None
    """Ground speed, m/s."""
    speed_3d: float | None
    fix: int | None
    """0 no fix, 2 a 2D fix, 3 a 3D fix (GPSF, or the sample's own fix for GPS9 / GPRI)."""
    dop: float | None
    """Dilution of precision (GPSP / 100, or GPRI's HDOP)."""
    gpsu: str | None
    """The payload's GPSU exactly as written ("190506181507.395"), for GPS5 streams."""
    time: str | None
    """UTC time of this fix, ISO 8601 with "Z"; None when the receiver gives no date (GPRI)."""
    receiver_s: float | None
    """GPRI's receiver clock in seconds since the drone booted."""
    offset_s: float | None
    """Seconds from the start of the telemetry track (media time)."""
    sats: int | None
    key: str
    """"GPS5", "GPS9" or "GPRI"."""
    device: str
    """The `DVNM` of the device that recorded it ("Hero7 Black", "GoPro Karma v1.0")."""


@dataclass(frozen=True)
class PayloadTiming:
    """Where a payload sits on the media clock."""

    start_s: float
    duration_s: float


def gpsu_time(text: str) -> datetime | None:
    """A GPSU string ("yymmddhhmmss.sss", years 20xx) as an aware UTC datetime, or None."""
    text = text.strip()
    if len(text) < 12 or not text[:12].isdigit():
        return None
    try:
        whole = datetime(
            2000 + int(text[0:2]),
            int(text[2:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[8:10]),
            int(text[10:12]),
            tzinfo=UTC,
        )
    except ValueError:
        return None
    frac = text[12:]
    if frac.startswith(".") and frac[1:].isdigit():
        whole += timedelta(seconds=float("0" + frac))
    return whole


def iso(when: datetime) -> str:
    """UTC time as ISO 8601 with milliseconds and "Z"."""
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def _valid(lat: float | None, lon: float | None) -> bool:
    return (
        lat is not None
        and lon is not None
        and -90 <= lat <= 90
        and -180 <= lon <= 180
        and not (lat == 0 and lon == 0)
    )


@dataclass
class _Stream:
    device: str
    timing: PayloadTiming
    props: dict[str, Klv]


def fixes_from_payload(
    payload: Payload, timing: PayloadTiming, warnings: list[str], name: str
) -> list[GpsFix]:
    """Every GPS sample of one payload (fix or not; the caller filters), in stream order.

    Args:
        payload: a parsed `gpmd` sample.
        timing: the sample's place on the media clock.
        warnings: where a stream that cannot be decoded is reported.
        name: how warnings name the payload.
    """
    out: list[GpsFix] = []
    for devc in payload.devices():
        dvnm = devc.find("DVNM")
        device = dvnm.text() if dvnm is not None else "?"
        for strm in devc.children:
            if strm.key != "STRM" or not strm.nested:
                continue
            props: dict[str, Klv] = {}
            for entry in strm.children:
                if entry.key in GPS_KEYS:
                    out.extend(_decode(entry, _Stream(device, timing, dict(props)), warnings, name))
                else:
                    props[entry.key] = entry
    return out


def _decode(entry: Klv, stream: _Stream, warnings: list[str], name: str) -> list[GpsFix]:
    type_klv = stream.props.get("TYPE")
    rows = samples(entry, type_klv.text() if type_klv is not None else None)
    if rows is None:
        warnings.append(
            f"{name}: {entry.key} at offset {entry.offset} (type {entry.type!r}, "
            f"{entry.size} bytes per sample) cannot be decoded; skipped"
        )
        return []
    scal_klv = stream.props.get("SCAL")
    divisors = numbers(scal_klv) if scal_klv is not None else [1.0]
    width = len(rows[0]) if rows else 0
    need = {"GPS5": 5, "GPS9": 9, "GPRI": 10}[entry.key]
    if rows and width < need:
        warnings.append(f"{name}: {entry.key} has {width} fields per sample, not {need}; skipped")
        return []
    if entry.key == "GPS5":
        return _gps5(rows, divisors, stream)
    if entry.key == "GPS9":
        return _gps9(rows, divisors, stream)
    return _gpri(rows, divisors, stream)


def _offset(timing: PayloadTiming, i: int, n: int) -> float:
    return round(timing.start_s + timing.duration_s * i / max(n, 1), 6)


def _gps5(rows: list[tuple[Value, ...]], divisors: list[float], s: _Stream) -> list[GpsFix]:
    gpsf, gpsp, gpsu = (s.props.get(k) for k in ("GPSF", "GPSP", "GPSU"))
    fix_values = numbers(gpsf) if gpsf is not None else []
    dop_values = numbers(gpsp) if gpsp is not None else []
    gpsu_text = gpsu.text() if gpsu is not None else None
    base = gpsu_time(gpsu_text) if gpsu_text else None
    out = []
    for i, row in enumerate(rows):
        lat, lon, alt, v2, v3 = scale(row, divisors)[:5]
        share = s.timing.duration_s * i / max(len(rows), 1)
        out.append(
            GpsFix(
                lat=lat if lat is not None else 0.0,
                lon=lon if lon is not None else 0.0,
                alt=alt,
                speed_2d=v2,
                speed_3d=v3,
                fix=int(fix_values[0]) if fix_values else None,
                dop=dop_values[0] / 100 if dop_values else None,
                gpsu=gpsu_text,
                time=iso(base + timedelta(seconds=share)) if base is not None else None,
                receiver_s=None,
                offset_s=_offset(s.timing, i, len(rows)),
                sats=None,
                key="GPS5",
                device=s.device,
            )
        )
    return out


def _gps9(rows: list[tuple[Value, ...]], divisors: list[float], s: _Stream) -> list[GpsFix]:
    out = []
    for i, row in enumerate(rows):
        lat, lon, alt, v2, v3, days, secs, dop, fix = scale(row, divisors)[:9]
        when = None
        if days is not None and secs is not None and 0 <= days < 40_000 and 0 <= secs < 86_401:
            when = iso(_GPS_EPOCH + timedelta(days=int(days), seconds=secs))
        out.append(
            GpsFix(
                lat=lat if lat is not None else 0.0,
                lon=lon if lon is not None else 0.0,
                alt=alt,
                speed_2d=v2,
                speed_3d=v3,
                fix=int(fix) if fix is not None else None,
                dop=dop,
                gpsu=None,
                time=when,
                receiver_s=None,
                offset_s=_offset(s.timing, i, len(rows)),
                sats=None,
                key="GPS9",
                device=s.device,
            )
        )
    return out


def _gpri(rows: list[tuple[Value, ...]], divisors: list[float], s: _Stream) -> list[GpsFix]:
    out = []
    for i, row in enumerate(rows):
        t, lat, lon, alt, hdop, _vdop, vel, _cog, fix, sats = scale(row, divisors)[:10]
        out.append(
            GpsFix(
                lat=lat if lat is not None else 0.0,
                lon=lon if lon is not None else 0.0,
                alt=alt,
                speed_2d=vel,
                speed_3d=None,
                fix=int(fix) if fix is not None else None,
                dop=hdop,
                gpsu=None,
                time=None,
                receiver_s=t,
                offset_s=_offset(s.timing, i, len(rows)),
                sats=int(sats) if sats is not None else None,
                key="GPRI",
                device=s.device,
            )
        )
    return out


def usable(fix: GpsFix) -> bool:
    """A fix worth plotting: a 2D or 3D lock (or no fix field at all) and a real position."""
    return (fix.fix is None or fix.fix >= 2) and _valid(fix.lat, fix.lon)
