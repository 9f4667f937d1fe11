"""What the map view draws over the map in screen pixels: place names, scale bar, read-out.

The choices are the report map's (geoloc): the same gazetteer places, the same greedy
placement that keeps labels off pins and furniture (`geoloc.map_labels.choose_labels`), and
the same round scale-bar length (`geoloc.mapframe.scale_bar_for`); only the drawing is Qt.
The view's visible rectangle is an equirectangular extent, so `Projection` maps degrees to
the viewport's pixels exactly as the view does. While the view moves (a drag, the wheel) the
labels chosen last are carried along with the map (`carried`), and chosen again once it
rests: choosing costs tens of milliseconds, which a drag must not pay at every step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QPointF, QRectF, QTimer
from PySide6.QtGui import QTransform

from geoloc.map_labels import (
    LabelPlace,
    Occupied,
    PinLabel,
    PlacedLabel,
    choose_labels,
    pin_label,
    text_box,
)
from geoloc.mapframe import Box, Extent, Projection, ScaleBar, scale_bar_for
from geoloc.svg_text import fmt_lat, fmt_lon

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


class OverlayView(Protocol):
    """What the overlay needs of the map view."""

    def visible_rect(self) -> QRectF: ...
    def viewport(self) -> QWidget: ...
    def viewportTransform(self) -> QTransform: ...
    def named_pins(self) -> list[tuple[QPointF, str]]: ...


SCALE_BOX = (0.0, 44.0, 230.0)
"""x, height from the bottom, width of the scale bar's corner (labels keep off it)."""
READOUT_W, READOUT_H = 230.0, 26.0
PIN_MARGIN_PX = 7.0
"""Half a pin (PIN_PX 14), as the report map keeps its labels off its pins."""


@dataclass(frozen=True)
class Overlay:
    """Everything drawn over one view of the map."""

    labels: tuple[PlacedLabel, ...]
    pins: tuple[PinLabel, ...]
    """The hypotheses' names beside their pins."""
    scale: ScaleBar | None
    width: float
    height: float
    scene_to_view: QTransform | None = None
    """The view's transform the labels were placed with (to carry them along)."""


def view_extent(scene_rect: QRectF) -> Extent:
    """The lat/lon box a visible scene rectangle shows (scene y is minus latitude)."""
    return Extent(-scene_rect.bottom(), scene_rect.left(), -scene_rect.top(), scene_rect.right())


def furniture(width: float, height: float) -> list[Box]:
    """The corners the scale bar and the read-out take."""
    x, h, w = SCALE_BOX
    return [
        (x, height - h, x + w, height),
        (width - READOUT_W, height - READOUT_H, width, height),
    ]


def scale_for(scene_rect: QRectF, width: float, height: float) -> ScaleBar | None:
    """The scale bar of a view: at most 180 px, so it stays in its corner at any size."""
    if width < 2 or height < 2 or scene_rect.width() <= 0 or scene_rect.height() <= 0:
        return None
    proj = Projection(view_extent(scene_rect), width, height)
    return scale_bar_for(proj, min(0.25, 180 / width))


def compute_overlay(
    scene_rect: QRectF,
    width: float,
    height: float,
    pins_px: Sequence[tuple[QPointF, str]],
    places: Callable[[Extent], Sequence[LabelPlace]],
    scene_to_view: QTransform | None = None,
) -> Overlay:
    """Choose the labels and the scale bar of one view (Qt geometry in, geoloc rules inside).

    Args:
        scene_rect: the visible part of the scene (degrees).
        width: the viewport's width in pixels.
        height: its height.
        pins_px: where the hypothesis pins are drawn, in viewport pixels, with their names.
        places: the places in an extent that may be labelled (the gazetteer's).
        scene_to_view: the view's transform, kept to carry the labels along (`carried`).
    """
    if width < 2 or height < 2 or scene_rect.width() <= 0 or scene_rect.height() <= 0:
        return Overlay((), (), None, width, height, scene_to_view)
    proj = Projection(view_extent(scene_rect), width, height)
    occupied = Occupied(furniture(width, height))
    m = PIN_MARGIN_PX
    for p, _ in pins_px:
        occupied.take((p.x() - m, p.y() - m, p.x() + m, p.y() + m))
    named = []
    for p, name in pins_px:
        if 0 <= p.x() <= width and 0 <= p.y() <= height:
            placed = pin_label(p.x(), p.y(), name, occupied, width)
            if placed is not None:
                named.append(placed)
    labels = tuple(choose_labels(places(proj.extent), proj, occupied))
    return Overlay(
        labels,
        tuple(named),
        scale_for(scene_rect, width, height),
        width,
        height,
        scene_to_view,
    )


def carried(
    overlay: Overlay, scene_to_view: QTransform, scene_rect: QRectF, width: float, height: float
) -> Overlay:
    """The labels of `overlay` moved with the map to a new view (same choice, same pixel
    offsets from their dots and pins), and the new view's scale bar."""
    if overlay.scene_to_view is None:
        return overlay
    back, _ = overlay.scene_to_view.inverted()

    def move(x: float, y: float, dx: float, dy: float) -> tuple[float, float]:
        # (dx, dy): from the label's anchor to the point it names, in pixels.
        p = scene_to_view.map(back.map(QPointF(x + dx, y + dy)))
        return p.x() - dx, p.y() - dy

    # Zooming out brings names together: keep only those that still clear each other.
    occupied = Occupied(furniture(width, height))
    pins = []
    for pin in overlay.pins:
        dx = -9 if pin.anchor == "start" else 9
        x, y = move(pin.x, pin.y, dx, 6)
        m = PIN_MARGIN_PX
        occupied.take((x + dx - m, y + 6 - m, x + dx + m, y + 6 + m))
        box = text_box(x, y, pin.text, pin.anchor)
        if occupied.free(box):
            occupied.take(box)
            pins.append(replace(pin, x=x, y=y))
    labels = []
    for label in overlay.labels:
        x, y = move(label.x, label.y, -5 if label.anchor == "start" else 5, -4)
        box = text_box(x, y, label.place.name, label.anchor)
        if occupied.free(box):
            occupied.take(box)
            labels.append(replace(label, x=x, y=y))
    return Overlay(
        tuple(labels),
        tuple(pins),
        scale_for(scene_rect, width, height),
        width,
        height,
        overlay.scene_to_view,
    )


def readout_text(lat: float, lon: float) -> str:
    """The cursor's position as the read-out shows it (degrees, four decimals: ~10 m)."""
    return f"{fmt_lat(lat, 4)}  {fmt_lon(lon, 4)}"


class OverlayCache(QObject):
    """The overlay of a view, chosen when asked for a view it was not chosen for, and
    carried along while the view moves (`moved`) until it rests for `settle_ms`.

    Args:
        view: the map view (its visible rectangle, size, transform and pins).
        places: the places in an extent that may be labelled.
        settle_ms: how long the view must rest before labels are chosen again.
    """

    def __init__(
        self,
        view: OverlayView,
        places: Callable[[Extent], Sequence[LabelPlace]],
        settle_ms: int = 150,
    ) -> None:
        # A child of the view: its timer dies with the view, never firing at a deleted one.
        super().__init__(view if isinstance(view, QObject) else None)
        self._view = view
        self._places = places
        self._overlay: Overlay | None = None
        self._key: tuple[float, ...] | None = None
        self._moving = False
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(settle_ms)
        self._settle.timeout.connect(self._settled)

    def invalidate(self) -> None:
        """Choose again on the next request (the pins changed)."""
        self._key = None

    def moved(self) -> None:
        """The view moved: carry the labels along until it rests, then choose them again."""
        self._moving = True
        self._settle.start()

    def _settled(self) -> None:
        self._moving = False
        self._view.viewport().update()

    def fresh(self) -> Overlay:
        """The labels and scale bar chosen for the view as it is now."""
        rect = self._view.visible_rect()
        size = self._view.viewport().size()
        key = (rect.x(), rect.y(), rect.width(), rect.height(), size.width(), size.height())
        if self._overlay is None or key != self._key:
            self._overlay = compute_overlay(
                rect,
                size.width(),
                size.height(),
                self._view.named_pins(),
                self._places,
                self._view.viewportTransform(),
            )
            self._key = key
        return self._overlay

    def to_paint(self) -> Overlay:
        """What to draw now: the last choice carried along while moving, else `fresh`."""
        if self._moving and self._overlay is not None and self._key is not None:
            size = self._view.viewport().size()
            return carried(
                self._overlay,
                self._view.viewportTransform(),
                self._view.visible_rect(),
                size.width(),
                size.height(),
            )
        return self.fresh()
