"""A hypothesis's values, made from a draft or from changes: validated whole, written nowhere.

Kept apart from `HypothesisService`, which records them: a new hypothesis and a changed one
go through the same checks (a position or an area or a place name the gazetteer knows, a
frame range that is not reversed, words from the vocabularies), and a bad value raises before
any transaction opens. The gazetteer is passed as a callable so it is only loaded when a
place name has to be looked up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from forensics.errors import ValidationError
from forensics.records.geoloc import CONFIDENCES, HYPOTHESIS, ORIGINS, STATUSES, Hypothesis
from geoloc.placement import hypothesis_geometry
from geoloc.vocabulary import choice, frame_range, normalize_methods

if TYPE_CHECKING:
    from geoloc.drafts import HypothesisDraft
    from geoloc.gazetteer import OfflineGazetteer

EDITABLE = (
    "item_id",
    "frame_start",
    "frame_end",
    "lat",
    "lon",
    "radius_m",
    "area",
    "place_name",
    "methods",
    "status",
    "confidence",
    "analyst",
    "notes",
)
"""The fields an analyst may change (the rest are the record's identity and history)."""

Gazetteer = Callable[[], "OfflineGazetteer"]


def new_hypothesis(
    draft: HypothesisDraft, *, hypothesis_id: str, actor: str, now: str, gazetteer: Gazetteer
) -> Hypothesis:
    """The first version of a hypothesis, from what the analyst gave.

    Raises:
        ValidationError: a value is out of range, NaN, unknown or missing.
    """
    geometry = hypothesis_geometry(
        draft.lat, draft.lon, draft.radius_m, draft.area, draft.place_name, gazetteer
    )
    frame_start, frame_end = frame_range(draft.frame_start, draft.frame_end)
    return Hypothesis(
        id=hypothesis_id,
        item_id=draft.item_id,
        frame_start=frame_start,
        frame_end=frame_end,
        place_name=(draft.place_name or "").strip() or None,
        methods=normalize_methods(draft.methods),
        status=choice(draft.status, STATUSES, "status"),
        confidence=choice(draft.confidence, CONFIDENCES, "confidence"),
        analyst=(draft.analyst or actor).strip() or actor,
        notes=draft.notes or "",
        origin=choice(draft.origin, ORIGINS, "origin"),
        origin_ref=draft.origin_ref,
        version=1,
        created_at=now,
        created_by=actor,
        updated_at=now,
        **geometry,
    )


def check_editable(changes: Mapping[str, Any]) -> None:
    """Refuse a change to a field that is not the analyst's to change.

    Raises:
        ValidationError: naming the fields refused and the editable ones.
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(
            f"cannot change {', '.join(sorted(unknown))}; editable: {', '.join(EDITABLE)}"
        )


def changed_hypothesis(
    before: Hypothesis, changes: Mapping[str, Any], *, now: str, gazetteer: Gazetteer
) -> tuple[Hypothesis, dict[str, dict[str, Any]]]:
    """The next version of a hypothesis with `changes` applied, and what changed (field ->
    from/to, with "geometry"); an empty diff when nothing did.

    A new position without a new area drops the old area (it described the old place).

    Raises:
        ValidationError: an unknown field or a bad value.
    """
    check_editable(changes)
    merged = {**{k: getattr(before, k) for k in EDITABLE}, **changes}
    if "area" in changes and changes["area"] is None:
        merged["area"] = None
    if {"lat", "lon"} & set(changes) and "area" not in changes:
        merged["area"] = None
    geometry = hypothesis_geometry(
        merged["lat"],
        merged["lon"],
        merged["radius_m"],
        merged["area"],
        merged["place_name"],
        gazetteer,
    )
    frame_start, frame_end = frame_range(merged["frame_start"], merged["frame_end"])
    after = replace(
        before,
        item_id=merged["item_id"],
        frame_start=frame_start,
        frame_end=frame_end,
        place_name=(merged["place_name"] or "").strip() or None,
        methods=normalize_methods(merged["methods"]),
        status=choice(merged["status"], STATUSES, "status"),
        confidence=choice(merged["confidence"], CONFIDENCES, "confidence"),
        analyst=str(merged["analyst"] or before.analyst),
        notes=str(merged["notes"] or ""),
        version=before.version + 1,
        updated_at=now,
        **geometry,
    )
    old, new = HYPOTHESIS.state(before), HYPOTHESIS.state(after)
    diff = {k: {"from": old[k], "to": new[k]} for k in (*EDITABLE, "geometry") if old[k] != new[k]}
    return after, diff
