"""The sections of a case report, each built from the feature that owns the data.

Every section is a function `(ctx) -> html`; `report.py` runs each one and, if a feature's data
cannot be read, prints the reason in place of the section instead of failing the whole report.
"""

from __future__ import annotations

import base64
import html
import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from forensics import allocation
from forensics.case import Case
from forensics.exchange import charts
from forensics.exchange.map_figure import MapDrawer
from forensics.identity import short_fingerprint
from forensics.models import CustodyEntry, Item
from forensics.seals import seal_lines
from forensics.store.seals import examiners
from forensics.textsafe import shown

log = logging.getLogger(__name__)

MAX_THUMBNAILS = 300
MAX_FRAMES = 40
_IMAGE_MIMES = ("image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff", "image/webp")


@dataclass
class ReportContext:
    """What every section needs: the case, the scope, and the log."""

    case: Case
    items: list[Item]
    scope: set[str] | None
    """Item ids in the report; None for the whole case."""
    custody: list[CustodyEntry] = field(default_factory=list)
    draw_map: MapDrawer | None = None
    """Draws the map section (geoloc's SVG map); None leaves the map out and says so."""

    def in_scope(self, item_id: str | None) -> bool:
        """True for records of items in the report (or any, for the whole case)."""
        return self.scope is None or (item_id is not None and item_id in self.scope)


def esc(value: object) -> str:
    """HTML-escaped text of a value ('' for None), control and bidi characters made visible."""
    return "" if value is None else html.escape(shown(value))


def data_uri(data: bytes, mime: str = "image/png") -> str:
    """A data URI for inline images: the report is one self-contained file."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def table(headers: list[str], rows: list[list[str]], cls: str = "") -> str:
    """An HTML table; cells are already HTML."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f'<table class="{cls}" border="1" cellspacing="0" cellpadding="4"><thead><tr>'
        f"{head}</tr></thead><tbody>{body}</tbody></table>"
    )


# received / done / produced -----------------------------------------------------------------
def summary(ctx: ReportContext) -> str:
    """What was received, what was done, what was produced, in plain sentences."""
    kinds = Counter(i.kind for i in ctx.items)
    actions = Counter(e.action for e in ctx.custody)
    received = sum(1 for i in ctx.items if i.sha256)
    total = sum(i.size or 0 for i in ctx.items if i.sha256)
    derived = sum(1 for _ in ctx.case.evidence.derived_files())
    lines = [
        f"<p><b>Received:</b> {len(ctx.items)} items ({esc(dict(kinds))}); {received} files "
        f"holding {total:,} bytes are kept byte for byte in the evidence store, each named by "
        "its SHA-256.</p>",
        "<p><b>Done:</b> "
        + esc(", ".join(f"{a} x{n}" for a, n in sorted(actions.items())))
        + f" ({len(ctx.custody)} custody entries, each chained to the one before).</p>",
        f"<p><b>Produced:</b> {derived} derived files (frames, thumbnails), and the records "
        "below (metadata, annotations, hypotheses, provenance links).</p>",
    ]
    unsigned = [e for e in ctx.custody if e.details.get("accepted_unsigned") is True]
    if unsigned:
        lines.append(
            "<p><b>Unsigned archives accepted:</b> "
            + esc(
                "; ".join(
                    f"{e.details.get('received') or e.details.get('archive')} "
                    f"({e.action} at {e.at} by {e.actor}, custody entry {e.seq})"
                    for e in unsigned
                )
            )
            + ": nothing proves who made them.</p>"
        )
    return "".join(lines)


# items --------------------------------------------------------------------------------------
def _thumbnail(ctx: ReportContext, item: Item) -> str:
    if not item.sha256 or (item.mime or "") not in _IMAGE_MIMES:
        return ""
    from forensics.media.thumbnails import make_thumbnail

    try:
        data = ctx.case.evidence.open(item.sha256).read_bytes()
        thumb = make_thumbnail(data, 160)
    except Exception as exc:  # a damaged picture is reported, not fatal
        return f"<i>no thumbnail ({esc(exc)})</i>"
    src = data_uri(thumb.data, thumb.mime)
    return f'<img src="{src}" width="{thumb.width}" height="{thumb.height}">'


def _state(item: Item) -> str | None:
    state = allocation.allocation_of(item)
    return None if state == allocation.LIVE else allocation.DESCRIPTIONS[state]


def items(ctx: ReportContext) -> str:
    """Every item with thumbnail, hashes and identification."""
    rows = []
    for n, item in enumerate(ctx.items):
        thumb = _thumbnail(ctx, item) if n < MAX_THUMBNAILS else ""
        hashes = (
            f"<code>SHA-256 {esc(item.sha256)}</code><br><code>MD5 {esc(item.md5)}</code>"
            if item.sha256
            else ""
        )
        ident = "<br>".join(
            f"{k}: {esc(v)}"
            for k, v in (
                ("exhibit", item.exhibit),
                ("serial", item.serial),
                ("marking", item.marking),
                ("source", item.source_path),
                ("path in image", item.fs_path),
                ("state", _state(item)),
                ("note", item.note),
            )
            if v
        )
        rows.append(
            [
                thumb,
                f"<b>{esc(item.name)}</b><br><small>{esc(item.id)}</small>",
                esc(item.kind),
                esc(item.mime),
                "" if item.size is None else f"{item.size:,}",
                hashes,
                ident,
            ]
        )
    return table(["", "Item", "Kind", "Type", "Bytes", "Hashes", "Identification"], rows, "items")


def metadata(ctx: ReportContext) -> str:
    """Metadata extracted from each media item, grouped as the workbench shows it."""
    from forensics.store.media import MediaRepository

    repo = MediaRepository(ctx.case.db)
    parts = []
    for item in ctx.items:
        if not item.sha256:
            continue
        view = repo.metadata(item.id)
        if view.empty:
            continue
        parts.append(f"<h3>{esc(item.name)}</h3>")
        for group in view.groups:
            rows = [[esc(f.label), esc(f.value)] for f in group.fields[:60]]
            parts.append(
                f"<h4>{esc(group.label)} <small>({esc(group.extractor)})</small></h4>"
                + table(["Field", "Value"], rows, "meta")
            )
        for w in view.warnings:
            parts.append(f"<p class='warn'>warning: {esc(w)}</p>")
    return "".join(parts) or "<p>No metadata was extracted for these items.</p>"


def frames(ctx: ReportContext) -> str:
    """Annotated frames, drawn with their marks."""
    from forensics.annotations.collect import collect
    from forensics.annotations.render_png import render_frame
    from forensics.annotations.service import AnnotationService

    svc = AnnotationService(ctx.case)
    try:
        found = [f for f in collect(svc) if ctx.in_scope(f.anchor.item_id)]
        parts = []
        for frame in found[:MAX_FRAMES]:
            labels = ", ".join(sorted({s.annotation.label for s in frame.shapes}))
            try:
                img = f'<img src="{data_uri(render_frame(svc, frame))}" width="560">'
            except Exception as exc:  # a frame that cannot be decoded any more is named
                img = f"<i>frame not drawn: {esc(exc)}</i>"
            parts.append(
                f"<div class='frame'>{img}<p>{esc(frame.item_name)}, frame "
                f"{frame.anchor.frame_index} (pixels SHA-256 "
                f"<code>{esc(frame.anchor.pixel_sha256)}</code>): {esc(labels)}</p>"
                "</div>"
            )
        if len(found) > MAX_FRAMES:
            parts.append(f"<p>{len(found) - MAX_FRAMES} more annotated frames not shown.</p>")
    finally:
        svc.close()
    return "".join(parts) or "<p>No annotated frames.</p>"


def hypotheses(ctx: ReportContext) -> str:
    """Geolocation hypotheses with their evidence (their pins are on the map above)."""
    from forensics.store.hypotheses import STANCES, HypothesisRepository

    repo = HypothesisRepository(ctx.case.db)
    found = [h for h in repo.hypotheses() if ctx.in_scope(h.item_id)]
    if not found:
        return "<p>No geolocation hypotheses.</p>"
    supporting, _ = STANCES
    rows = []
    for h in found:
        links = repo.links(h.id)
        support = sum(1 for link in links if link.stance == supporting)
        against = len(links) - support
        rows.append(
            [
                esc(h.place_name),
                f"{h.lat:.5f}, {h.lon:.5f}" + (f" ± {h.radius_m:,.0f} m" if h.radius_m else ""),
                esc(", ".join(h.methods)),
                esc(h.status),
                esc(h.confidence),
                esc(h.analyst),
                f"{support} for, {against} against",
                esc(h.notes),
            ]
        )
    return table(
        ["Place", "Position", "Method", "Status", "Confidence", "Analyst", "Evidence", "Notes"],
        rows,
        "hyp",
    )


def provenance(ctx: ReportContext) -> str:
    """Components, the makers they are linked to and on what basis, and origin shares."""
    from forensics.provenance.origins import origins

    report = origins(ctx.case)
    comps = [
        c
        for c in report.components
        if ctx.scope is None or c.parent_id in ctx.scope or c.component_id in ctx.scope
    ]
    if not comps:
        return "<p>No components recorded.</p>"
    rows = [
        [
            esc(c.name),
            esc(c.function),
            esc(c.part_number),
            esc(c.marking),
            esc(c.manufacturer),
            esc(c.country_name),
            esc(c.basis),
            esc(c.confidence),
            esc(len(c.sources)),
        ]
        for c in comps
    ]
    by_country = [(s.label, s.share * 100) for s in report.by_country]
    by_function = [(s.label, s.share * 100) for s in report.by_function]
    return (
        table(
            [
                "Component",
                "Function",
                "Part",
                "Marking",
                "Manufacturer",
                "Country",
                "Basis",
                "Confidence",
                "Sources",
            ],
            rows,
            "prov",
        )
        + "<h3>Origin by country</h3>"
        + f'<img src="{data_uri(charts.bar_chart(by_country))}">'
        + "<h3>Components by function</h3>"
        + f'<img src="{data_uri(charts.bar_chart(by_function))}">'
    )


def sources(ctx: ReportContext) -> str:
    """Sources with their Admiralty grades."""
    from forensics.provenance.models import Source
    from forensics.store.provenance import ProvenanceRepository

    found = ProvenanceRepository(ctx.case.db).all(Source)
    if not found:
        return "<p>No sources registered.</p>"
    rows = [
        [
            esc(s.title),
            esc(s.kind),
            esc(s.author),
            esc(s.publisher),
            esc(s.published),
            f"<b>{esc(s.reliability)}{esc(s.credibility)}</b>",
            esc(s.url),
        ]
        for s in found
    ]
    return table(
        ["Source", "Kind", "Author", "Publisher", "Published", "Grade", "Address"], rows, "src"
    )


def seal_block(seal: Mapping[str, Any] | None) -> str:
    """The seal the report was made under, printed so the paper copy anchors the log."""
    if seal is None:
        return (
            "<p class='warn'>Not sealed: no examiner key was at hand, so nothing outside the "
            "case anchors this log's head.</p>"
        )
    lines = "<br>".join(esc(line) for line in seal_lines(seal))
    return (
        "<h2 id='seal'>Seal of the custody log</h2><p>Signed with the examiner's key; keep "
        "this page: <code>pwb verify CASE --against</code> a copy of the seal finds any "
        f"entry rewritten or removed since.</p><p><code>{lines}</code></p>"
    )


def _signed_by(e: CustodyEntry, names: Mapping[str, str]) -> str:
    if e.signer is None:
        return "unsigned (made before signing)"
    who = names.get(e.signer, "a key the case does not know")
    return f"{who}, key {short_fingerprint(e.signer)}"


def custody(ctx: ReportContext) -> str:
    """The custody log: who did what, when and why, whose key signed it, and each entry's
    chained hash."""
    names = {fp: ex.name for fp, ex in examiners(ctx.case.db).items()}
    rows = [
        [
            str(e.seq),
            esc(e.at),
            esc(e.actor) + (" <i>(name given, not proven)</i>" if e.actor_given else ""),
            esc(e.action),
            esc(e.item_id or ""),
            esc(e.reason or ""),
            esc(_signed_by(e, names)),
            f"<code>{esc(e.hash[:16])}</code>",
        ]
        for e in ctx.custody
    ]
    return table(
        ["#", "When (UTC)", "Who", "What", "Item", "Why", "Signed by", "Hash"], rows, "log"
    )
