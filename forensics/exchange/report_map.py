"""The report's map: metadata positions, telemetry tracks and hypotheses on a basemap.

This module gathers what the map shows (the records of the items in the report) into a
`MapFigure`; the drawing, with its basemap, scale bar and credits, is the `MapDrawer` the
report was given (see map_figure.py for why it is handed in rather than imported). The SVG
goes inline into the HTML, so the report stays one file that needs no network.
"""

from __future__ import annotations

import logging

from forensics.exchange.map_figure import HYPOTHESIS, POSITION, MapFigure, MapLine, MapMarker
from forensics.exchange.report_html import esc
from forensics.exchange.report_sections import ReportContext

log = logging.getLogger(__name__)

NO_MAP = (
    "<p>No map: no item in this report has a position in its metadata, a telemetry track or "
    "a geolocation hypothesis.</p>"
)


def map_figure(ctx: ReportContext) -> MapFigure:
    """The hypotheses, metadata positions and telemetry tracks of the items in the report."""
    from forensics.store.hypotheses import HypothesisRepository
    from forensics.store.media import MediaRepository

    names = {i.id: i.name for i in ctx.items}
    markers = [
        MapMarker(
            h.lat,
            h.lon,
            h.place_name or h.status,
            HYPOTHESIS,
            h.status,
            h.radius_m,
            h.area if h.geometry == "area" else None,
        )
        for h in HypothesisRepository(ctx.case.db).hypotheses()
        if ctx.in_scope(h.item_id)
    ]
    media = MediaRepository(ctx.case.db)
    markers += [
        MapMarker(p.lat, p.lon, names.get(p.item_id, p.item_id), POSITION, p.source)
        for p in media.positions()
        if ctx.in_scope(p.item_id)
    ]
    lines = [
        MapLine(tuple((p.lat, p.lon) for p in t.points), names.get(t.item_id, t.item_id))
        for t in media.tracks()
        if ctx.in_scope(t.item_id)
    ]
    return MapFigure(tuple(markers), tuple(lines))


def _counts(figure: MapFigure) -> str:
    hypotheses = sum(1 for m in figure.markers if m.kind == HYPOTHESIS)
    positions = len(figure.markers) - hypotheses
    fixes = sum(len(line.points) for line in figure.lines)
    return (
        f"{hypotheses} geolocation hypotheses, {positions} positions from metadata, "
        f"{len(figure.lines)} telemetry tracks ({fixes} fixes)"
    )


def section(ctx: ReportContext) -> str:
    """The map with a caption: what it shows, its bounds and the data it was drawn from."""
    figure = map_figure(ctx)
    if figure.empty:
        return NO_MAP
    if ctx.draw_map is None:
        return f"<p>{esc(_counts(figure))}; the map was not drawn (no map drawer was given).</p>"
    drawn = ctx.draw_map(figure)
    if drawn is None:
        return (
            f"<p>No map: none of the coordinates ({esc(_counts(figure))}) is a position on "
            "Earth.</p>"
        )
    skipped = (
        f" {drawn.skipped} coordinates that are not positions on Earth were left out."
        if drawn.skipped
        else ""
    )
    return (
        f'<div class="map">{drawn.svg}</div>'
        f"<p>The map shows {esc(_counts(figure))}. Bounds: {drawn.south:.4f} to "
        f"{drawn.north:.4f} latitude, {drawn.west:.4f} to {drawn.east:.4f} longitude "
        f"(degrees, WGS84).{esc(skipped)} Map data: {esc('; '.join(drawn.credits))}.</p>"
    )
