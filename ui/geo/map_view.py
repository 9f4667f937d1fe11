"""A world map that works with no network: basemap, hypothesis pins, uncertainty, tracks.

Equirectangular projection with scene units of degrees (x = longitude, y = -latitude), so a
scene position is a position on Earth with no arithmetic between. The view's transform
squeezes x by the cosine of the framed latitude (as the report map does, `geoloc.mapframe`):
a degree of longitude at Shenzhen is 8% shorter on the ground than one of latitude, so
without it circles would show as wide ellipses and a square block as a wide rectangle. Pens
are cosmetic and pins ignore the view's transform, so outlines and pins keep their size at
any zoom; uncertainty circles and areas are drawn in degrees and grow with the zoom like the
land does.

Dragging pans, the wheel zooms keeping the point under the cursor where it is (computed from
the wheel event's own position: Qt's AnchorUnderMouse uses the last mouse *move*, which a
wheel over a freshly shown map has not had); a click (a press and release without a drag) on
a pin emits `pin_clicked(hypothesis id)`, anywhere else `map_clicked(lat, lon)`. `frame`
zooms to data (the panel frames the case's hypotheses and tracks, or one hypothesis when it
is opened). Over the map, in screen pixels, go the largest place names in view, a scale bar
and the position under the cursor (map_overlay.py, with the report map's rules).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QResizeEvent,
    QTransform,
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
from geoloc.map_labels import LabelPlace, place_index
from geoloc.mapframe import Extent, LatLon, circle_bounds, extent_for, radius_degrees
from ui.geo.map_overlay import Overlay, OverlayCache, readout_text
from ui.geo.map_paint import paint_overlay
from ui.lazy import WhenShown

PIN_ID = 0
"""`QGraphicsItem.data` key holding a pin's hypothesis id."""
PIN_PX = 14
_CLICK_SLOP_PX = 5
WORLD = QRectF(-180, -90, 360, 180)
SCENE = QRectF(-360, -180, 720, 360)
"""Half a world of sea around the world: zooming at a point near the edge keeps that point
under the cursor (a view cannot scroll past its scene rectangle)."""
SETTLE_MS = 150
"""How long the view must rest before the place names are chosen again."""
MAX_SCALE = 200_000.0
"""Pixels per degree at the closest zoom (a few streets)."""


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


def ground_aspect(lat: float) -> float:
    """Pixels across per pixel up for one degree each at `lat`: the ground length of a degree
    of longitude over that of a degree of latitude on the WGS84 ellipsoid, cos(lat) x
    (1 - e² sin² lat) / (1 - e²) (the sphere's bare cosine is 0.6% short at Shenzhen), kept
    off zero so the poles still draw."""
    phi = math.radians(max(-90.0, min(90.0, lat)))
    e2 = 0.00669437999014  # WGS84 first eccentricity squared
    return max(0.05, math.cos(phi) * (1 - e2 * math.sin(phi) ** 2) / (1 - e2))


class MapView(QGraphicsView):
    """The map widget."""

    pin_clicked = Signal(str)
    map_clicked = Signal(float, float)
    """latitude, longitude of a click on the map (not on a pin)."""

    def __init__(
        self,
        basemap: Callable[[], Basemap] = load_basemap,
        parent: QWidget | None = None,
        places: Callable[[Extent], Sequence[LabelPlace]] | None = None,
    ) -> None:
        super().__init__(parent)
        self._press: QPointF | None = None
        self._overlay = OverlayCache(
            self, places or (lambda extent: place_index().within(extent)), SETTLE_MS
        )
        self._cos = 1.0
        """Horizontal over vertical pixels per degree: the cosine of the latitude last framed,
        so a kilometre is as long across as up at the middle of the map."""
        self._framed: QRectF | None = None
        """The rectangle `frame` showed, kept while the user has not moved the map, so a
        resize (the dock laid out after the first frame) frames it again."""
        self.setScene(QGraphicsScene(SCENE, self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        # The wheel anchors itself (see wheelEvent); a resize keeps the middle in the middle.
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        # The labels, scale bar and read-out are fixed to the viewport: a scroll must repaint
        # them, not shift the old pixels.
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewport().setMouseTracking(True)
        self.setBackgroundBrush(QColor("#cfe3f2"))
        self.setToolTip(
            "Drag to pan, wheel to zoom at the cursor, click a pin to open it, click the map "
            "to start a hypothesis there"
        )
        self._cursor: LatLon | None = None
        self._basemap_loader = basemap
        self._basemap_drawn = False
        self._pins: dict[str, QGraphicsEllipseItem] = {}
        self._names: dict[str, str] = {}
        self._overlays: list[QGraphicsItem] = []
        self._tracks: list[QGraphicsPathItem] = []
        # The outlines (a few hundred thousand points) are drawn when the map first comes
        # on screen: the map starts as a hidden tab and must not delay the window.
        self.basemap_refresh = WhenShown(self, self.draw_basemap)
        self.basemap_refresh.request()
        self.frame_rect(WORLD)

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
        self._names = {pin.id: pin.label for pin in pins}
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
        self._overlay.invalidate()
        self.viewport().update()

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
            self.frame_rect(QRectF(lon - span_deg, -lat - span_deg / 2, 2 * span_deg, span_deg))
        self.centerOn(scene_point(lat, lon))

    def frame(self, points: Sequence[LatLon], min_span_deg: float = 0.1) -> bool:
        """Zoom to data: show these (lat, lon) points with a margin; False when none is valid.

        The extent is the report map's (`geoloc.mapframe.extent_for`), so a hypothesis with
        a 3 km circle opens on its district, a case's data on the region that holds it.
        """
        width = max(1, self.viewport().width())
        height = max(1, self.viewport().height())
        extent = extent_for(points, aspect=width / height, min_span_deg=min_span_deg)
        if extent is None:
            return False
        self.frame_rect(
            QRectF(
                extent.west,
                -extent.north,
                extent.east - extent.west,
                extent.north - extent.south,
            )
        )
        return True

    def frame_hypothesis(self, pin: Pin) -> bool:
        """Zoom to one hypothesis: its uncertainty circle or area, or its district."""
        points: list[LatLon] = list(circle_bounds(pin.lat, pin.lon, pin.radius_m))
        points += [(lat, lon) for lon, lat in pin.area or ()]
        return self.frame(points, min_span_deg=0.05)

    def frame_rect(self, rect: QRectF) -> None:
        """Show a scene rectangle whole, as large as the viewport allows, with longitude
        scaled by the cosine of its middle latitude (fitInView would keep degrees square)."""
        self._cos = ground_aspect(-rect.center().y())
        width = max(1.0, self.viewport().width() - 4.0)  # fitInView's margin
        height = max(1.0, self.viewport().height() - 4.0)
        across = max(rect.width() * self._cos, 1e-12)
        scale = min(width / across, height / max(rect.height(), 1e-12))
        self.setTransform(QTransform.fromScale(scale * self._cos, scale))
        self._clamp_zoom()
        self.centerOn(rect.center())
        self._framed = QRectF(rect)

    def visible_rect(self) -> QRectF:
        """The scene rectangle (degrees; y is minus latitude) the viewport shows."""
        return self.viewportTransform().inverted()[0].mapRect(QRectF(self.viewport().rect()))

    def geo_at(self, point: QPointF) -> LatLon:
        """(lat, lon) under a viewport position (not wrapped or clamped)."""
        scene = self.viewportTransform().inverted()[0].map(point)
        return -scene.y(), scene.x()

    def _min_scale(self) -> float:
        # Zoomed out, the world still fills two thirds of the width: never a speck in the sea.
        return max(0.5, self.viewport().width() / 540.0)

    def pixels_per_degree(self) -> float:
        """The zoom: pixels per degree of latitude (a degree of longitude has `cos` of it)."""
        return self.transform().m22()

    def _clamp_zoom(self) -> None:
        current = self.pixels_per_degree()
        target = min(max(current, self._min_scale()), MAX_SCALE)
        if target != current:
            self.scale(target / current, target / current)

    def zoom(self, factor: float, at: QPointF | None = None) -> None:
        """Zoom by a factor within limits (world to a few streets), keeping the scene point
        under `at` (viewport pixels; default the middle) where it is."""
        anchor = QPointF(self.viewport().rect().center()) if at is None else QPointF(at)
        inverse = self.viewportTransform().inverted()[0]
        fixed = inverse.map(anchor)
        current = self.pixels_per_degree()
        target = min(max(current * factor, self._min_scale()), MAX_SCALE)
        if target == current:
            return
        self.scale(target / current, target / current)
        self._keep_under(fixed, anchor)
        self._framed = None
        self._overlay.moved()

    def _keep_under(self, scene: QPointF, at: QPointF) -> None:
        """Scroll so that the scene point shows at viewport position `at`."""
        # Twice: the first scroll may change the alignment a scroll bar gives the scene.
        for _ in range(2):
            moved = self.viewportTransform().map(scene) - at
            h, v = self.horizontalScrollBar(), self.verticalScrollBar()
            h.setValue(h.value() + round(moved.x()))
            v.setValue(v.value() + round(moved.y()))

    # interaction --------------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom(1.25**steps, event.position())
        event.accept()

    def resizeEvent(self, event: QResizeEvent) -> None:
        framed = self._framed
        super().resizeEvent(event)
        if framed is not None:
            self.frame_rect(framed)
        self._overlay.moved()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        if dx or dy:
            self._overlay.moved()
            if self._press is not None:
                self._framed = None  # the user dragged the map

    def cursor_position(self) -> LatLon | None:
        """(lat, lon) under the mouse, or None when it is off the map."""
        return self._cursor

    def readout(self) -> str:
        """The text of the coordinate read-out ("" when the cursor is not over the map)."""
        return "" if self._cursor is None else readout_text(*self._cursor)

    def overlay(self) -> Overlay:
        """The labels and scale bar chosen for the current view."""
        return self._overlay.fresh()

    def named_pins(self) -> list[tuple[QPointF, str]]:
        """Where each pin is drawn (viewport pixels) and its hypothesis's name."""
        return [
            (self.view_point(-m.pos().y(), m.pos().x()), self._names.get(pid, ""))
            for pid, m in self._pins.items()
        ]

    def drawForeground(self, painter: QPainter, rect: QRectF | Any) -> None:
        super().drawForeground(painter, rect)
        painter.save()
        painter.resetTransform()
        paint_overlay(painter, self._overlay.to_paint(), self.readout() or None)
        painter.restore()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        lat, lon = self.geo_at(event.position())
        self._cursor = (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None
        self.viewport().update()

    def leaveEvent(self, event: Any) -> None:
        super().leaveEvent(event)
        self._cursor = None
        self.viewport().update()

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
