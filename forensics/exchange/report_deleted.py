"""The report's "Deleted and recovered files" section: every item that was not live.

A file recovered from a deleted folder or carved from free space is evidence of a different
weight than a live one (its name, its timestamps or its very extent may not be the original's),
so the report lists them apart: what each is (`forensics.allocation`), where it was in the
image, how it was recovered and what is known of its content, and, for a carved file, the
carver and the byte offsets, so another examiner can cut the same bytes out again.
"""

from __future__ import annotations

from collections import Counter

from forensics import allocation
from forensics.exchange.report_html import esc, plural, short_id, table
from forensics.exchange.report_sections import ReportContext, state_mark
from forensics.models import Item

MAX_ROWS = 2000


def _how(item: Item) -> str:
    parts = [esc(allocation.DESCRIPTIONS[allocation.allocation_of(item)])]
    if item.recovery and item.recovery != "carved":
        parts.append("found as: " + esc(item.recovery.replace("_", " ")))
    if item.content_state:
        parts.append("content: " + esc(item.content_state.replace("_", " ")))
    carving = item.attributes.get("carving")
    if isinstance(carving, dict):
        runs = carving.get("byte_runs") or []
        parts.append(
            f"carved by {esc(carving.get('carver'))} {esc(carving.get('carver_version'))} "
            f"at byte offset {esc(carving.get('offset'))}"
            + (f" in {len(runs)} runs" if len(runs) > 1 else "")
        )
    return "<br>".join(parts)


def section(ctx: ReportContext) -> str:
    """Deleted, recovered and carved files, with how each was found."""
    found = [
        i
        for i in ctx.items
        if i.sha256 is not None and allocation.allocation_of(i) != allocation.LIVE
    ]
    if not found:
        return "<p>No deleted, recovered or carved files are in this report.</p>"
    counts = Counter(allocation.allocation_of(i) for i in found)
    names = {i.id: i.name for i in ctx.all_items or ctx.items}
    intro = (
        f"<p>{plural(len(found), 'file')} {'was' if len(found) == 1 else 'were'} not live "
        "when found: "
        + ", ".join(f"{counts[s]} {s}" for s in allocation.NOT_LIVE if counts[s])
        + ". Their names, timestamps and extents may not be the originals'; the hashes are"
        " those of the bytes recovered.</p>"
    )
    rows = [
        [
            f"<b>{esc(item.name)}</b>{state_mark(item)}",
            f"<code>{esc(item.fs_path)}</code>" if item.fs_path else "",
            esc(names.get(item.parent_id or "", "")),
            _how(item),
            "" if item.size is None else f"{item.size:,}",
            f'<code class="hash">{esc(item.sha256)}</code>',
            short_id(item.id),
        ]
        for item in found[:MAX_ROWS]
    ]
    more = (
        f"<p>{len(found) - MAX_ROWS} more are in the case (see the CSV export).</p>"
        if len(found) > MAX_ROWS
        else ""
    )
    return (
        intro
        + table(
            ["File", "Path in image", "Under", "How it was found", "Bytes", "SHA-256", "Id"],
            rows,
            "deleted",
            id_columns=(6,),
            widths={0: "15%", 3: "28%", 5: "17%", 6: "8%"},
        )
        + more
    )
