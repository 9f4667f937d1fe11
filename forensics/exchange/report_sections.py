"""The sections of a case report, each built from the feature that owns the data.

Every section is a function `(ctx) -> html`; `report.py` runs each one and, if a feature's data
cannot be read, prints the reason in place of the section instead of failing the whole report.
Values are written by `report_html` (words, never reprs; ids short and small); the custody log,
its keys and the seal are `report_custody`.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from forensics import allocation
from forensics.case import Case
from forensics.exchange import charts, report_custody
from forensics.exchange.map_figure import MapDrawer
from forensics.exchange.report_html import (
    code_word,
    data_uri,
    esc,
    plural,
    short_id,
    table,
    when,
)
from forensics.exchange.signers import KeyNames, signer_name
from forensics.models import CustodyEntry, Item
from forensics.records.core import ItemKind

log = logging.getLogger(__name__)

MAX_THUMBNAILS = 300
MAX_FRAMES = 40
FRAMES_PER_ROW = 2
FRAME_WIDTH = 480
"""Pixels of a drawn frame: two side by side fill an A4 page at the PDF writer's 150 dpi."""
_IMAGE_MIMES = ("image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff", "image/webp")


@dataclass
class ReportContext:
    """What every section needs: the case, the scope, the log and the keys we can name."""

    case: Case
    items: list[Item]
    scope: set[str] | None
    """Item ids in the report; None for the whole case."""
    custody: list[CustodyEntry] = field(default_factory=list)
    draw_map: MapDrawer | None = None
    """Draws the map section (geoloc's SVG map); None leaves the map out and says so."""
    known_keys: KeyNames = field(default_factory=dict)
    """fingerprint -> the name we know a signing key by (`signers.known_keys`)."""
    all_items: list[Item] = field(default_factory=list)
    """Every item of the case, to name the items custody entries concern."""

    def in_scope(self, item_id: str | None) -> bool:
        """True for records of items in the report (or any, for the whole case)."""
        return self.scope is None or (item_id is not None and item_id in self.scope)


def kind_word(kind: str, n: int | None = None) -> str:
    """ "3 hardware items", "1 file"; without a count, the kind's name ("hardware item")."""
    return ItemKind.words(kind, n)


# received / done / produced -----------------------------------------------------------------
def summary(ctx: ReportContext) -> str:
    """What was received, what was done, what was produced, in plain sentences."""
    kinds = Counter(i.kind for i in ctx.items)
    received = sum(1 for i in ctx.items if i.sha256)
    total = sum(i.size or 0 for i in ctx.items if i.sha256)
    states = Counter(allocation.allocation_of(i) for i in ctx.items if i.sha256)
    not_live = [f"{states[s]:,} {s}" for s in allocation.NOT_LIVE if states[s]]
    derived = sum(1 for _ in ctx.case.evidence.derived_files())
    kinds_text = ", ".join(kind_word(k, n) for k, n in kinds.most_common())
    lines = [
        f"<p><b>Received:</b> {plural(len(ctx.items), 'item')} ({esc(kinds_text)}). "
        f"{plural(received, 'file')} holding {total:,} bytes are kept byte for byte in the "
        "evidence store, each named by its SHA-256"
        + (
            f"; of them {esc(', '.join(not_live))} (see Deleted and recovered files)"
            if not_live
            else ""
        )
        + ".</p>",
        f"<p><b>Done:</b> {plural(len(ctx.custody), 'custody entry', 'custody entries')}, "
        "each chained to the one before:</p>" + report_custody.done(ctx),
        f"<p><b>Produced:</b> {plural(derived, 'derived file')} (frames, thumbnails), and the "
        "records below (metadata, annotations, hypotheses, provenance links).</p>",
    ]
    unsigned = [e for e in ctx.custody if e.details.get("accepted_unsigned") is True]
    if unsigned:
        lines.append(
            "<p><b>Unsigned archives accepted:</b> "
            + "; ".join(
                f"{esc(e.details.get('received') or e.details.get('archive'))} "
                f"(received {when(e.at)} by {esc(signer_name(e.signer, ctx.known_keys))}, "
                f"custody entry {e.seq})"
                for e in unsigned
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
    w, h = thumb.width, thumb.height
    scale = min(1.0, 96 / max(w, h, 1))
    src = data_uri(thumb.data, thumb.mime)
    return f'<img src="{src}" width="{round(w * scale)}" height="{round(h * scale)}">'


def state_mark(item: Item) -> str:
    """A not-live file's state as a mark beside its name ("DELETED"), '' for a live one."""
    state = allocation.allocation_of(item)
    if state == allocation.LIVE:
        return ""
    return f' <span class="state">{esc(allocation.LABELS[state].upper())}</span>'


def item_cell(item: Item) -> str:
    """An item's name first, its state marked, then its kind in small."""
    return (
        f"<b>{esc(item.name)}</b>{state_mark(item)}<br><small>{esc(kind_word(item.kind))}</small>"
    )


def items(ctx: ReportContext) -> str:
    """Every item with thumbnail, hashes and identification, by name (the id short, last)."""
    names = {i.id: i.name for i in ctx.all_items or ctx.items}
    rows = []
    for n, item in enumerate(ctx.items):
        thumb = _thumbnail(ctx, item) if n < MAX_THUMBNAILS else ""
        hashes = (
            f'SHA-256 <code class="hash">{esc(item.sha256)}</code><br>'
            f'MD5 <code class="hash">{esc(item.md5)}</code>'
            if item.sha256
            else ""
        )
        state = allocation.allocation_of(item)
        ident = "<br>".join(
            f"{k}: {esc(v)}"
            for k, v in (
                ("in", names.get(item.parent_id or "")),
                ("exhibit", item.exhibit),
                ("serial", item.serial),
                ("marking", item.marking),
                ("source", item.source_path),
                ("path in image", item.fs_path),
                ("state", None if state == allocation.LIVE else allocation.DESCRIPTIONS[state]),
                ("note", item.note),
            )
            if v
        )
        rows.append(
            [
                thumb,
                item_cell(item),
                esc(item.mime),
                "" if item.size is None else f"{item.size:,}",
                hashes,
                ident,
                short_id(item.id),
            ]
        )
    return table(
        ["", "Item", "Type", "Bytes", "Hashes", "Identification", "Id"],
        rows,
        "items",
        id_columns=(6,),
        widths={0: "12%", 1: "17%", 4: "24%", 6: "8%"},
    )


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
        parts.append(f"<h3>{esc(item.name)}{state_mark(item)}</h3>")
        for group in view.groups:
            rows = [[esc(f.label), esc(f.value)] for f in group.fields[:60]]
            parts.append(
                f"<h4>{esc(group.label)} <small>(read by {esc(group.extractor)})</small></h4>"
                + table(["Field", "Value"], rows, "meta", widths={0: "30%"})
            )
        for w in view.warnings:
            parts.append(f"<p class='warn'>Warning: {esc(w)}</p>")
    return "".join(parts) or "<p>No metadata was extracted for these items.</p>"


def frames(ctx: ReportContext) -> str:
    """Annotated frames, drawn with their marks, each with its caption."""
    from forensics.annotations.collect import collect
    from forensics.annotations.render_png import render_frame
    from forensics.annotations.service import AnnotationService

    svc = AnnotationService(ctx.case)
    try:
        found = [f for f in collect(svc) if ctx.in_scope(f.anchor.item_id)]
        cells = []
        for frame in found[:MAX_FRAMES]:
            labels = ", ".join(sorted({s.annotation.label for s in frame.shapes}))
            try:
                img = f'<img src="{data_uri(render_frame(svc, frame))}" width="{FRAME_WIDTH}">'
            except Exception as exc:  # a frame that cannot be decoded any more is named
                img = f"<i>frame not drawn: {esc(exc)}</i>"
            where = (
                "still image"
                if frame.anchor.frame_index < 0
                else f"frame {frame.anchor.frame_index:,}"
                + (f" at {frame.anchor.pts:.2f} s" if frame.anchor.pts is not None else "")
            )
            cells.append(
                f"{img}<br><b>{esc(frame.item_name)}</b>, {esc(where)}: marked {esc(labels)}."
                f'<br><small>Decoded pixels SHA-256 <code class="hash">'
                f"{esc(frame.anchor.pixel_sha256)}</code></small>"
            )
        rows = [cells[i : i + FRAMES_PER_ROW] for i in range(0, len(cells), FRAMES_PER_ROW)]
        parts = (
            [
                '<table class="frames" width="100%" border="0" cellspacing="0" cellpadding="4">'
                + "".join(
                    "<tr>"
                    + "".join(f'<td width="{100 // FRAMES_PER_ROW}%">{c}</td>' for c in row)
                    + "</tr>"
                    for row in rows
                )
                + "</table>"
            ]
            if cells
            else []
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
    names = {i.id: i.name for i in ctx.all_items or ctx.items}
    supporting, _ = STANCES
    rows = []
    for h in found:
        links = repo.links(h.id)
        support = sum(1 for link in links if link.stance == supporting)
        against = len(links) - support
        rows.append(
            [
                f"<b>{esc(h.place_name)}</b><br><small>for {esc(names.get(h.item_id or ''))}"
                "</small>",
                f"{h.lat:.5f}, {h.lon:.5f}" + (f"<br>± {h.radius_m:,.0f} m" if h.radius_m else ""),
                ", ".join(code_word(m) for m in h.methods),
                code_word(h.status),
                code_word(h.confidence),
                esc(h.analyst),
                f"{support} for, {against} against",
                esc(h.notes),
            ]
        )
    return table(
        ["Place", "Position", "Method", "Status", "Confidence", "Analyst", "Evidence", "Notes"],
        rows,
        "hyp",
        widths={0: "16%", 1: "13%", 7: "26%"},
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
            f"<b>{esc(c.name)}</b>",
            esc(c.function),
            esc(c.part_number),
            esc(c.marking),
            esc(c.manufacturer),
            esc(c.country_name),
            code_word(c.basis),
            code_word(c.confidence),
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
        + charts.bar_chart(by_country, "Country", "Share of components")
        + "<h3>Components by function</h3>"
        + charts.bar_chart(by_function, "Function", "Share of components")
    )


def sources(ctx: ReportContext) -> str:
    """Sources with their Admiralty grades."""
    from forensics.provenance.models import Source
    from forensics.records.provenance import CREDIBILITY, RELIABILITY
    from forensics.store.provenance import ProvenanceRepository

    found = ProvenanceRepository(ctx.case.db).all(Source)
    if not found:
        return "<p>No sources registered.</p>"
    rows = [
        [
            f"<b>{esc(s.title)}</b>",
            esc(s.kind),
            esc(s.author),
            esc(s.publisher),
            esc(s.published),
            f"<b>{esc(s.reliability)}{esc(s.credibility)}</b><br><small>"
            + esc(RELIABILITY.get(str(s.reliability), ""))
            + "; "
            + esc(CREDIBILITY.get(int(s.credibility), "") if str(s.credibility).isdigit() else "")
            + "</small>",
            f'<span class="url">{esc(s.url)}</span>',
        ]
        for s in found
    ]
    return table(
        ["Source", "Kind", "Author", "Publisher", "Published", "Grade", "Address"],
        rows,
        "src",
        widths={0: "28%", 5: "14%"},
    ) + (
        "<p><small>Grade: the source's reliability (A to F) and the information's "
        "credibility (1 to 6) in the Admiralty (NATO) code.</small></p>"
    )
