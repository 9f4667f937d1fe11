"""The vocabulary of metadata facts: how stored facts read as groups of (label, value) pairs.

The facts each extractor stores are nested JSON (group -> field -> value). The detail panel,
the CLI and reports show them through this one mapping, so "gps.latitude" reads "Latitude"
everywhere and nobody outside the media package needs to know exifread's tag names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from forensics.records.media import MetadataField, MetadataGroup, MetadataRecord

GROUP_ORDER: tuple[tuple[str, str], ...] = (
    ("integrity", "Integrity"),
    ("image", "Image"),
    ("camera", "Camera"),
    ("capture", "Capture time"),
    ("gps", "GPS"),
    ("container", "Container"),
    ("video", "Video stream"),
    ("audio", "Audio stream"),
    ("location", "Container location"),
    ("telemetry", "Drone telemetry"),
    ("gpmf", "GoPro telemetry (GPMF)"),
    ("thumbnail", "Thumbnail"),
    ("exif", "EXIF tags"),
    ("makernote", "Maker note"),
)
"""Groups in display order with their titles; unknown groups follow, titled from their key."""

_GROUP_LABELS = dict(GROUP_ORDER)

FIELD_LABELS: dict[str, str] = {
    "make": "Make",
    "model": "Model",
    "body_serial": "Body serial number",
    "lens_serial": "Lens serial number",
    "internal_serial": "Internal serial number",
    "serials": "Serial numbers",
    "lens": "Lens",
    "lens_make": "Lens make",
    "software": "Software",
    "original": "Taken (DateTimeOriginal)",
    "offset": "UTC offset",
    "zone": "Time zone",
    "kinds": "Kind of problem",
    "iso": "Taken, ISO 8601",
    "digitized": "Digitized",
    "modified": "Modified",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "altitude": "Altitude (m)",
    "altitude_ref": "Altitude reference",
    "direction": "Image direction (°)",
    "direction_ref": "Direction reference",
    "timestamp": "GPS time (UTC)",
    "datum": "Map datum",
    "width": "Width (px)",
    "height": "Height (px)",
    "format": "Format",
    "mode": "Pixel mode",
    "phash": "Perceptual hash",
    "status": "Status",
    "pixels": "Pixel data",
    "exif_block": "EXIF block",
    "duration_s": "Duration (s)",
    "frame_count": "Frame count",
    "fps_avg": "Average frame rate",
    "fps_real": "Real frame rate",
    "fps_mode": "Frame rate mode",
    "variable_rate": "Variable frame rate",
    "codec": "Codec",
    "rotation": "Display rotation (°)",
    "start_offset_s": "Start time offset (s)",
    "creation_time": "Creation time",
    "creation_time_caveat": "Creation time caveat",
    "sha256": "sha256",
    "size": "Size (bytes)",
    "point_count": "Fixes",
    "start": "First fix",
    "end": "Last fix",
    "layout": "Layout",
    "first_fix": "First position",
    "iso6709": "ISO 6709",
    "source": "Source",
    "payloads": "Telemetry payloads",
    "gps_samples": "GPS samples",
    "no_fix": "Samples without a fix",
    "other_gps": "Other GPS streams",
    "devices": "Devices",
    "streams": "Streams",
    "gps_clock_start": "GPS time at start (UTC)",
    "creation_minus_gps_s": "Camera clock minus GPS (s)",
    "zone_guess": "Camera clock zone (guess)",
    "camera_clock_error_s": "Camera clock error (s)",
    "clock_caveat": "Clock caveat",
    "gps_order": "GPS(a, b) order",
    "decoder": "Decoder",
    "raw": "Camera raw",
    "size_from": "Size read from",
    "preview": "Embedded preview",
}


UNKNOWN_SHOWN: dict[str, str] = {"capture.zone": "unknown"}
"""Facts whose absence is itself a finding: shown with this text when their value is None
(stored as null, so `--json` says unknown the typed way). Other None facts are not shown."""


def label_for(key: str) -> str:
    """A readable label for a fact key ("body_serial" -> "Body serial number")."""
    if key in FIELD_LABELS:
        return FIELD_LABELS[key]
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else key


def render_value(value: Any) -> str:
    """One fact value as text: lists joined, numbers without noise, booleans as yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.7f}".rstrip("0").rstrip(".") if value == value else "NaN"
    if isinstance(value, list | tuple):
        return ", ".join(render_value(v) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(
            f"{label_for(str(k))}: {render_value(v)}" for k, v in value.items() if v is not None
        )
    return str(value)


def _shown(key: str, value: Any) -> str:
    return UNKNOWN_SHOWN[key] if value is None and key in UNKNOWN_SHOWN else render_value(value)


def group_facts(records: Iterable[MetadataRecord]) -> tuple[MetadataGroup, ...]:
    """The facts of several extractors' records as ordered display groups.

    Two extractors never write the same group key; if they do, both groups are kept, each
    naming its extractor.
    """
    collected: list[tuple[int, str, MetadataGroup]] = []
    order = {key: i for i, (key, _) in enumerate(GROUP_ORDER)}
    for record in records:
        origin = f"{record.extractor} {record.extractor_version}"
        for key, values in record.facts.items():
            fields: tuple[MetadataField, ...]
            if not isinstance(values, Mapping):
                fields = (MetadataField(label_for(key), render_value(values), key, values),)
            else:
                fields = tuple(
                    MetadataField(label_for(str(k)), _shown(f"{key}.{k}", v), f"{key}.{k}", v)
                    for k, v in values.items()
                    # An empty list ("no problems") says nothing a reader needs to see.
                    if (v is not None and v != []) or f"{key}.{k}" in UNKNOWN_SHOWN
                )
            if not fields:
                continue
            label = _GROUP_LABELS.get(key, label_for(key))
            collected.append(
                (order.get(key, len(order)), key, MetadataGroup(key, label, fields, origin))
            )
    collected.sort(key=lambda c: (c[0], c[1]))
    return tuple(g for _, _, g in collected)
