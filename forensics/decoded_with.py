"""Which decoders produced an item's records, or a whole report's: read back from the records.

Every derived record keeps the versions of the libraries that decoded it (`forensics.versions`
stamps): a metadata record its extractor's (exifread, Pillow and its codec, MediaInfo...), a
frame run OpenCV's and PyAV's with their FFmpeg, a file found inside a disk image TSK's (and
libewf's for an E01) in its `decoders` attribute, a carved file its carver's (PhotoRec) in its
`carving` attribute. This module gathers them for `pwb meta`, the detail panel and the report,
so all three say the same thing in the same words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from forensics.store.custody import canonical_json
from forensics.store.frames import FrameRepository
from forensics.store.media import MediaRepository
from forensics.versions import describe

if TYPE_CHECKING:
    from forensics.case import Case
    from forensics.models import Item

METADATA = "metadata"
FRAMES = "frames"
DISK_IMAGE = "disk image"
DISK_IMAGE_READER = "disk image expansion"
"""How files found inside a disk image are named as an extractor."""
CARVING = "carving"
"""How files carved from a disk image's unallocated space are named as an extractor."""
NOT_RECORDED = "not recorded (made before decoder versions were kept)"


@dataclass(frozen=True)
class DecoderUse:
    """One extractor (at one version) and the decoder versions it ran with, on `records`
    records."""

    kind: str
    """"metadata", "frames" or "disk image"."""
    extractor: str
    extractor_version: str
    decoders: dict[str, str] = field(default_factory=dict)
    records: int = 1

    def title(self) -> str:
        """The extractor, its version and how many records ("exif, version 1 (exifread
        3.5.1)", "pwb-frames (scenes), version 1 (opencv 5.1.0), 3 records")."""
        parts = [self.extractor]
        if self.extractor_version:
            parts.append(f"version {self.extractor_version}")
        if self.records > 1:
            parts.append(f"{self.records} records")
        return ", ".join(parts)

    def describe(self) -> str:
        """The decoders as one line ("exifread 3.5.1, Provenance Workbench 0.1.0 ...")."""
        return describe(self.decoders) if self.decoders else NOT_RECORDED

    def to_json(self) -> dict[str, Any]:
        """As `--json` documents show it."""
        return {
            "kind": self.kind,
            "extractor": self.extractor,
            "extractor_version": self.extractor_version,
            "decoders": dict(self.decoders),
            "records": self.records,
        }


def _grouped(rows: Iterable[tuple[str, str, str, Mapping[str, str]]]) -> list[DecoderUse]:
    counts: dict[tuple[str, str, str, str], int] = {}
    decoders: dict[str, Mapping[str, str]] = {}
    for kind, extractor, version, found in rows:
        key = canonical_json(dict(found))
        decoders[key] = found
        counts[(kind, extractor, version, key)] = counts.get((kind, extractor, version, key), 0) + 1
    return [
        DecoderUse(kind, extractor, version, dict(decoders[key]), n)
        for (kind, extractor, version, key), n in counts.items()
    ]


def _image_rows(item: Item) -> list[tuple[str, str, str, Mapping[str, str]]]:
    """What read a file found inside a disk image, or carved what was carved from one."""
    rows: list[tuple[str, str, str, Mapping[str, str]]] = []
    found = item.attributes.get("decoders")
    if isinstance(found, Mapping) and all(isinstance(v, str) for v in found.values()):
        rows.append((DISK_IMAGE, DISK_IMAGE_READER, "", found))
    carving = item.attributes.get("carving")
    if isinstance(carving, Mapping):
        carver, version = carving.get("carver"), carving.get("carver_version")
        if isinstance(carver, str) and isinstance(version, str):
            rows.append((DISK_IMAGE, CARVING, "", {carver.lower(): version}))
    return rows


def for_item(case: Case, item: Item) -> list[DecoderUse]:
    """What decoded this item's records: each metadata record, its frame runs (one line per
    set of versions) and, for a file found inside a disk image, what read it there."""
    rows = _image_rows(item)
    rows += [(METADATA, e, v, d) for _, e, v, d in MediaRepository(case.db).decoder_rows(item.id)]
    rows += [(FRAMES, e, v, d) for _, e, v, d in FrameRepository(case.db).decoder_rows(item.id)]
    return _grouped(rows)


def for_items(case: Case, items: Iterable[Item], scope: set[str] | None) -> list[DecoderUse]:
    """What decoded the records of these items (`scope` None: every record of the case),
    grouped by extractor, version and decoder versions, with how many records each."""
    rows: list[tuple[str, str, str, Mapping[str, str]]] = []
    for item in items:
        rows += _image_rows(item)
    for kind, repo_rows in (
        (METADATA, MediaRepository(case.db).decoder_rows()),
        (FRAMES, FrameRepository(case.db).decoder_rows()),
    ):
        rows += [(kind, e, v, d) for i, e, v, d in repo_rows if scope is None or i in scope]
    return _grouped(rows)
