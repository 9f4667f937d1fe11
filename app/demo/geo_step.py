"""The demo's geolocation: the Nanshan, Shenzhen hypothesis and the clues that support it.

Seed facts: the footage on the Gerbera drone's memory card was filmed in Nanshan District,
Shenzhen (about 22.53 N, 113.93 E), reported as confirmed by geolocation; the supporting
observations are the red lanterns, the Viewpro camera reflected in a window and the factory
interior; the source is Serhii Beskrestnov ("Flash").

Two steps, because the annotations both point at the hypothesis and support it:
`geo_step` runs before the annotation step and records the hypothesis (so annotations can
link to `ids["nanshan_hypothesis"]`) with the footage and the source as evidence;
`geo_evidence_step` runs after it and links the lantern, reflection and factory annotations
as supporting clues. Both use stable ids, so a rebuild gives the same records.
"""

from __future__ import annotations

import logging

from app.demo.context import DemoContext, stable_id
from geoloc.gazetteer import OfflineGazetteer
from geoloc.hypotheses import HypothesisDraft, HypothesisService

log = logging.getLogger(__name__)

REASON = "demo case built from seeds/ (seed-facts: Nanshan geolocation)"
HYPOTHESIS_KEY = "nanshan_hypothesis"
NANSHAN = (22.53, 113.93)
RADIUS_M = 3000.0
"""About the size of the district: the reporting names the district, not a street."""


def _service(ctx: DemoContext) -> HypothesisService:
    # The position is given, so the gazetteer is never loaded while the demo is built.
    return HypothesisService(ctx.case, OfflineGazetteer())


def geo_step(ctx: DemoContext) -> None:
    """Record the Nanshan hypothesis for the footage, with the footage and source linked."""
    service = _service(ctx)
    footage = ctx.id_for("footage")
    hypothesis_id = stable_id(HYPOTHESIS_KEY)
    if service.repo.find(hypothesis_id) is None:
        service.add(
            HypothesisDraft(
                item_id=footage,
                methods=("visual_landmark", "reported_by_source"),
                lat=NANSHAN[0],
                lon=NANSHAN[1],
                radius_m=RADIUS_M,
                place_name="Nanshan District, Shenzhen, Guangdong, China",
                status="confirmed",
                confidence="strong possibility",
                analyst="Serhii Beskrestnov (Flash), as reported",
                notes=(
                    "Reported as confirmed by geolocation. Supporting observations: traditional "
                    "red Chinese lanterns along the road, a Viewpro camera reflected in a "
                    "window pane, a production hall interior."
                ),
            ),
            actor=ctx.actor,
            reason=REASON,
            hypothesis_id=hypothesis_id,
        )
    ctx.ids[HYPOTHESIS_KEY] = hypothesis_id
    source = ctx.ids.get("source:flash")
    if source is not None:
        service.link(
            hypothesis_id,
            stance="supporting",
            kind="source",
            target_id=source,
            clue="reported by Flash (Telegram)",
            actor=ctx.actor,
            reason=REASON,
            link_id=stable_id("geo_link:source:flash"),
            note="published the material and its geolocation",
        )


_CLUES = (
    ("annotation:lanterns:", "red lanterns at the roadside"),
    ("annotation:reflection", "Viewpro camera reflected in a window"),
    ("annotation:still:IMG_0003.jpg:", "Viewpro camera reflected in a window"),
    ("annotation:still:IMG_0002.jpg:", "production hall interior"),
)
"""Annotation id keys (prefixes) and the clue each supports: one observation, one clue."""


def geo_evidence_step(ctx: DemoContext) -> None:
    """Link the annotated observations to the hypothesis as supporting clues."""
    service = _service(ctx)
    hypothesis_id = ctx.id_for(HYPOTHESIS_KEY)
    linked = 0
    for key, annotation_id in sorted(ctx.ids.items()):
        clue = next((c for prefix, c in _CLUES if key.startswith(prefix)), None)
        if clue is None:
            continue
        service.link(
            hypothesis_id,
            stance="supporting",
            kind="annotation",
            target_id=annotation_id,
            clue=clue,
            actor=ctx.actor,
            reason=REASON,
            link_id=stable_id(f"geo_link:{key}"),
        )
        linked += 1
    support = service.support(hypothesis_id)
    log.info(
        "demo geolocation: %d annotations linked, %d independent supporting clues",
        linked,
        support.independent_supporting,
    )
