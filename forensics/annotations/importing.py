"""What every importer shares: finding the frame an imported mark belongs on, and the report.

A frame is found by the media's sha256 (an item of this case with that content) and then by
its pixel hash (`FrameSource.locate`), so marks land on the same pixels even when another
decoder numbered the frames of a variable-frame-rate clip differently. Files from other tools
carry no hashes: the caller names the item, and the frame index is trusted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from forensics.annotations.models import FrameAnchor, TargetType
from forensics.annotations.service import AnnotationService
from forensics.errors import EvidenceError, NotFoundError, ValidationError
from forensics.jobs import CancelToken

log = logging.getLogger(__name__)


@dataclass
class ImportReport:
    """What an import took in, and each thing it refused with the reason."""

    imported: int = 0
    tracks: int = 0
    links: int = 0
    duplicates: int = 0
    rejected: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The report as `pwb annotations import --json` prints it."""
        return {
            "imported": self.imported,
            "tracks": self.tracks,
            "links": self.links,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "warnings": self.warnings,
        }


class FrameResolver:
    """Finds, and remembers, where imported frames are in this case."""

    def __init__(
        self,
        svc: AnnotationService,
        default_item: str | None = None,
        cancel: CancelToken | None = None,
    ) -> None:
        self._svc = svc
        self._default_item = default_item
        self._cancel = cancel
        self._cache: dict[tuple[Any, ...], FrameAnchor | str] = {}

    def item_for(self, media_sha256: str | None) -> str | None:
        """The item of this case holding the media (or the one the caller named)."""
        if media_sha256:
            ids = self._svc.repo.item_ids_with_content(media_sha256)
            if ids:
                return ids[0]
            return None
        return self._default_item

    def resolve(
        self,
        media_sha256: str | None,
        frame_index: int,
        pts: float | None,
        pixel_sha256: str | None,
    ) -> FrameAnchor | str:
        """The anchor of the frame, or the reason it cannot be found."""
        key = (media_sha256, frame_index, pts, pixel_sha256)
        if key not in self._cache:
            self._cache[key] = self._resolve(media_sha256, frame_index, pts, pixel_sha256)
        return self._cache[key]

    def _resolve(
        self,
        media_sha256: str | None,
        frame_index: int,
        pts: float | None,
        pixel_sha256: str | None,
    ) -> FrameAnchor | str:
        item_id = self.item_for(media_sha256)
        if item_id is None:
            if media_sha256:
                return f"media {media_sha256} is not in this case"
            return "the file names no media and no item was given"
        try:
            source = self._svc.sources.get(item_id)
            if pixel_sha256:
                found = source.locate(pixel_sha256, frame_index, pts, self._cancel)
                if found is None:
                    return (
                        f"no frame of {source.item.name} has the pixels "
                        f"{pixel_sha256[:16]}… (frame {frame_index})"
                    )
                if found.frame_index != frame_index and frame_index >= 0:
                    log.info(
                        "frame %d of %s found at index %d by its pixels",
                        frame_index,
                        source.item.name,
                        found.frame_index,
                    )
                return found
            return source.anchor(frame_index)
        except (EvidenceError, ValidationError, NotFoundError) as exc:
            return f"frame {frame_index}: {exc}"


def map_links(
    svc: AnnotationService, links: Iterable[Mapping[str, Any]], report: ImportReport, where: str
) -> list[tuple[str, str]]:
    """Links of an imported mark that make sense in this case (items matched by content)."""
    out: list[tuple[str, str]] = []
    for link in links:
        target_type = str(link.get("target_type", ""))
        target_id = str(link.get("target_id", ""))
        if target_type not in TargetType.ALL or not target_id:
            report.warnings.append(
                f"{where}: link {target_type}:{target_id} left out (unknown target type)"
            )
            continue
        if target_type == TargetType.ITEM and svc.case.items.find(target_id) is None:
            sha = link.get("target_sha256")
            ids = svc.repo.item_ids_with_content(str(sha)) if sha else []
            if not ids:
                report.warnings.append(
                    f"{where}: link to item {target_id} left out (no such item in this case)"
                )
                continue
            target_id = ids[0]
        out.append((target_type, target_id))
    return out


def add_imported(
    svc: AnnotationService,
    report: ImportReport,
    where: str,
    anchor: FrameAnchor,
    kind: str,
    points: Sequence[Sequence[float]],
    label: str,
    *,
    note: str | None = None,
    attributes: Mapping[str, Any] | None = None,
    annotation_id: str | None = None,
    track_id: str | None = None,
    keyframe: bool = False,
    outside: bool = False,
    links: Iterable[tuple[str, str]] = (),
) -> bool:
    """Store one imported mark; a problem becomes a rejection naming it, never an exception."""
    if annotation_id and svc.repo.find(annotation_id) is not None:
        report.duplicates += 1
        return False
    if label not in svc.labels():
        report.rejected.append(f"{where}: unknown label '{label}'")
        return False
    try:
        saved = svc.add(
            anchor.item_id,
            anchor.frame_index,
            kind,
            points,
            label,
            note=note,
            attributes=attributes,
            anchor=anchor,
            track_id=track_id,
            keyframe=keyframe,
            outside=outside,
            annotation_id=annotation_id,
        )
    except ValidationError as exc:
        report.rejected.append(f"{where}: {exc}")
        return False
    report.warnings.extend(f"{where}: {w}" for w in saved.warnings)
    report.imported += 1
    for target_type, target_id in links:
        try:
            svc.link(saved.annotation.id, target_type, target_id)
            report.links += 1
        except (ValidationError, NotFoundError) as exc:
            report.warnings.append(f"{where}: link {target_type}:{target_id} left out ({exc})")
    return True
