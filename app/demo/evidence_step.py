"""Demo step: the Gerbera drone, its camera's memory card, and the footage stored under it.

The hardware gets stable ids (uuid5 of a seed key) so a rebuild names the same records; the
footage is stored through the regular intake path (`store_content`) with a source path that
says it was generated, so its hashes, custody entries and post-ingest extraction are those of
any ingested file.
"""

from __future__ import annotations

import logging
from typing import Any

from app.demo.context import DemoContext, stable_id
from app.features import post_ingest_steps
from forensics.intake.content_store import store_content
from forensics.intake.records import ContentSource, IngestOptions
from forensics.models import Item, ItemKind
from forensics.store.custody import Action
from forensics.store.db import utc_now

log = logging.getLogger(__name__)

GENERATED_PREFIX = "generated:demo/"
"""Source path prefix of the synthetic footage: it came from no device."""


def add_physical_item(
    ctx: DemoContext, key: str, *, kind: str, name: str, parent: str | None = None, **fields: Any
) -> Item:
    """Register a hardware or component item under a stable id and log it.

    Args:
        ctx: the demo being built.
        key: the seed key; the id is `stable_id(key)` and `ctx.ids[key]` is set.
        kind: `ItemKind.HARDWARE` or `ItemKind.COMPONENT`.
        name: the item's name.
        parent: the well-known name of the parent item, if any.
        **fields: further `Item` fields (serial, marking, exhibit, note, tags, attributes).

    Returns:
        The item as stored.
    """
    case = ctx.case
    item = Item(
        id=stable_id(f"item:{key}"),
        kind=kind,
        name=name,
        parent_id=ctx.id_for(parent) if parent else None,
        created_at=utc_now(),
        created_by=ctx.actor,
        **fields,
    )
    case.insert_item(
        item,
        Action.ITEM_ADDED,
        details={"kind": kind, "name": name, "parent_id": item.parent_id},
        reason="demo case built from seeds/",
    )
    ctx.ids[key] = item.id
    return item


def hardware_step(ctx: DemoContext) -> None:
    """The recovered drone and the memory card of its onboard camera."""
    add_physical_item(
        ctx,
        "drone",
        kind=ItemKind.HARDWARE,
        name="Gerbera drone (downed)",
        exhibit="EX-001",
        note="Russian 'Gerbera' drone shot down and recovered by Ukrainian forces.",
        tags=("gerbera", "uav", "recovered"),
    )
    add_physical_item(
        ctx,
        "memory_card",
        kind=ItemKind.HARDWARE,
        parent="drone",
        name="SD memory card of the onboard camera",
        exhibit="EX-001-A",
        note="Held test recordings made in a factory.",
        tags=("memory-card",),
    )


def footage_step(ctx: DemoContext) -> None:
    """Store the generated clip and stills as evidence under the memory card.

    `ctx.ids` gets "footage" for the clip and "still:<name>" for each still.
    """
    case = ctx.case
    options = IngestOptions(
        parent_id=ctx.id_for("memory_card"),
        examiner=ctx.actor,
        note="Synthetic stand-in generated for the demo (the real footage is not available).",
        reason="demo case built from seeds/",
        post_ingest=post_ingest_steps(),
    )
    for name, data in ctx.files.items():
        key = "footage" if name == ctx.footage.clip_name else f"still:{name}"
        ctx.cancel.raise_if_cancelled()
        source = ContentSource(
            name=name,
            source_path=GENERATED_PREFIX + name,
            attributes={"generated_by": "forensics.media.demo_footage"},
        )
        outcome = store_content(
            case, [data], len(data), source, options, parent_id=options.parent_id, cancel=ctx.cancel
        )
        if outcome.item is None:
            raise RuntimeError(f"{name}: not stored ({outcome.reason})")
        ctx.ids[key] = outcome.item.id
        for warning in outcome.warnings:
            log.warning("demo footage %s: %s", name, warning)
