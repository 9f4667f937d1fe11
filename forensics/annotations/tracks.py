"""Tracks: one object marked on keyframes, boxes in between interpolated.

An analyst marks a vehicle on two or more keyframes; the frames between are interpolated
(`geometry.interpolate`). Correcting any frame makes it a keyframe. The track ends where the
object leaves: an `outside` keyframe there, as CVAT records it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from forensics.annotations.anchor import media_item
from forensics.annotations.geometry import shape_at
from forensics.annotations.known import Removed
from forensics.annotations.models import Annotation, FrameAnchor, Track
from forensics.annotations.service import AnnotationService, Saved
from forensics.errors import EditConflictError, ValidationError
from forensics.records.annotations import ANNOTATION
from forensics.store.db import utc_now


@dataclass(frozen=True)
class RemovedTrack:
    """A deleted track with its keyframes (what an undo puts back)."""

    track: Track
    keyframes: tuple[Removed, ...]


def create_track(
    svc: AnnotationService,
    item_id: str,
    label: str,
    *,
    note: str | None = None,
    attributes: Mapping[str, Any] | None = None,
    track_id: str | None = None,
) -> Track:
    """Start a track of one object on a video (no keyframes yet).

    Raises:
        ValidationError: unknown label or an item without content.
    """
    item = media_item(svc.case, item_id)
    svc.check_label(label)
    now = utc_now()
    track = Track(
        track_id or str(uuid.uuid4()),
        item_id,
        str(item.sha256),
        label,
        note,
        dict(attributes or {}),
        now,
        svc.actor,
        now,
    )
    with svc.case.transaction():
        svc.ensure_labels()
        svc.recorded_insert(track, "track_create", item_id, label=label)
    return track


def add_keyframe(
    svc: AnnotationService,
    track_id: str,
    frame_index: int,
    kind: str,
    points: Iterable[Sequence[float]],
    *,
    anchor: FrameAnchor | None = None,
    outside: bool = False,
    annotation_id: str | None = None,
    as_shown: bool = False,
    based_on: Annotation | None = None,
) -> Saved:
    """Mark (or correct) the object on one frame; that frame becomes a keyframe.

    Args:
        annotation_id: the id a new keyframe gets (stable ids for rebuilt demo data).
        as_shown: the step is made from what the frame showed: `based_on` is the track's
            keyframe on this frame as shown, None when the frame showed none (an interpolated
            shape, or nothing). What a colleague changed since is then settled by the one
            rule of stale edits (`store.rebase`), never written over: a corrected keyframe
            keeps their other fields; their new points there, or a keyframe they made on
            this frame since, is a conflict.
        based_on: see `as_shown`.

    Raises:
        EditConflictError: (with `as_shown`) the keyframe's points were changed since it was
            shown, a keyframe was made on this frame since none was shown, or the one shown
            was deleted since.
    """
    track = svc.repo.get_track(track_id)
    known = svc.repo.keyframes(track_id)
    if anchor is None and not any(k.frame_index == frame_index for k in known):
        anchor = svc.anchor(track.item_id, frame_index)  # decoded before the write lock
    changes = {"points": points, "outside": outside, "keyframe": True}
    with svc.case.transaction():
        # Read inside the write transaction: what is compared is what gets written over.
        keys = svc.repo.keyframes(track_id)
        existing = next((k for k in keys if k.frame_index == frame_index), None)
        if as_shown and based_on is not None and (existing is None or existing.id != based_on.id):
            raise EditConflictError(
                f"the keyframe of track '{track.label}' on frame {frame_index} was deleted "
                "by someone else since it was shown: nothing was written",
                ANNOTATION.subject,
                based_on.id,
                ["keyframe"],
                clashes=[{"field": "keyframe", "base": True, "theirs": None, "mine": True}],
            )
        if existing is not None:
            base = based_on
            if as_shown and base is None:
                # None was shown here: compare theirs with the shape the frame showed.
                base = _as_shown_without(existing, keys)
            return svc.edit(existing.id, changes, based_on=base)
        return svc.add(
            track.item_id,
            frame_index,
            kind,
            points,
            track.label,
            anchor=anchor,
            track_id=track_id,
            keyframe=True,
            outside=outside,
            note=track.note,
            attributes=track.attributes,
            annotation_id=annotation_id,
        )


def _as_shown_without(keyframe: Annotation, keys: Sequence[Annotation]) -> Annotation:
    """A keyframe made since a frame was shown, as that frame showed the track: the shape
    interpolated from the other keyframes (no points when the object was not in view)."""
    shown = shape_at([k for k in keys if k.id != keyframe.id], keyframe.frame_index)
    return replace(
        keyframe,
        points=shown.points if shown is not None else (),
        outside=False,
        keyframe=False,
    )


def end_track(
    svc: AnnotationService,
    track_id: str,
    frame_index: int,
    *,
    anchor: FrameAnchor | None = None,
    annotation_id: str | None = None,
    as_shown: bool = False,
    based_on: Annotation | None = None,
) -> Saved:
    """The object leaves the view at this frame: the track stops here.

    Args:
        as_shown, based_on: the track's keyframe on this frame as the examiner last saw it
            (`add_keyframe`): a colleague's change to it since is a conflict.

    Raises:
        ValidationError: the track has no shape before this frame.
        EditConflictError: see `add_keyframe`.
    """
    keys = svc.repo.keyframes(track_id)
    before = [k for k in keys if k.frame_index < frame_index]
    if not before:
        raise ValidationError("a track ends after its first keyframe")
    shape = shape_at(keys, frame_index - 1)
    last = before[-1]
    points = shape.points if shape is not None else last.points
    return add_keyframe(
        svc,
        track_id,
        frame_index,
        last.kind,
        points,
        anchor=anchor,
        outside=True,
        annotation_id=annotation_id,
        as_shown=as_shown,
        based_on=based_on,
    )


def delete_track(svc: AnnotationService, track_id: str) -> RemovedTrack:
    """Delete a track with all its keyframes and their links."""
    track = svc.repo.get_track(track_id)
    with svc.case.transaction():
        removed = tuple(svc.delete(k.id) for k in svc.repo.keyframes(track_id))
        svc.recorded_delete(track, "track_delete", track.item_id, label=track.label)
    return RemovedTrack(track, removed)


def restore_track(svc: AnnotationService, removed: RemovedTrack) -> Track:
    """Put a deleted track back with its keyframes and links (undo of a delete)."""
    with svc.case.transaction():
        svc.recorded_insert(
            removed.track, "track_restore", removed.track.item_id, label=removed.track.label
        )
        for key in removed.keyframes:
            svc.restore(key)
    return removed.track
