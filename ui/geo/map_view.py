"""A world map that works with no network: basemap, hypothesis pins, uncertainty, tracks.

Equirectangular projection with scene units of degrees (x = longitude, y = -latitude), so a
scene position is a position on Earth with no arithmetic between. Pens are cosmetic and pins
ignore the view's transform, so outlines and pins keep their size at any zoom; uncertainty
circles and areas are drawn in degrees and grow with the zoom like the land does.

Dragging pans, the wheel zooms around the cursor; a click (a press and release without a
drag) on a pin emits `pin_clicked(hypothesis id)`, anywhere else `map_clicked(lat, lon)`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsScene,
    QGraphicsView,
    QWidget,
)

from geoloc.basemap import Basemap, load_basemap
from geoloc.export_geo import STATUS_COLOURS
from geoloc.mapframe import radius_degrees
from ui.lazy import WhenShown

PIN_ID = 0
"""`QGraphicsItem.data` key holding a pin's hypothesis id."""
PIN_PX = 14
_CLICK_SLOP_PX = 5


@dataclass(frozen=True)
class Pin:
    """What the map needs to draw one hypothesis."""

    id: str
    lat: float
    lon: float
    radius_m: float | None
    status: str
    label: str
    area: tuple[tuple[float, float], ...] | None = None
    """(lon, lat) outline for area hypotheses."""


def status_colour(status: str) -> QColor:
    """The colour of a status, shared with the KML export."""
    return QColor(STATUS_COLOURS.get(status, "#777777"))


def scene_point(lat: float, lon: float) -> QPointF:
    """Scene coordinates of a position."""
    return QPointF(lon, -lat)


class MapView(QGraphicsView):
    """The map widget."""

    pin_clicked = Signal(str)
    map_clicked = Signal(float, float)
    """latitude, longitude of a click on the map (not on a pin)."""

    def __init__(
        self, basemap: Callable[[], Basemap] = load_basemap, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(QRectF(-180, -90, 360, 180), self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setBackgroundBrush(QColor("#cfe3f2"))
        self.setToolTip(
            "Drag to pan, wheel to zoom, click a pin to open it, click the map "
            "to start a hypothesis there"
        )
        self._basemap_loader = basemap
        self._basemap_drawn = False
        self._pins: dict[str, QGraphicsEllipseItem] = {}
        self._overlays: list[QGraphicsItem] = []
        self._tracks: list[QGraphicsPathItem] = []
        self._press: QPointF | None = None
        # The outlines (a few hundred thousand points) are drawn when the map first comes
        # on screen: the map starts as a hidden tab and must not delay the window.
        self.basemap_refresh = WhenShown(self, self.draw_basemap)
        self.basemap_refresh.request()
        self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    # drawing ------------------------------------------------------------------------------
    def draw_basemap(self) -> None:
        """Draw the country outlines (once)."""
        if self._basemap_drawn:
            return
        land = QBrush(QColor("#f4f1e8"))
        pen = QPen(QColor("#9a9486"), 0)
        pen.setCosmetic(True)
        for country in self._basemap_loader().countries:
            path = QPainterPath()
            path.setFillRule(Qt.FillRule.OddEvenFill)
            for ring in country.rings:
                path.addPolygon(QPolygonF([QPointF(lon, -lat) for lon, lat in ring]))
                path.closeSubpath()
            item = self.scene().addPath(path, pen, land)
            item.setToolTip(country.name)
            item.setZValue(0)
        self._basemap_drawn = True

    def set_pins(self, pins: Sequence[Pin]) -> None:
        """Replace the hypothesis pins, their uncertainty circles and areas."""
        for item in [*self._pins.values(), *self._overlays]:
            self.scene().removeItem(item)
        self._pins.clear()
        self._overlays.clear()
        for pin in pins:
            colour = status_colour(pin.status)
            fill = QColor(colour)
            fill.setAlpha(50)
            outline = QPen(colour, 1.5, Qt.PenStyle.DashLine)
            outline.setCosmetic(True)
            overlay: QGraphicsItem | None = None
            if pin.area:
                overlay = QGraphicsPolygonItem(
                    QPolygonF([QPointF(lon, -lat) for lon, lat in pin.area])
                )
            elif pin.radius_m:
                ry, rx = radius_degrees(pin.lat, pin.radius_m)
                overlay = QGraphicsEllipseItem(QRectF(pin.lon - rx, -pin.lat - ry, 2 * rx, 2 * ry))
            if overlay is not None:
                overlay.setPen(outline)  # type: ignore[attr-defined]
                overlay.setBrush(QBrush(fill))  # type: ignore[attr-defined]
                overlay.setZValue(5)
                overlay.setData(PIN_ID, pin.id)
                self.scene().addItem(overlay)
                self._overlays.append(overlay)
            marker = QGraphicsEllipseItem(QRectF(-PIN_PX / 2, -PIN_PX / 2, PIN_PX, PIN_PX))
            marker.setPos(scene_point(pin.lat, pin.lon))
            marker.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
            marker.setBrush(QBrush(colour))
            marker.setPen(QPen(QColor("#202020"), 1.2))
            marker.setZValue(20)
            marker.setData(PIN_ID, pin.id)
            marker.setToolTip(f"{pin.label} ({pin.status})")
            marker.setCursor(Qt.CursorShape.PointingHandCursor)
            self.scene().addItem(marker)
            self._pins[pin.id] = marker

    def set_tracks(self, tracks: Sequence[Sequence[tuple[float, float]]]) -> None:
        """Replace the telemetry tracks: each a sequence of (lat, lon) fixes."""
        for item in self._tracks:
            self.scene().removeItem(item)
        self._tracks.clear()
        pen = QPen(QColor("#d7301f"), 2)
        pen.setCosmetic(True)
        for points in tracks:
            if len(points) < 2:
                continue
            path = QPainterPath(scene_point(*points[0]))
            for lat, lon in points[1:]:
                path.lineTo(lon, -lat)
            item = self.scene().addPath(path, pen)
            item.setZValue(10)
            item.setToolTip("telemetry track")
            self._tracks.append(item)

    # queries (for tests and callers) ------------------------------------------------------
    def pin_ids(self) -> list[str]:
        """Ids of the pins drawn."""
        return list(self._pins)

    def pin_item(self, hypothesis_id: str) -> QGraphicsEllipseItem:
        """The marker of one pin."""
        return self._pins[hypothesis_id]

    def track_count(self) -> int:
        """How many track lines are drawn."""
        return len(self._tracks)

    def view_point(self, lat: float, lon: float) -> QPointF:
        """Viewport coordinates of a position (where to click on it)."""
        return QPointF(self.mapFromScene(scene_point(lat, lon)))

    def center_on(self, lat: float, lon: float, span_deg: float | None = None) -> None:
        """Show a position in the middle, optionally with `span_deg` of latitude in view."""
        if span_deg is not None:
            self.fitInView(
                QRectF(lon - span_deg, -lat - span_deg / 2, 2 * span_deg, span_deg),
                Qt.AspectRatioMode.KeepAspectRatio,
            )
        self.centerOn(scene_point(lat, lon))

    def zoom(self, factor: float) -> None:
        """Zoom by a factor, within sensible limits (whole world to a few streets)."""
        current = self.transform().m11()
        target = min(max(current * factor, 0.5), 200_000.0)
        self.scale(target / current, target / current)

    # interaction --------------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom(1.25**steps)
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        press, self._press = self._press, None
        super().mouseReleaseEvent(event)
        if press is None or event.button() != Qt.MouseButton.LeftButton:
            return
        if (event.position() - press).manhattanLength() > _CLICK_SLOP_PX:
            return  # a drag that panned the map
        at = event.position().toPoint()
        for item in self.items(at):
            hypothesis_id = item.data(PIN_ID)
            if hypothesis_id and item in self._pins.values():
                self.pin_clicked.emit(str(hypothesis_id))
                return
        scene = self.mapToScene(at)
        lat = max(-90.0, min(90.0, -scene.y()))
        lon = (scene.x() + 180.0) % 360.0 - 180.0
        self.map_clicked.emit(lat, lon)
