"""Undoable annotation edits: each command calls the core, which saves and logs at once.

A command is pushed after its first step already succeeded (so a refused edit never enters
the stack); `redo` after an undo puts the same record back with the same id, and the custody
log keeps every step.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from forensics.annotations import tracks
from forensics.annotations.known import Removed
from forensics.annotations.models import Annotation, Link, Track
from forensics.annotations.service import AnnotationService
from forensics.errors import WorkbenchError

Service = Callable[[], AnnotationService]
Changed = Callable[[], None]
Refused = Callable[[str], None]


class _Command(QUndoCommand):
    def __init__(
        self, text: str, service: Service, changed: Changed, refused: Refused | None = None
    ) -> None:
        super().__init__(text)
        self._service = service
        self._changed = changed
        self._refused = refused
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
        else:
            self._step(self._redo, "redo")
        self._changed()

    def undo(self) -> None:
        self._step(self._undo, "undo")
        self._changed()

    def _step(self, step: Callable[[AnnotationService], None], what: str) -> None:
        """Run an undo or redo; one a colleague's change overtook (or the case no longer
        allows: a record they deleted) writes nothing, says why, and leaves the stack
        (undoing it later would write over their change)."""
        try:
            step(self._service())
        except WorkbenchError as exc:
            self.setObsolete(True)
            if self._refused is not None:
                self._refused(f"{what} refused: {exc}")

    def _redo(self, svc: AnnotationService) -> None:
        raise NotImplementedError

    def _undo(self, svc: AnnotationService) -> None:
        raise NotImplementedError


class AddAnnotation(_Command):
    """A new mark (already saved when pushed)."""

    def __init__(
        self,
        service: Service,
        changed: Changed,
        annotation: Annotation,
        refused: Refused | None = None,
    ) -> None:
        super().__init__(f"Add {annotation.kind} '{annotation.label}'", service, changed, refused)
        self.annotation = annotation
        self._links: tuple[Link, ...] = ()

    def _redo(self, svc: AnnotationService) -> None:
        svc.restore(Removed(self.annotation, self._links))

    def _undo(self, svc: AnnotationService) -> None:
        # From the mark as made: one a colleague changed, linked or commented on since is theirs.
        self._links = svc.delete(self.annotation.id, based_on=self.annotation).links


class EditAnnotation(_Command):
    """A change of shape, label, note or attributes (already saved when pushed)."""

    def __init__(
        self,
        service: Service,
        changed: Changed,
        before: Annotation,
        after: Annotation,
        text: str = "Edit annotation",
        refused: Refused | None = None,
    ) -> None:
        super().__init__(text, service, changed, refused)
        self.before = before
        self.after = after

    def _redo(self, svc: AnnotationService) -> None:
        svc.put(self.after, based_on=self.before)

    def _undo(self, svc: AnnotationService) -> None:
        # From the edit's result: a field a colleague changed since is theirs to keep.
        svc.put(self.before, based_on=self.after)


class DeleteAnnotation(_Command):
    """A deleted mark with its links (already deleted when pushed).

    A redo deletes the mark only as its undo put it back: one a colleague changed, linked or
    commented on in between is theirs (the redo is refused and leaves the stack)."""

    def __init__(
        self,
        service: Service,
        changed: Changed,
        removed: Removed,
        reason: str | None = None,
        refused: Refused | None = None,
    ) -> None:
        super().__init__(f"Delete '{removed.annotation.label}'", service, changed, refused)
        self.removed = removed
        self.reason = reason

    def _redo(self, svc: AnnotationService) -> None:
        self.removed = svc.delete(
            self.removed.annotation.id, reason=self.reason, based_on=self.removed.known
        )

    def _undo(self, svc: AnnotationService) -> None:
        svc.restore(self.removed)


class AddLink(_Command):
    """A new link (already saved when pushed)."""

    def __init__(
        self, service: Service, changed: Changed, link: Link, refused: Refused | None = None
    ) -> None:
        super().__init__(f"Link to {link.target_type}", service, changed, refused)
        self.link = link

    def _redo(self, svc: AnnotationService) -> None:
        svc.restore_link(self.link)

    def _undo(self, svc: AnnotationService) -> None:
        svc.unlink(self.link.id)


class RemoveLink(_Command):
    """A removed link (already removed when pushed)."""

    def __init__(
        self, service: Service, changed: Changed, link: Link, refused: Refused | None = None
    ) -> None:
        super().__init__(f"Unlink {link.target_type}", service, changed, refused)
        self.link = link

    def _redo(self, svc: AnnotationService) -> None:
        svc.unlink(self.link.id)

    def _undo(self, svc: AnnotationService) -> None:
        svc.restore_link(self.link)


class CreateTrack(_Command):
    """A new, empty track (already saved when pushed)."""

    def __init__(
        self, service: Service, changed: Changed, track: Track, refused: Refused | None = None
    ) -> None:
        super().__init__(f"New track '{track.label}'", service, changed, refused)
        self.track = track

    def _redo(self, svc: AnnotationService) -> None:
        tracks.restore_track(svc, tracks.RemovedTrack(self.track, ()))

    def _undo(self, svc: AnnotationService) -> None:
        tracks.delete_track(svc, self.track.id)


class SetKeyframe(_Command):
    """A keyframe added to a track, or an existing one corrected (already saved).

    Undo and redo start from the state this command left: a keyframe a colleague changed since
    is theirs (the step is refused with the reason and leaves the stack), as for `EditAnnotation`.
    """

    def __init__(
        self,
        service: Service,
        changed: Changed,
        before: Annotation | None,
        after: Annotation,
        refused: Refused | None = None,
    ) -> None:
        text = "Add keyframe" if before is None else "Correct keyframe"
        if after.outside:
            text = "End track"
        super().__init__(f"{text} at frame {after.frame_index}", service, changed, refused)
        self.before = before
        self.after = after

    def _redo(self, svc: AnnotationService) -> None:
        if self.before is None:
            svc.restore(Removed(self.after, ()))
        else:
            svc.put(self.after, based_on=self.before)

    def _undo(self, svc: AnnotationService) -> None:
        if self.before is None:
            svc.delete(self.after.id, based_on=self.after)
        else:
            svc.put(self.before, based_on=self.after)
