"""Every version of a hypothesis: a snapshot in its history and an entry in the custody log.

Each add, edit, sun check and delete stores the hypothesis's whole state as a numbered
version, so any earlier answer stays readable, and writes the change through the caller's
recording, which chains it in the custody log (with the state's digest, except for a
deletion). A sun check changes no field, but it is a finding made about the place at a time
by someone: it gets its version, its result kept in the version's `changes`.
`describe_changes` puts a version's changes in words for the GUI and the CLI alike.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import datetime
from typing import Any

from forensics.records.geoloc import HYPOTHESIS, GeoAction, HistoryEntry, Hypothesis
from forensics.store.db import utc_now
from forensics.store.hypotheses import HypothesisRepository
from forensics.store.recording import Recording

ACTION_ADDED = GeoAction.ADDED
ACTION_EDITED = GeoAction.EDITED
ACTION_DELETED = GeoAction.DELETED
ACTION_SUN_CHECKED = GeoAction.SUN_CHECKED
SUN_CHECK = "sun_check"
"""The key of a sun check's result in its version's `changes`."""


def _add_history(
    repo: HypothesisRepository,
    h: Hypothesis,
    *,
    version: int,
    action: str,
    changes: dict[str, Any],
    reason: str | None,
    at: str,
    actor: str,
) -> str:
    history_id = str(uuid.uuid4())
    repo.add_history(
        HistoryEntry(
            id=history_id,
            hypothesis_id=h.id,
            version=version,
            action=action,
            state=HYPOTHESIS.state(h),
            changes=changes,
            reason=reason,
            created_at=at,
            created_by=actor,
        )
    )
    return history_id


def record_version(
    rec: Recording,
    repo: HypothesisRepository,
    h: Hypothesis,
    *,
    before: Hypothesis | None = None,
    changes: dict[str, Any],
) -> None:
    """Store `h` (a new hypothesis, or `before` edited) with a new version, and log it.

    Args:
        rec: the recording the change belongs to (actor, reason, transaction).
        repo: the hypothesis rows (for the history).
        h: the hypothesis's new state.
        before: its state before an edit; None for an add.
        changes: field -> {"from", "to"} (empty for an add).
    """
    action = ACTION_ADDED if before is None else ACTION_EDITED
    history_id = _add_history(
        repo,
        h,
        version=h.version,
        action=action,
        changes=changes,
        reason=rec.reason,
        at=h.updated_at,
        actor=rec.actor,
    )
    details: dict[str, Any] = {
        "version": h.version,
        "history_id": history_id,
        "place_name": h.place_name,
        "status": h.status,
    }
    if changes:
        details["changes"] = changes
    if before is None:
        rec.insert(h, action, item_id=h.item_id, details=details)
    else:
        rec.update(before, h, action, item_id=h.item_id, details=details, log_changes=False)


def as_edited(h: Hypothesis) -> dict[str, Any]:
    """A hypothesis's values as its editor shows them (coordinates to 6 decimals), so an
    editor's untouched field reads as unchanged when its edit is put onto a newer state."""
    return {
        "lat": None if h.lat is None else round(h.lat, 6),
        "lon": None if h.lon is None else round(h.lon, 6),
    }


def record_deletion(rec: Recording, repo: HypothesisRepository, h: Hypothesis) -> None:
    """Keep the last state of a deleted hypothesis as a final version, delete it, log it."""
    _add_history(
        repo,
        h,
        version=h.version + 1,
        action=ACTION_DELETED,
        changes={},
        reason=rec.reason,
        at=utc_now(),
        actor=rec.actor,
    )
    rec.delete(h, ACTION_DELETED, item_id=h.item_id, details={"place_name": h.place_name})


def sun_check_result(
    h: Hypothesis, when: datetime, shadow_azimuth: float | None, tolerance: float
) -> dict[str, Any]:
    """The sun at the hypothesis at `when`, and a measured shadow compared, as JSON.

    Raises:
        ValidationError: a time without UTC offset, or a measured direction that is no number.
    """
    from geoloc.sun import check_shadow, sun_position

    sun = sun_position(when, h.lat, h.lon)
    doc: dict[str, Any] = {"time_given": when.isoformat(), **sun.to_json()}
    if shadow_azimuth is not None:
        doc["shadow_check"] = check_shadow(sun, shadow_azimuth, tolerance).to_json()
    return doc


def record_sun_check(
    rec: Recording, repo: HypothesisRepository, h: Hypothesis, result: dict[str, Any]
) -> Hypothesis:
    """Keep a sun check in the hypothesis's history as a new version, and log it.

    Returns:
        The hypothesis at its new version (its fields unchanged).
    """
    after = replace(h, version=h.version + 1, updated_at=utc_now())
    history_id = _add_history(
        repo,
        after,
        version=after.version,
        action=ACTION_SUN_CHECKED,
        changes={SUN_CHECK: result},
        reason=rec.reason,
        at=after.updated_at,
        actor=rec.actor,
    )
    rec.update(
        h,
        after,
        ACTION_SUN_CHECKED,
        item_id=h.item_id,
        details={"version": after.version, "history_id": history_id, SUN_CHECK: result},
        log_changes=False,
    )
    return after


def describe_sun_check(result: dict[str, Any]) -> str:
    """A sun check in one sentence ("sun at ... azimuth ..., shadows point ...")."""
    text = (
        f"sun checked for {result.get('time_given')} ({result.get('when_utc')}): azimuth "
        f"{result.get('azimuth_deg', 0):.1f}°, elevation {result.get('elevation_deg', 0):.1f}°, "
        f"shadows point {result.get('shadow_azimuth_deg', 0):.1f}°"
    )
    if not result.get("sun_up", True):
        text += "; the sun is below the horizon"
    shadow = result.get("shadow_check")
    if isinstance(shadow, dict):
        verdict = "consistent" if shadow.get("consistent") else "inconsistent"
        text += (
            f"; measured shadow {shadow.get('measured_deg')}° is "
            f"{shadow.get('difference_deg')}° off: {verdict} (tolerance "
            f"{shadow.get('tolerance_deg')}°)"
        )
    return text


def describe_changes(changes: dict[str, Any]) -> str:
    """A version's changes in words: each edited field from -> to, or the sun check."""
    if not changes:
        return ""
    parts = []
    for key, value in sorted(changes.items()):
        if key == SUN_CHECK and isinstance(value, dict):
            parts.append(describe_sun_check(value))
        elif isinstance(value, dict):
            parts.append(
                f"{key}: {json.dumps(value.get('from'), ensure_ascii=False)} → "
                f"{json.dumps(value.get('to'), ensure_ascii=False)}"
            )
        else:
            parts.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    return "; ".join(parts)
