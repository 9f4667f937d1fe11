"""Demo step: sources, manufacturers, components, links, claims and figures from the seeds.

The data lives in `seeds/demo/provenance.json` (facts restated from the seed facts, each with
its source and date); this step only turns it into records, with ids derived from the seed
keys. Well-known ids go into `ctx.ids`: "camera_a40", "viewpro", "xian_bingo", "zt180",
"source:<key>", "claim:<key>", "figure:<key>".
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from app.demo.context import DemoContext, stable_id
from app.demo.evidence_step import add_physical_item
from forensics.models import ItemKind
from forensics.provenance.components import add_component, link_component
from forensics.provenance.manufacturers import add_manufacturer, parse_alias
from forensics.provenance.sources import add_claim, add_figure, add_source, cite

SEED = "demo/provenance.json"
REASON = "demo case built from seeds/"


def load_seed() -> dict[str, Any]:
    """The demo's provenance seed document."""
    text = resources.files("seeds").joinpath(SEED).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _cite_sources(
    ctx: DemoContext, target_type: str, target_id: str, seed_key: str, source_keys: list[str]
) -> None:
    """Make a seeded record cite each of its seed sources, with ids derived from the keys."""
    for key in source_keys:
        cite(
            ctx.case,
            ctx.ids[f"source:{key}"],
            target_type,
            target_id,
            actor=ctx.actor,
            record_id=stable_id(f"citation:{seed_key}:{key}"),
        )


def provenance_step(ctx: DemoContext) -> None:
    """Add the demo's sources, manufacturers, the ZT-180, components, links, claims, figures."""
    seed = load_seed()
    case, actor = ctx.case, ctx.actor
    for s in seed["sources"]:
        source = add_source(
            case,
            kind=s["kind"],
            title=s["title"],
            author=s["author"],
            publisher=s["publisher"],
            url=s["url"],
            published=s["published"],
            grade=s["grade"],
            notes=s["notes"],
            actor=actor,
            reason=REASON,
            record_id=stable_id(f"source:{s['key']}"),
        )
        ctx.ids[f"source:{s['key']}"] = source.id
    for m in seed["manufacturers"]:
        maker = add_manufacturer(
            case,
            name=m["name"],
            aliases=[parse_alias(a) for a in m["aliases"]],
            country=m["country"],
            region=m["region"],
            city=m["city"],
            notes=m["notes"],
            listing_status=m["listing_status"],
            listing_source_id=ctx.ids[f"source:{m['listing_source']}"]
            if m["listing_source"]
            else None,
            actor=actor,
            reason=REASON,
            record_id=stable_id(f"manufacturer:{m['key']}"),
        )
        ctx.ids[m["key"]] = maker.id
        _cite_sources(ctx, "manufacturer", maker.id, m["key"], m["sources"])
    for i in seed["items"]:
        add_physical_item(
            ctx,
            i["key"],
            kind=ItemKind.HARDWARE,
            name=i["name"],
            note=i["note"],
            tags=tuple(i["tags"]),
            attributes=i["attributes"],
        )
        _cite_sources(ctx, "item", ctx.ids[i["key"]], i["key"], i["sources"])
    for c in seed["components"]:
        component = add_component(
            case,
            parent_id=ctx.id_for(c["parent"]),
            function=c["function"],
            name=c["name"],
            part_number=c["part_number"],
            marking=c["marking"],
            notes=c["notes"],
            actor=actor,
            reason=REASON,
            record_id=stable_id(f"item:{c['key']}"),
        )
        ctx.ids[c["key"]] = component.id
    for k in seed["links"]:
        link = link_component(
            case,
            ctx.ids[k["component"]],
            ctx.ids[k["manufacturer"]],
            basis=k["basis"],
            confidence=k["confidence"],
            note=k["note"],
            actor=actor,
            reason=REASON,
            source_ids=[ctx.ids[f"source:{s}"] for s in k["sources"]],
            record_id=stable_id(f"link:{k['key']}"),
        )
        ctx.ids[f"link:{k['key']}"] = link.id
    for c in seed["claims"]:
        claim = add_claim(
            case,
            source_id=ctx.ids[f"source:{c['source']}"],
            text=c["text"],
            claim_date=c["date"],
            actor=actor,
            reason=REASON,
            record_id=stable_id(f"claim:{c['key']}"),
        )
        ctx.ids[f"claim:{c['key']}"] = claim.id
    for f in seed["figures"]:
        figure = add_figure(
            case,
            what=f["what"],
            value=float(f["value"]),
            unit=f["unit"],
            as_of=f["as_of"],
            claim_id=ctx.ids[f"claim:{f['claim']}"],
            source_ids=tuple(ctx.ids[f"source:{s}"] for s in f["sources"]),
            actor=actor,
            reason=REASON,
            record_id=stable_id(f"figure:{f['key']}"),
        )
        ctx.ids[f"figure:{f['key']}"] = figure.id
    for n, c in enumerate(seed["citations"]):
        cite(
            case,
            ctx.ids[f"source:{c['source']}"],
            c["target_type"],
            ctx.id_for(c["target"]),
            locator=c["locator"],
            note=c["note"],
            actor=actor,
            reason=REASON,
            record_id=stable_id(f"citation:{n}:{c['source']}:{c['target']}"),
        )
