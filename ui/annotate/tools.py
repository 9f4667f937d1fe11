"""Drawing tools on the viewer: box, point, polygon and free-hand arrow.

The tool filters the view's mouse events only while it is active (the viewer's pan by drag is
switched off meanwhile) and reports each finished shape in image pixels.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsView

from ui.annotate.shapes import OVERLAY_Z, shape_path

TOOLS = ("box", "point", "polygon", "arrow")
_MIN_STEP = 3.0
"""Pixels between two recorded points of a free-hand arrow."""


class DrawingTool(QObject):
    """Turns mouse gestures on a graphics view into shapes."""

    shape_drawn = Signal(str, object)
    """kind, tuple of (x, y) points in image pixels."""
    tool_changed = Signal(str)
    """The active tool ("" when none)."""

    def __init__(self, view: QGraphicsView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._view = view
        self._tool = ""
        self._points: list[tuple[float, float]] = []
        self._pressed = False
        self._preview: QGraphicsPathItem | None = None
        self._drag_mode = view.dragMode()
        view.viewport().installEventFilter(self)
        view.installEventFilter(self)

    @property
    def tool(self) -> str:
        """The active tool, "" when none."""
        return self._tool

    def set_tool(self, tool: str) -> None:
        """Activate a tool ("" to stop drawing)."""
        if tool and tool not in TOOLS:
            raise ValueError(f"unknown tool {tool}")
        self._reset()
        if tool and not self._tool:
            self._drag_mode = self._view.dragMode()
        self._tool = tool
        self._view.setDragMode(QGraphicsView.DragMode.NoDrag if tool else self._drag_mode)
        self._view.viewport().setCursor(
            Qt.CursorShape.CrossCursor if tool else Qt.CursorShape.ArrowCursor
        )
        self.tool_changed.emit(tool)

    def _reset(self) -> None:
        self._points = []
        self._pressed = False
        if self._preview is not None:
            scene = self._preview.scene()
            if scene is not None:
                scene.removeItem(self._preview)
            self._preview = None

    def _scene_point(self, event: QMouseEvent) -> tuple[float, float]:
        p: QPointF = self._view.mapToScene(event.position().toPoint())
        return (round(p.x(), 2), round(p.y(), 2))

    def _show_preview(self, points: list[tuple[float, float]]) -> None:
        scene = self._view.scene()
        if self._preview is None:
            self._preview = QGraphicsPathItem()
            pen = QPen(QColor("#ffffff"), 1.5, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            self._preview.setPen(pen)
            self._preview.setZValue(OVERLAY_Z + 1)
            scene.addItem(self._preview)
        kind = "arrow" if self._tool == "polygon" else self._tool
        self._preview.setPath(shape_path(kind, points))

    def _finish(self, points: list[tuple[float, float]]) -> None:
        kind = self._tool
        self._reset()
        self.shape_drawn.emit(kind, tuple(points))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._tool:
            return False
        etype = event.type()
        if etype == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._key(event)
        if not isinstance(event, QMouseEvent) or watched is not self._view.viewport():
            return False
        if event.button() not in (Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton):
            return False
        point = self._scene_point(event)
        if etype == QEvent.Type.MouseButtonPress:
            return self._press(point)
        if etype == QEvent.Type.MouseMove:
            return self._move(point)
        if etype == QEvent.Type.MouseButtonRelease:
            return self._release(point)
        if etype == QEvent.Type.MouseButtonDblClick and self._tool == "polygon":
            if len(self._points) >= 3:
                self._finish(self._points)
            return True
        return False

    def _press(self, point: tuple[float, float]) -> bool:
        self._pressed = True
        if self._tool == "polygon":
            self._points.append(point)
            self._show_preview(self._points)
        else:
            self._points = [point]
        return True

    def _move(self, point: tuple[float, float]) -> bool:
        if not self._pressed:
            if self._tool == "polygon" and self._points:
                self._show_preview([*self._points, point])
            return self._tool == "polygon"
        if self._tool == "box":
            self._show_preview([self._points[0], point])
        elif self._tool == "arrow":
            last = self._points[-1]
            if abs(point[0] - last[0]) + abs(point[1] - last[1]) >= _MIN_STEP:
                self._points.append(point)
            self._show_preview(self._points)
        return True

    def _release(self, point: tuple[float, float]) -> bool:
        if not self._pressed:
            return True
        self._pressed = False
        if self._tool == "box":
            start = self._points[0]
            if abs(point[0] - start[0]) >= 1 and abs(point[1] - start[1]) >= 1:
                self._finish([start, point])
            else:
                self._reset()
        elif self._tool == "point":
            self._finish([point])
        elif self._tool == "arrow":
            if point != self._points[-1]:
                self._points.append(point)
            if len(self._points) >= 2:
                self._finish(self._points)
            else:
                self._reset()
        return True

    def _key(self, event: QKeyEvent) -> bool:
        if event.key() == Qt.Key.Key_Escape:
            if self._points:
                self._reset()
            else:
                self.set_tool("")
            return True
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._tool == "polygon":
            if len(self._points) >= 3:
                self._finish(self._points)
            return True
        return False
