"""What an analyst or an editor hands to `HypothesisService`: drafts, validated there.

Kept apart from the service so callers (the CLI, the editor dialog, the demo builder) can
say what they want changed without the rules that check it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime


@dataclass(frozen=True)
class HypothesisDraft:
    """What an analyst gives to record a hypothesis (validated by `HypothesisService.add`).

    Give a position (`lat`/`lon`), an area (`area` as (lon, lat) pairs), or only a
    `place_name` the gazetteer knows (its position is then looked up).
    """

    item_id: str | None
    methods: tuple[str, ...] | str
    lat: float | None = None
    lon: float | None = None
    radius_m: float | None = None
    area: Sequence[Sequence[float]] | None = None
    place_name: str | None = None
    status: str = "proposed"
    confidence: str = "unverified"
    analyst: str | None = None
    notes: str = ""
    frame_start: int | None = None
    frame_end: int | None = None
    origin: str = "analyst"
    origin_ref: str | None = None


@dataclass(frozen=True)
class LinkDraft:
    """An evidence link an editor will add when it is saved (see `HypothesisService.link`)."""

    stance: str
    kind: str
    target_id: str
    clue: str | None = None
    note: str = ""


@dataclass(frozen=True)
class SunCheckDraft:
    """A sun check to record: the capture time (with offset) and a measured shadow."""

    when: datetime
    shadow_azimuth: float | None = None
    tolerance: float = 15.0
