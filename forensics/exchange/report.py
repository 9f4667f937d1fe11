"""A self-contained HTML report of a case or a selection of its items.

One HTML file with every picture inline (data URIs), so it can be mailed, archived or printed
without the case. The same HTML is what the GUI prints to PDF through Qt, so it sticks to what
Qt's rich-text engine renders: tables, headings, images, no scripts and little CSS; the one
exception, the map's inline SVG, is turned into a picture by the PDF printer (ui/exchange/pdf.py).

It reads like an examiner's report: what was received, what was done, what was produced; then
the items by name with thumbnails and hashes, the deleted, recovered and carved files apart,
their metadata, annotated frames, a map of positions, telemetry tracks and hypotheses on an
offline basemap, the hypotheses, the provenance table and origin charts, the sources with
grades, the full custody log in words with the examiners named by their keys, the decoder
versions behind the values, and last the seal that anchors the log. Nothing in it is a Python
repr or a bare id (`report_html`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from forensics.case import Case
from forensics.exchange import (
    report_comments,
    report_custody,
    report_deleted,
    report_map,
    report_versions,
    signers,
)
from forensics.exchange import report_sections as sec
from forensics.exchange.map_figure import MapDrawer
from forensics.exchange.report_html import esc, table, when
from forensics.exchange.select import item_closure
from forensics.exchange.signers import KeyNames
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.seals import seal_case
from forensics.store.custody import Action
from forensics.store.db import utc_now
from forensics.versions import app_version

log = logging.getLogger(__name__)

SECTIONS: tuple[tuple[str, str, Callable[[sec.ReportContext], str]], ...] = (
    ("summary", "What was received, done and produced", sec.summary),
    ("items", "Items", sec.items),
    ("deleted", "Deleted and recovered files", report_deleted.section),
    ("metadata", "Metadata", sec.metadata),
    ("frames", "Annotated frames", sec.frames),
    ("map", "Map of positions, tracks and hypotheses", report_map.section),
    ("hypotheses", "Geolocation hypotheses", sec.hypotheses),
    ("provenance", "Component provenance", sec.provenance),
    ("sources", "Sources", sec.sources),
    ("comments", "Review comments", report_comments.section),
    ("custody", "Chain of custody", report_custody.custody),
    ("decoders", "Decoder versions behind these values", report_versions.section),
)
"""The report's sections in order; the seal follows the last, so the report ends with it."""

SEAL_TITLE = "Seal of the custody log"

_STYLE = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 9pt; color: #222; }
h1 { font-size: 17pt; margin-bottom: 4px; }
h2 { font-size: 13pt; color: #1d3f66; border-bottom: 1px solid #999; margin-top: 14px; }
h3 { font-size: 11pt; margin-top: 10px; } h4 { font-size: 9pt; margin: 6px 0 2px 0; }
h1, h2, h3, h4 { page-break-after: avoid; break-after: avoid; }
table { border-collapse: collapse; margin: 4px 0; page-break-inside: auto; }
tr, img, .figure, table.meta, table.seal, table.chart, table.keys, table.done {
  page-break-inside: avoid; break-inside: avoid; }
th { background: #e8eef4; text-align: left; }
td, th { border: 1px solid #bbb; padding: 2px 3px; vertical-align: top; }
table.chart td, table.chart th, table.frames td { border: none; }
table.log { font-size: 7.5pt; }
.id, code.id, .hash { font-family: 'DejaVu Sans Mono', monospace; font-size: 6.5pt; color: #555; }
code { font-family: 'DejaVu Sans Mono', monospace; font-size: 8pt; }
.url { font-size: 7pt; } .caption { margin-top: 2px; margin-bottom: 10px; }
.state { color: #b3261e; font-weight: bold; }
.warn { color: #a05a00; } .error { color: #b3261e; }
"""
"""Qt's rich-text engine (the PDF) reads the sizes, colours and `page-break-before: always`;
it ignores `avoid`, which `ui.exchange.pdf_pages` applies after laying the pages out. A browser
printing the HTML reads all of it."""


def build_report(
    case: Case,
    *,
    items: Sequence[str] | None = None,
    actor: str | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    map_drawer: MapDrawer | None = None,
    known_keys: KeyNames | None = None,
) -> str:
    """The report as one HTML document.

    Args:
        case: the open case.
        items: limit the report to these items (with their ancestors and descendants).
        actor: who asks for the report (named in it).
        progress: sections done against sections.
        cancel: stops between sections.
        map_drawer: draws the map section on a basemap (`geoloc.svg_map.draw_map`; the
            core cannot import it). Without one the report says the map was not drawn.
        known_keys: the signing keys the examiner can name (`signers.known_keys` with their
            profiles); by default their trusted team keys and their own key.
    """
    cancel = cancel or CancelToken()
    scope: set[str] | None = None
    all_items = case.items.search()
    if items:
        parents = {i.id: i.parent_id for i in all_items}
        scope = item_closure(parents, [case.items.get(i).id for i in items])
    chosen = [i for i in all_items if scope is None or i.id in scope]
    # Sealed before the log is read, so the report prints the seal of the head it shows.
    seal = seal_case(case, "report")
    entries = case.custody.entries()
    if scope is not None:
        entries = [e for e in entries if e.item_id is None or e.item_id in scope]
    known = signers.known_keys() if known_keys is None else known_keys
    ctx = sec.ReportContext(case, chosen, scope, entries, map_drawer, known, all_items)
    info = case.info
    body = [f"<h1>{esc(info.title)}</h1>", _facts(case, ctx, actor, seal)]
    toc = "".join(
        f'<li><a href="#{key}">{esc(title)}</a></li>'
        for key, title in [*((k, t) for k, t, _ in SECTIONS), ("seal", SEAL_TITLE)]
    )
    body.append(f"<p><b>Contents</b></p><ol>{toc}</ol>")
    for n, (key, title, build) in enumerate(SECTIONS):
        cancel.raise_if_cancelled()
        progress(n, len(SECTIONS), title)
        try:
            content = build(ctx)
        except Exception as exc:  # one feature's failure is reported, not fatal
            log.exception("report section %s failed", key)
            content = f"<p class='error'>This section could not be built: {esc(exc)}</p>"
        body.append(_heading(key, title) + content)
    body.append(_heading("seal", SEAL_TITLE) + report_custody.seal(seal, known))
    progress(len(SECTIONS), len(SECTIONS), "done")
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{esc(info.title)}: case report</title><style>{_STYLE}</style></head>"
        "<body>" + "".join(body) + "</body></html>"
    )


NEW_PAGE = ("custody", "seal")
"""Sections that start a page: the log and the seal are read (and kept) on their own."""


def _heading(key: str, title: str) -> str:
    style = ' style="page-break-before: always"' if key in NEW_PAGE else ""
    return f'<h2 id="{key}"{style}><a name="{key}"></a>{esc(title)}</h2>'


def _opened_by(ctx: sec.ReportContext) -> str:
    """Who made the case: its first entry's signer by our name for the key (the name the
    case records is only what its maker said)."""
    made = next((e for e in ctx.custody if e.action == Action.CASE_CREATED), None)
    if made is None or made.signer is None:
        return f"{esc(ctx.case.info.examiner)} (as the case records it: unsigned)"
    return esc(signers.signer_name(made.signer, ctx.known_keys))


def _facts(
    case: Case, ctx: sec.ReportContext, actor: str | None, seal: Mapping[str, Any] | None
) -> str:
    """The case and the report in a few rows: what, whose, when, by whom, of what."""
    info = case.info
    scope = (
        "the whole case"
        if ctx.scope is None
        else f"{len(ctx.items):,} selected items with their parents and contents"
    )
    sealed = (
        f"custody entry {esc(seal.get('seq'))}, the last this report shows; the seal is "
        "printed at the end"
        if seal
        else "not sealed (no examiner key was at hand)"
    )
    rows = [
        ["Case", f"<b>{esc(info.title)}</b>"],
        ["Opened", f"{when(info.created_at)} by {_opened_by(ctx)}"],
        ["Report made", f"{when(utc_now())} by {esc(case.actor(actor))}"],
        ["Made with", f"Provenance Workbench {esc(app_version())}"],
        ["Scope", esc(scope)],
        ["Sealed at", sealed],
        ["Case id", f'<code class="id">{esc(info.case_id)}</code>'],
    ]
    return table([], rows, "facts", id_columns=(), widths={0: "18%"})


def write_report(
    case: Case,
    out: Path,
    *,
    items: Sequence[str] | None = None,
    actor: str | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    map_drawer: MapDrawer | None = None,
    known_keys: KeyNames | None = None,
) -> dict[str, object]:
    """Write the HTML report to `out` and log it as an export (arguments as `build_report`).

    Returns:
        The summary the CLI prints (path, sha256, bytes).
    """
    text = build_report(
        case,
        items=items,
        actor=actor,
        progress=progress,
        cancel=cancel,
        map_drawer=map_drawer,
        known_keys=known_keys,
    )
    data = text.encode("utf-8")
    tmp = out.with_name(f".{out.name}.part")
    tmp.write_bytes(data)
    tmp.replace(out)
    return log_export(case, out, "html-report", data, actor=actor, items=items)


def log_export(
    case: Case,
    out: Path,
    fmt: str,
    data: bytes,
    *,
    actor: str | None,
    items: Sequence[str] | None = None,
    extra: dict[str, object] | None = None,
) -> dict[str, object]:
    """Record that a file was exported (format, name, sha256, size) in the custody log.

    A case on read-only media cannot log it; the summary then says `"logged": false`.
    """
    import hashlib

    sha = hashlib.sha256(data).hexdigest()
    details: dict[str, object] = {
        "format": fmt,
        "file": out.name,
        "sha256": sha,
        "bytes": len(data),
        "items": list(items or []),
        **(extra or {}),
    }
    if case.readonly:
        return {"path": str(out), **details, "logged": False}
    with case.recording(case.actor(actor)) as rec:
        rec.note(Action.EXPORTED, details=details)
    return {"path": str(out), **details, "logged": True}
