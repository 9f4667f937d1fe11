"""A self-contained HTML report of a case or a selection of its items.

One HTML file with every picture inline (data URIs), so it can be mailed, archived or printed
without the case. The same HTML is what the GUI prints to PDF through Qt, so it sticks to what
Qt's rich-text engine renders: tables, headings, images, no scripts and little CSS; the one
exception, the map's inline SVG, is turned into a picture by the PDF printer (ui/exchange/pdf.py).

It reads like an examiner's report: what was received, what was done, what was produced; then
the items with thumbnails and hashes, the deleted, recovered and carved files apart, their
metadata, annotated frames, a map of positions,
telemetry tracks and hypotheses on an offline basemap, the hypotheses, the provenance table
and origin chart, the sources with grades, and the full custody log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from forensics.case import Case
from forensics.exchange import report_deleted, report_map, report_versions
from forensics.exchange import report_sections as sec
from forensics.exchange.map_figure import MapDrawer
from forensics.exchange.select import item_closure
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
    ("decoders", "Decoder versions behind these values", report_versions.section),
    ("custody", "Chain of custody", sec.custody),
)

_STYLE = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 10pt; color: #222; }
h1 { font-size: 18pt; } h2 { font-size: 14pt; border-bottom: 1px solid #999; }
table { border-collapse: collapse; margin: 6px 0; } th { background: #e8eef4; }
td, th { border: 1px solid #bbb; padding: 3px; vertical-align: top; }
code { font-size: 8pt; } .warn { color: #a05a00; } .error { color: #b3261e; }
"""


def build_report(
    case: Case,
    *,
    items: Sequence[str] | None = None,
    actor: str | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    map_drawer: MapDrawer | None = None,
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
    """
    cancel = cancel or CancelToken()
    scope: set[str] | None = None
    if items:
        parents = {i.id: i.parent_id for i in case.items.search()}
        scope = item_closure(parents, [case.items.get(i).id for i in items])
    all_items = case.items.search()
    chosen = [i for i in all_items if scope is None or i.id in scope]
    # Sealed before the log is read, so the report prints the seal of the head it shows.
    seal = seal_case(case, "report")
    entries = case.custody.entries()
    if scope is not None:
        entries = [e for e in entries if e.item_id is None or e.item_id in scope]
    ctx = sec.ReportContext(case, chosen, scope, entries, map_drawer)
    info = case.info
    body = [
        f"<h1>{sec.esc(info.title)}</h1>",
        "<p>Case <code>" + sec.esc(info.case_id) + f"</code>, opened {sec.esc(info.created_at)}"
        f" by {sec.esc(info.examiner)}. Report made {sec.esc(utc_now())} by "
        f"{sec.esc(case.actor(actor))} with Provenance Workbench {sec.esc(app_version())}.</p>",
        "<p>Scope: "
        + (
            "the whole case"
            if scope is None
            else f"{len(chosen)} selected items with their parents and contents"
        )
        + ".</p>",
        sec.seal_block(seal),
    ]
    toc = "".join(f'<li><a href="#{key}">{sec.esc(title)}</a></li>' for key, title, _ in SECTIONS)
    body.append(f"<ol>{toc}</ol>")
    for n, (key, title, build) in enumerate(SECTIONS):
        cancel.raise_if_cancelled()
        progress(n, len(SECTIONS), title)
        try:
            content = build(ctx)
        except Exception as exc:  # one feature's failure is reported, not fatal
            log.exception("report section %s failed", key)
            content = f"<p class='error'>This section could not be built: {sec.esc(exc)}</p>"
        body.append(f'<h2 id="{key}"><a name="{key}"></a>{sec.esc(title)}</h2>{content}')
    progress(len(SECTIONS), len(SECTIONS), "done")
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{sec.esc(info.title)}: case report</title><style>{_STYLE}</style></head>"
        "<body>" + "".join(body) + "</body></html>"
    )


def write_report(
    case: Case,
    out: Path,
    *,
    items: Sequence[str] | None = None,
    actor: str | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    map_drawer: MapDrawer | None = None,
) -> dict[str, object]:
    """Write the HTML report to `out` and log it as an export (arguments as `build_report`).

    Returns:
        The summary the CLI prints (path, sha256, bytes).
    """
    text = build_report(
        case, items=items, actor=actor, progress=progress, cancel=cancel, map_drawer=map_drawer
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
