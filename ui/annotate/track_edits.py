"""The track half of the annotation controller: an object followed across a video's frames.

T starts a track on the shown video; each shape drawn then is a keyframe of it (a box moved on
an interpolated frame makes that frame a keyframe there); E ends it where the object leaves
the view. Each change is one undoable command, as for single marks (`AnnotationController`
mixes this in: the frame on screen, the service and the undo stack are the controller's).

A step on the frame shown is made from the track as that frame showed it (its keyframe
there, or none): a colleague's change to it since is settled in the conflict dialog
(`ui.edit_conflict`), never written over.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from forensics.annotations import tracks
from forensics.annotations.models import Annotation, FrameAnchor
from ui.annotate import commands
from ui.annotate.shapes import Points
from ui.edit_conflict import save_edit

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QGraphicsView

    from forensics.annotations.service import AnnotationService, Saved


class TrackEdits:
    """Starting, marking and ending tracks on the frame the controller shows."""

    if TYPE_CHECKING:
        # What the controller provides.
        _frame: FrameAnchor | None
        _keys_shown: dict[str, Annotation]
        track_id: str | None
        view: QGraphicsView
        failed: SignalInstance
        warned: SignalInstance

        def service(self) -> AnnotationService: ...
        def refresh(self) -> None: ...
        def _attempt(self, what: str, fn: Callable[[], Any]) -> Any: ...
        def _push(self, command: commands._Command) -> None: ...
        def _did_change(self) -> None: ...
        def _label_for_new_mark(self) -> str | None: ...

    def _on_interpolated_moved(self, annotation_id: str, points: Points) -> None:
        """An interpolated track shape was dragged: this frame becomes a keyframe there."""
        ann = self._attempt("keyframe refused", lambda: self.service().get(annotation_id))
        if ann is None or ann.track_id is None or not self.make_keyframe(ann.track_id, points):
            self.refresh()

    def make_keyframe(self, track_id: str, points: Points | None = None) -> bool:
        """Make the shown frame a keyframe of a track, with `points` or the interpolated
        shape it shows now (undoable)."""
        frame = self._frame
        if frame is None:
            return False
        svc = self.service()
        if points is None:
            shown = [
                s
                for s in svc.on_frame(frame.item_id, frame.frame_index)
                if s.annotation.track_id == track_id
            ]
            if not shown:
                self.failed.emit(f"the track is not on frame {frame.frame_index}")
                return False
            points = shown[0].points
        kind = svc.repo.keyframes(track_id)[0].kind
        return self.set_keyframe(kind, points, track_id=track_id)

    def start_track(self, label: str | None = None) -> str | None:
        """Start a track on the shown video; drawn shapes become its keyframes."""
        frame = self._frame
        if frame is None or frame.frame_index < 0:
            self.failed.emit("a track needs a video frame on screen")
            return None
        chosen = label or self._label_for_new_mark()
        if chosen is None:
            self.warned.emit("no label chosen: no track was started")
            return None
        track = self._attempt(
            "track refused",
            lambda: tracks.create_track(self.service(), frame.item_id, chosen),
        )
        if track is None:
            return None
        self._push(
            commands.CreateTrack(self.service, self._did_change, track, refused=self.failed.emit)
        )
        self.track_id = track.id
        return track.id  # type: ignore[no-any-return]

    def stop_track(self) -> None:
        """Drawn shapes are single marks again."""
        self.track_id = None

    def set_keyframe(
        self, kind: str, points: Points, *, outside: bool = False, track_id: str | None = None
    ) -> bool:
        """Mark (or correct) a track, the one being drawn by default, on the shown frame
        (undoable), from the track as the frame showed it; False when refused or dropped."""
        frame = self._frame
        track_id = track_id or self.track_id
        if frame is None or track_id is None:
            return False
        return self._step(
            track_id,
            frame.frame_index,
            lambda base: tracks.add_keyframe(
                self.service(),
                track_id,
                frame.frame_index,
                kind,
                points,
                anchor=frame,
                outside=outside,
                as_shown=True,
                based_on=base,
            ),
        )

    def _step(self, track_id: str, frame_index: int, write: Callable[[Any], Saved]) -> bool:
        """Save a track step on `frame_index` made from its keyframe there as shown (none on a
        frame not shown), settling a colleague's change since; push it for undo."""
        svc = self.service()
        shown = self._keys_shown.get(track_id) if self._shown_at(frame_index) else None
        stored_before: list[Annotation | None] = []

        def step(base: Annotation | None) -> Saved:
            stored_before[:] = [
                next(
                    (k for k in svc.repo.keyframes(track_id) if k.frame_index == frame_index), None
                )
            ]
            return write(base)

        track = svc.repo.find_track(track_id)
        if track is None:
            self.failed.emit("keyframe refused: the track was deleted")
            return False
        saved = self._attempt(
            "keyframe refused",
            lambda: save_edit(
                self.view,
                svc.case,
                f"Track '{track.label}' on frame {frame_index}",
                shown,
                step,
                lambda _current: self._did_change(),
            ),
        )
        if saved is None:
            return False
        self._push(
            commands.SetKeyframe(
                self.service,
                self._did_change,
                stored_before[0],
                saved.annotation,
                refused=self.failed.emit,
            )
        )
        return True

    def _shown_at(self, frame_index: int) -> bool:
        frame = self._frame
        return frame is not None and frame.frame_index == frame_index

    def _frame_count(self, item_id: str) -> int:
        return int(self.service().sources.get(item_id).frame_count())

    def end_track_here(self) -> None:
        """The tracked object leaves the view on the shown frame (undoable).

        When the object is marked on this frame (a box just drawn), it is in view here: the
        track ends on the next frame and the drawn box stays. Without a track being drawn,
        nothing changes (a single mark is never turned into a track end).
        """
        frame, track_id = self._frame, self.track_id
        if frame is None or track_id is None:
            self.warned.emit("no track is being drawn: E ends a track started with T")
            return
        svc = self.service()
        keys = svc.repo.keyframes(track_id)
        end_at = frame.frame_index
        anchor: FrameAnchor | None = frame
        here = next((k for k in keys if k.frame_index == end_at), None)
        if here is not None and not here.outside:
            end_at, anchor = end_at + 1, None
            if end_at >= self._frame_count(frame.item_id):
                self.warned.emit("the object is in view on the last frame: the track runs to it")
                self.track_id = None
                return
            self.warned.emit(
                f"the object is marked on frame {frame.frame_index}: the track ends on {end_at}"
            )
        # On the frame shown, the end is made from the track as shown there; on the next
        # frame (never shown), from the track as stored when the end is written.
        shown = self._shown_at(end_at)
        if self._step(
            track_id,
            end_at,
            lambda base: tracks.end_track(
                svc, track_id, end_at, anchor=anchor, as_shown=shown, based_on=base
            ),
        ):
            self.track_id = None
