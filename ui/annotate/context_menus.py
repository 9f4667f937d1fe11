"""Right-click menus on the marks drawn on the viewer and on the annotation list's rows.

Each entry runs the same undoable controller call (or the same reason-asking delete) as the
Annotate menu, so a right-click changes nothing a menu entry would not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QMenu, QWidget

from ui.annotate.shapes import AnnotationShape

if TYPE_CHECKING:
    from ui.annotate.contribution import AnnotateContribution


class ShapeMenus(QObject):
    """Catches right-clicks on marks in the viewer; a right-click elsewhere keeps the view's
    own menu (other features put entries there, such as Read text)."""

    def __init__(
        self, view: QGraphicsView, show: Callable[[AnnotationShape, QPoint], None]
    ) -> None:
        super().__init__(view)
        self._view = view
        self._show = show
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Show the mark's menu when the right-click lands on a mark."""
        if event.type() == QEvent.Type.ContextMenu and isinstance(event, QContextMenuEvent):
            shape = shape_at(self._view, event.pos())
            if shape is not None:
                self._show(shape, event.pos())
                return True
        return False


def shape_at(view: QGraphicsView, pos: QPoint) -> AnnotationShape | None:
    """The mark under a point of the view's viewport (its label text counts as the mark)."""
    for item in view.items(pos):
        found: QGraphicsItem | None = item
        while found is not None and not isinstance(found, AnnotationShape):
            found = found.parentItem()
        if isinstance(found, AnnotationShape):
            return found
    return None


def shape_menu(owner: AnnotateContribution, shape: AnnotationShape, parent: QWidget) -> QMenu:
    """The menu of a mark on the viewer."""
    controller = owner.controller
    menu = QMenu(parent)
    menu.setObjectName("annotation_shape_menu")
    track_id: str | None = getattr(shape, "track_id", None)
    if shape.interpolated and track_id is not None:
        act = menu.addAction("Make &keyframe here")
        act.setStatusTip("This frame becomes a keyframe of the track, with the shape shown")
        act.triggered.connect(lambda _c=False, t=track_id: controller.make_keyframe(t))
    else:
        _annotation_entries(owner, menu, shape.annotation_id, track_id)
    view_actions = parent.actions()
    if view_actions:
        menu.addSeparator()
        menu.addActions(view_actions)
    return menu


def row_menu(owner: AnnotateContribution, annotation_id: str, parent: QWidget) -> QMenu:
    """The menu of a row of the annotation list."""
    menu = QMenu(parent)
    menu.setObjectName("annotation_row_menu")
    ann = owner.controller.service().repo.find(annotation_id)
    if ann is None:
        return menu
    go = menu.addAction("&Go to its frame")
    go.setStatusTip("Show the frame of this mark in the viewer")
    go.triggered.connect(lambda: owner.go_to_annotation(annotation_id))
    menu.addSeparator()
    _annotation_entries(owner, menu, annotation_id, ann.track_id)
    return menu


def _annotation_entries(
    owner: AnnotateContribution, menu: QMenu, annotation_id: str, track_id: str | None
) -> None:
    controller = owner.controller
    if track_id is None:
        labels = menu.addMenu("Change &label")
        current = controller.service().repo.find(annotation_id)
        for name in owner.label_names():
            act = labels.addAction(name)
            act.setCheckable(True)
            act.setChecked(current is not None and current.label == name)
            act.triggered.connect(
                lambda _c=False, n=name: controller.edit(annotation_id, {"label": n})
            )
    details = menu.addAction("Show &details")
    details.setStatusTip("Show label, note, attributes and links beside the viewer")
    details.triggered.connect(lambda: owner.show_details(annotation_id))
    delete = menu.addAction("&Delete…")
    delete.setStatusTip("Delete this mark, saying why (kept in the custody log)")
    delete.triggered.connect(lambda: owner.delete_annotation(annotation_id))
