"""The report's decoder section: which library versions produced the values it shows.

A court may ask which decoder produced a value. Two tables answer: one per extractor, from the
records themselves (each keeps the versions that decoded it, so a case extracted over months
shows each set of versions with how many records it made), and one of the versions running as
the report was made (they drew its thumbnails and annotated frames).
"""

from __future__ import annotations

from forensics import decoded_with, versions
from forensics.exchange.report_html import esc, table
from forensics.exchange.report_sections import ReportContext


def section(ctx: ReportContext) -> str:
    """Decoder versions per extractor from the records, then those of the running app."""
    uses = decoded_with.for_items(ctx.case, ctx.items, ctx.scope)
    parts = [
        "<p>Every record below was made by an extractor that kept the versions of the "
        "libraries that decoded its file.</p>"
    ]
    if uses:
        rows = [
            [
                esc(u.kind),
                esc(u.extractor),
                esc(u.extractor_version),
                str(u.records),
                "<br>".join(
                    f"{esc(versions.label(k))} <code>{esc(v)}</code>"
                    for k, v in _ordered(u.decoders)
                )
                or esc(decoded_with.NOT_RECORDED),
            ]
            for u in uses
        ]
        parts.append(
            table(["Record", "Extractor", "Version", "Records", "Decoded with"], rows, "decoders")
        )
    else:
        parts.append("<p>No extraction records in this report.</p>")
    running = versions.collect()
    rows = [
        [esc(c["name"]), f"<code>{esc(c['version'])}</code>", esc(c["role"])]
        for c in running["components"].values()
        if c["version"] is not None
    ]
    commit = running["commit"]
    parts.append(
        "<h3>Versions running as this report was made</h3>"
        f"<p>Provenance Workbench <code>{esc(running['version'])}</code>"
        + (f", commit <code>{esc(commit)}</code>" if commit else "")
        + ". They drew the thumbnails and frames shown here.</p>"
        + table(["Component", "Version", "Used for"], rows, "running")
    )
    return "".join(parts)


def _ordered(decoders: dict[str, str]) -> list[tuple[str, str]]:
    order = {c.key: i for i, c in enumerate(versions.COMPONENTS)}
    keys = sorted(decoders, key=lambda k: (k == versions.APP, order.get(k, len(order)), k))
    return [(k, decoders[k]) for k in keys]
