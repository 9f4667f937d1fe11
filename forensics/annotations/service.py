"""Annotating: every create, edit and delete of a mark, track, link or label, logged.

Each write checks its input, anchors the mark to its frame's pixels, clips it to the frame
(with a warning per change) and commits together with its custody entry (action
`annotated`, the record's new state chained), so the log says who annotated what, and when.
Undo in the GUI calls `restore`/`put` with an earlier state: the record keeps its id and the
log keeps both steps.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from forensics.annotations.anchor import FrameSources
from forensics.annotations.geometry import (
    TrackFrame,
    clip_to_frame,
    interpolate,
    normalise,
    shape_at,
)
from forensics.annotations.models import (
    DEFAULT_LABELS,
    Annotation,
    AnnotationFilter,
    FrameAnchor,
    Label,
    LabelSet,
    Link,
    TargetType,
    Track,
)
from forensics.case import Case
from forensics.errors import NotFoundError, ValidationError
from forensics.store.annotations import AnnotationRepository
from forensics.store.custody import Action
from forensics.store.db import utc_now

log = logging.getLogger(__name__)

_LABEL_NS = uuid.UUID("6f1c7a52-3f0e-4c1e-9a55-5d1c2f0b7e11")
_EDITABLE = ("points", "label", "note", "attributes", "outside", "keyframe")
_UNSET: Any = object()


def label_id(name: str) -> str:
    """The id of a default label: the same in every case, so merged cases agree."""
    return str(uuid.uuid5(_LABEL_NS, f"label:{name}"))


@dataclass(frozen=True)
class Saved:
    """An annotation as stored, with what clipping changed."""

    annotation: Annotation
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Removed:
    """A deleted annotation and the links that went with it (what an undo puts back)."""

    annotation: Annotation
    links: tuple[Link, ...]


@dataclass(frozen=True)
class Shown:
    """A shape visible on one frame: an annotation, or a track's shape between keyframes."""

    annotation: Annotation
    """The annotation itself, or the keyframe an interpolated shape starts from."""
    points: tuple[tuple[float, float], ...]
    interpolated: bool


class AnnotationService:
    """The annotation operations of one open case, on behalf of one actor."""

    def __init__(
        self, case: Case, actor: str | None = None, sources: FrameSources | None = None
    ) -> None:
        self.case = case
        self.repo = AnnotationRepository(case.db)
        self.actor = case.actor(actor)
        self.sources = sources or FrameSources(case)

    def close(self) -> None:
        """Release the decoders opened for anchoring."""
        self.sources.close()

    # logging ------------------------------------------------------------------------------
    def _log(
        self,
        op: str,
        subject: str,
        record: Mapping[str, Any] | None,
        record_id: str,
        item_id: str | None,
        *,
        deleted: bool = False,
        reason: str | None = None,
        **details: Any,
    ) -> None:
        self.case.custody.append(
            Action.ANNOTATED,
            self.actor,
            item_id=item_id,
            subject=(subject, record_id),
            record=None if deleted else record,
            deleted=deleted,
            details={"op": op, **details},
            reason=reason,
        )

    # labels -------------------------------------------------------------------------------

    def _add_link(self, link: Link, item_id: str | None) -> None:
        """Store a link and log it (a new link, a restored one, or one put back by undo)."""
        self.repo.insert_link(link)
        self._log(
            "link",
            "annotation_link",
            link.to_record(),
            link.id,
            item_id,
            annotation_id=link.annotation_id,
            target_type=link.target_type,
            target_id=link.target_id,
        )

    def _remove_link(self, link: Link, item_id: str | None) -> None:
        """Delete a link and log the deletion."""
        self.repo.delete_link(link.id)
        self._log(
            "unlink",
            "annotation_link",
            None,
            link.id,
            item_id,
            deleted=True,
            annotation_id=link.annotation_id,
            target_type=link.target_type,
            target_id=link.target_id,
        )

    def labels(self) -> LabelSet:
        """The case's labels (the default set until the case stores its own)."""
        stored = self.repo.labels()
        if stored:
            return LabelSet(tuple(stored))
        return LabelSet(tuple(Label(label_id(n), n, c) for n, c in DEFAULT_LABELS))

    def _ensure_labels(self) -> None:
        if self.repo.labels():
            return
        now = utc_now()
        for name, color in DEFAULT_LABELS:
            label = Label(label_id(name), name, color, now, self.actor)
            self.repo.insert_label(label)
            self._log(
                "label_create", "annotation_label", label.to_record(), label.id, None, name=name
            )

    def add_label(self, name: str, color: str = "#cccccc") -> Label:
        """Add a label to the case's set.

        Raises:
            ValidationError: empty name, or the set already has it.
        """
        name = name.strip()
        if not name:
            raise ValidationError("a label needs a name")
        if name in self.labels():
            raise ValidationError(f"the label set already has '{name}'")
        label = Label(str(uuid.uuid4()), name, color, utc_now(), self.actor)
        with self.case.transaction():
            self._ensure_labels()
            self.repo.insert_label(label)
            self._log(
                "label_create", "annotation_label", label.to_record(), label.id, None, name=name
            )
        return label

    def remove_label(self, name: str) -> None:
        """Remove a label no annotation uses.

        Raises:
            ValidationError: the label is in use or unknown.
        """
        if name in self.repo.label_names_in_use():
            raise ValidationError(f"the label '{name}' is in use and cannot be removed")
        with self.case.transaction():
            self._ensure_labels()
            found = [lb for lb in self.repo.labels() if lb.name == name]
            if not found:
                raise ValidationError(f"no label '{name}'")
            self.repo.delete_label(found[0].id)
            self._log(
                "label_delete", "annotation_label", None, found[0].id, None, deleted=True, name=name
            )

    def _check_label(self, label: str) -> None:
        if label not in self.labels():
            raise ValidationError(
                f"unknown label '{label}' (the case's labels: {', '.join(self.labels().names())})"
            )

    # annotations --------------------------------------------------------------------------
    def anchor(self, item_id: str, frame_index: int) -> FrameAnchor:
        """Decode a frame and return what anchors it."""
        return self.sources.get(item_id).anchor(frame_index)

    def add(
        self,
        item_id: str,
        frame_index: int,
        kind: str,
        points: Iterable[Sequence[float]],
        label: str,
        *,
        note: str | None = None,
        attributes: Mapping[str, Any] | None = None,
        anchor: FrameAnchor | None = None,
        track_id: str | None = None,
        keyframe: bool = False,
        outside: bool = False,
        links: Iterable[tuple[str, str]] = (),
        reason: str | None = None,
        annotation_id: str | None = None,
    ) -> Saved:
        """Annotate one frame (index -1 for a still image).

        Args:
            anchor: the frame's anchor when the caller already decoded it (the viewer).

        Raises:
            ValidationError: bad shape, unknown label, a link to nothing, or nothing of the
                shape inside the frame.
        """
        shape = normalise(kind, points)
        self._check_label(label)
        if anchor is None:
            anchor = self.anchor(item_id, frame_index)
        if anchor.item_id != item_id:
            raise ValidationError("the frame anchor belongs to another item")
        clipped = clip_to_frame(kind, shape, anchor.width, anchor.height)
        now = utc_now()
        ann = Annotation(
            id=annotation_id or str(uuid.uuid4()),
            item_id=item_id,
            media_sha256=anchor.media_sha256,
            frame_index=anchor.frame_index,
            pts=anchor.pts,
            frame_pixel_sha256=anchor.pixel_sha256,
            frame_width=anchor.width,
            frame_height=anchor.height,
            kind=kind,
            points=clipped.points,
            label=label,
            note=note,
            attributes=dict(attributes or {}),
            track_id=track_id,
            keyframe=keyframe,
            outside=outside,
            created_at=now,
            created_by=self.actor,
            updated_at=now,
        )
        with self.case.transaction():
            self._ensure_labels()
            self.repo.insert(ann)
            self._log(
                "create",
                "annotation",
                ann.to_record(),
                ann.id,
                item_id,
                reason=reason,
                label=label,
                kind=kind,
                frame_index=ann.frame_index,
                warnings=list(clipped.warnings),
            )
            for target_type, target_id in links:
                self._insert_link(ann.id, target_type, target_id, None, None)
        for warning in clipped.warnings:
            log.warning("%s", warning)
        return Saved(ann, clipped.warnings)

    def get(self, annotation_id: str) -> Annotation:
        """One annotation by id."""
        return self.repo.get(annotation_id)

    def search(self, flt: AnnotationFilter | None = None) -> list[Annotation]:
        """Annotations matching a filter."""
        return self.repo.search(flt)

    def edit(
        self, annotation_id: str, changes: Mapping[str, Any], *, reason: str | None = None
    ) -> Saved:
        """Change the shape, label, note, attributes or flags of an annotation.

        Raises:
            ValidationError: an unknown field, a bad shape or an unknown label.
        """
        unknown = set(changes) - set(_EDITABLE)
        if unknown:
            raise ValidationError(f"cannot edit {', '.join(sorted(unknown))}")
        before = self.repo.get(annotation_id)
        warnings: tuple[str, ...] = ()
        values = dict(changes)
        if "points" in values:
            clipped = clip_to_frame(
                before.kind,
                normalise(before.kind, values["points"]),
                before.frame_width,
                before.frame_height,
            )
            values["points"] = clipped.points
            warnings = clipped.warnings
        if "label" in values:
            self._check_label(values["label"])
        if "attributes" in values:
            values["attributes"] = dict(values["attributes"])
        after = replace(before, **values, updated_at=utc_now())
        return Saved(self._write(before, after, "edit", reason, warnings), warnings)

    def put(self, state: Annotation, *, reason: str | None = None) -> Annotation:
        """Bring an existing annotation back to an earlier state (undo of an edit)."""
        before = self.repo.get(state.id)
        return self._write(before, replace(state, updated_at=utc_now()), "edit", reason, ())

    def _write(
        self,
        before: Annotation,
        after: Annotation,
        op: str,
        reason: str | None,
        warnings: tuple[str, ...],
    ) -> Annotation:
        old, new = before.to_record(), after.to_record()
        diff = {
            k: {"from": old[k], "to": new[k]} for k in new if k != "updated_at" and old[k] != new[k]
        }
        with self.case.transaction():
            self.repo.update(after)
            self._log(
                op,
                "annotation",
                new,
                after.id,
                after.item_id,
                reason=reason,
                changes=diff,
                warnings=list(warnings),
            )
        return after

    def delete(self, annotation_id: str, *, reason: str | None = None) -> Removed:
        """Delete an annotation and its links; returns what an undo needs to restore them."""
        with self.case.transaction():
            ann = self.repo.get(annotation_id)
            links = tuple(self.repo.links_of(annotation_id))
            for link in links:
                self._remove_link(link, ann.item_id)
            self.repo.delete(annotation_id)
            self._log(
                "delete",
                "annotation",
                None,
                ann.id,
                ann.item_id,
                deleted=True,
                reason=reason,
                label=ann.label,
                frame_index=ann.frame_index,
            )
        return Removed(ann, links)

    def restore(self, removed: Removed, *, reason: str | None = None) -> Annotation:
        """Put a deleted annotation and its links back, with their ids (undo of a delete)."""
        ann = removed.annotation
        with self.case.transaction():
            if ann.track_id is not None and self.repo.find_track(ann.track_id) is None:
                raise NotFoundError(f"the track {ann.track_id} of the annotation is gone")
            self.repo.insert(ann)
            self._log(
                "restore",
                "annotation",
                ann.to_record(),
                ann.id,
                ann.item_id,
                reason=reason,
                label=ann.label,
                frame_index=ann.frame_index,
            )
            for link in removed.links:
                self._add_link(link, ann.item_id)
        return ann

    # links --------------------------------------------------------------------------------
    def link(
        self,
        annotation_id: str,
        target_type: str,
        target_id: str,
        *,
        note: str | None = None,
        link_id: str | None = None,
    ) -> Link:
        """Say what an annotation supports.

        Raises:
            ValidationError: unknown target type, a link that exists, or an unknown item.
        """
        with self.case.transaction():
            return self._insert_link(annotation_id, target_type, target_id, note, link_id)

    def _insert_link(
        self,
        annotation_id: str,
        target_type: str,
        target_id: str,
        note: str | None,
        link_id: str | None,
    ) -> Link:
        if target_type not in TargetType.ALL:
            raise ValidationError(
                f"unknown link target '{target_type}' (use one of {', '.join(TargetType.ALL)})"
            )
        if not target_id.strip():
            raise ValidationError("a link needs a target id")
        ann = self.repo.get(annotation_id)
        if target_type == TargetType.ITEM:
            self.case.items.get(target_id)
        if any(
            lk.target_type == target_type and lk.target_id == target_id
            for lk in self.repo.links_of(annotation_id)
        ):
            raise ValidationError(f"the annotation already supports {target_type} {target_id}")
        link = Link(
            link_id or str(uuid.uuid4()),
            annotation_id,
            target_type,
            target_id,
            note,
            utc_now(),
            self.actor,
        )
        self._add_link(link, ann.item_id)
        return link

    def restore_link(self, link: Link) -> Link:
        """Put a removed link back with its id (undo of an unlink)."""
        with self.case.transaction():
            ann = self.repo.get(link.annotation_id)
            self._add_link(link, ann.item_id)
        return link

    def unlink(self, link_id: str) -> Link:
        """Remove one link; returns it for an undo."""
        with self.case.transaction():
            link = self.repo.find_link(link_id)
            if link is None:
                raise NotFoundError(f"no annotation link {link_id}")
            ann = self.repo.find(link.annotation_id)
            self._remove_link(link, ann.item_id if ann else None)
        return link

    def links_of(self, annotation_id: str) -> list[Link]:
        """What an annotation supports."""
        return self.repo.links_of(annotation_id)

    def supporting(self, target_type: str, target_id: str) -> list[Annotation]:
        """The annotations that support a record (the link followed backwards)."""
        return [
            self.repo.get(lk.annotation_id) for lk in self.repo.links_to(target_type, target_id)
        ]

    # frames -------------------------------------------------------------------------------
    def on_frame(self, item_id: str, frame_index: int) -> list[Shown]:
        """Every shape to draw on one frame: its annotations and the tracks passing by."""
        shown: list[Shown] = []
        for ann in self.repo.search(AnnotationFilter(item_id=item_id, frame_index=frame_index)):
            if not ann.outside:
                shown.append(Shown(ann, ann.points, False))
        for track in self.repo.tracks(item_id):
            keys = self.repo.keyframes(track.id)
            if any(k.frame_index == frame_index for k in keys):
                continue
            tf = shape_at(keys, frame_index)
            if tf is not None:
                shown.append(Shown(tf.source, tf.points, True))
        return shown

    def flags(self, annotation: Annotation) -> tuple[str, ...]:
        """Why an annotation's media is in doubt (damaged, missing), if it is."""
        item = self.case.items.find(annotation.item_id)
        if item is None:
            return ("the annotated item is gone",)
        out: list[str] = []
        if item.errors:
            out.append("media found damaged: " + "; ".join(item.errors))
        if item.status != "active":
            out.append(f"media status is {item.status}")
        if item.sha256 and not self.case.evidence.has(item.sha256):
            out.append("media content missing from the evidence store")
        if item.sha256 and item.sha256 != annotation.media_sha256:
            out.append("the item's content hash differs from the annotated media")
        return tuple(out)

    # tracks (tracks.py keeps the rest) ----------------------------------------------------
    def track_frames(self, track_id: str, last_frame: int | None = None) -> list[TrackFrame]:
        """Every frame of a track, keyframes and interpolated shapes."""
        return interpolate(self.repo.keyframes(track_id), last_frame=last_frame)

    def get_track(self, track_id: str) -> Track:
        """One track by id."""
        return self.repo.get_track(track_id)
