"""Annotating: every create, edit and delete of a mark, track, link or label, logged.

Each write checks its input, anchors the mark to its frame's pixels, clips it to the frame
(with a warning per change) and commits together with its custody entry (action
`annotated`, the record's new state chained), so the log says who annotated what, and when.
Undo in the GUI calls `restore`/`put` with an earlier state: the record keeps its id and the
log keeps both steps. The label set (`labels.py`) and links (`links.py`) are the service's
other parts; tracks (`tracks.py`) are functions over it.
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
from forensics.annotations.known import Known, Removed, refuse_if_touched
from forensics.annotations.labels import LabelBook
from forensics.annotations.links import AnnotationLinks
from forensics.annotations.models import (
    Annotation,
    AnnotationFilter,
    FrameAnchor,
    Track,
)
from forensics.case import Case
from forensics.errors import EditConflictError, NotFoundError, ValidationError
from forensics.records.annotations import ANNOTATION
from forensics.store.comments import CommentRepository
from forensics.store.db import utc_now
from forensics.store.rebase import rebase

log = logging.getLogger(__name__)

_EDITABLE = ("points", "label", "note", "attributes", "outside", "keyframe")


@dataclass(frozen=True)
class Saved:
    """An annotation as stored, with what clipping changed."""

    annotation: Annotation
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Shown:
    """A shape visible on one frame: an annotation, or a track's shape between keyframes."""

    annotation: Annotation
    """The annotation itself, or the keyframe an interpolated shape starts from."""
    points: tuple[tuple[float, float], ...]
    interpolated: bool


class AnnotationService(LabelBook, AnnotationLinks):
    """The annotation operations of one open case, on behalf of one actor."""

    def __init__(
        self, case: Case, actor: str | None = None, sources: FrameSources | None = None
    ) -> None:
        super().__init__(case, actor)
        self.sources = sources or FrameSources(case)

    def close(self) -> None:
        """Release the decoders opened for anchoring."""
        self.sources.close()

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
        self.check_label(label)
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
            self.ensure_labels()
            self.recorded_insert(
                ann,
                "create",
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
        self,
        annotation_id: str,
        changes: Mapping[str, Any],
        *,
        reason: str | None = None,
        based_on: Annotation | None = None,
    ) -> Saved:
        """Change the shape, label, note, attributes or flags of an annotation.

        Args:
            annotation_id: the annotation.
            changes: field -> new value.
            reason: why, in the examiner's words.
            based_on: the annotation as the form showed it: only the fields that differ from
                it are changed, and one someone else changed since is a conflict.

        Raises:
            ValidationError: an unknown field, a bad shape or an unknown label.
            EditConflictError: a field these changes set was changed since `based_on`.
        """
        unknown = set(changes) - set(_EDITABLE)
        if unknown:
            raise ValidationError(f"cannot edit {', '.join(sorted(unknown))}")
        with self.case.transaction():
            before = self.repo.get(annotation_id)
            values = dict(changes)
            if based_on is not None:
                values = rebase(based_on, before, values, label=f"annotation '{before.label}'")
            warnings: tuple[str, ...] = ()
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
                self.check_label(values["label"])
            if "attributes" in values:
                values["attributes"] = dict(values["attributes"])
            after = replace(before, **values, updated_at=utc_now())
            return Saved(self.write_state(before, after, "edit", reason, warnings), warnings)

    def put(
        self, state: Annotation, *, reason: str | None = None, based_on: Annotation | None = None
    ) -> Annotation:
        """Bring an existing annotation back to an earlier state (undo of an edit).

        Args:
            state: the state to bring back.
            reason: why.
            based_on: the state the undo starts from (the edit's result): only the fields
                that differ from it go back, and one a colleague changed since is a conflict.

        Raises:
            EditConflictError: a field to bring back was changed since `based_on`.
        """
        with self.case.transaction():
            before = self.repo.get(state.id)
            after = replace(state, updated_at=utc_now())
            if based_on is not None:
                wanted = {f: getattr(state, f) for f in _EDITABLE}
                mine = rebase(based_on, before, wanted, label=f"annotation '{before.label}'")
                after = replace(before, **mine, updated_at=utc_now())
            return self.write_state(before, after, "edit", reason, ())

    def write_state(
        self,
        before: Annotation,
        after: Annotation,
        op: str,
        reason: str | None,
        warnings: tuple[str, ...],
    ) -> Annotation:
        """Save a new state of an annotation, logging each changed field's old and new value."""
        old, new = before.to_record(), after.to_record()
        diff = {
            k: {"from": old[k], "to": new[k]} for k in new if k != "updated_at" and old[k] != new[k]
        }
        self.recorded_update(
            before,
            after,
            op,
            after.item_id,
            reason=reason,
            changes=diff,
            warnings=list(warnings),
        )
        return after

    def delete(
        self,
        annotation_id: str,
        *,
        reason: str | None = None,
        based_on: Annotation | Known | None = None,
    ) -> Removed:
        """Delete an annotation and its links; returns what an undo needs to restore them.

        Args:
            annotation_id: the annotation.
            reason: why.
            based_on: the annotation as the caller last knew it (an undo of its creation: the
                mark as made; a redo of its delete: `Removed.known`, the mark as the undo put
                it back): one someone changed, linked or commented on since is theirs now, and
                is not deleted (its links would go with it, their comments would be on nothing).

        Raises:
            EditConflictError: the annotation was changed since `based_on`.
        """
        with self.case.transaction():
            ann = self.repo.get(annotation_id)
            links = tuple(self.repo.links_of(annotation_id))
            said = tuple(CommentRepository(self.case.db).on(annotation_id))
            if based_on is not None:
                refuse_if_touched(based_on, ann, links, said)
            for link in links:
                self._remove_link(link, ann.item_id)
            self.recorded_delete(
                ann,
                "delete",
                ann.item_id,
                reason=reason,
                label=ann.label,
                frame_index=ann.frame_index,
            )
        return Removed(ann, links, said)

    def restore(self, removed: Removed, *, reason: str | None = None) -> Annotation:
        """Put a deleted annotation and its links back, with their ids (undo of a delete)."""
        ann = removed.annotation
        with self.case.transaction():
            if ann.track_id is not None and self.repo.find_track(ann.track_id) is None:
                raise NotFoundError(f"the track {ann.track_id} of the annotation is gone")
            if ann.track_id is not None:
                self._no_other_keyframe(ann)
            self.recorded_insert(
                ann,
                "restore",
                ann.item_id,
                reason=reason,
                label=ann.label,
                frame_index=ann.frame_index,
            )
            for link in removed.links:
                self._add_link(link, ann.item_id)
        return ann

    def _no_other_keyframe(self, ann: Annotation) -> None:
        """Refuse to put a keyframe back on a frame where its track has another one now (a
        colleague marked the object there since): two keyframes on one frame would be two
        truths about one moment.

        Raises:
            EditConflictError: the track has another keyframe on that frame.
        """
        for key in self.repo.keyframes(str(ann.track_id)):
            if key.frame_index == ann.frame_index and key.id != ann.id:
                raise EditConflictError(
                    f"the track has a keyframe on frame {ann.frame_index} made since, by "
                    f"{key.created_by}: nothing was put back",
                    ANNOTATION.subject,
                    key.id,
                    ["points"],
                )

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
