"""Hypotheses made automatically from positions in the media's metadata, and case checks.

Every EXIF GPS position, container location atom and drone telemetry track the metadata
extractor found becomes one hypothesis marked `origin="metadata"`, keyed in `origin_ref` by
its item, source and coordinates (which survive a re-extraction that renews the position's
id), so running it again adds nothing twice. Metadata can be wrong or forged, so these
start as "proposed" / "unverified": they are clues to weigh, not answers. The application
runs `PostIngestHypotheses` after every ingest (after the metadata step), and `pwb geo auto`
or Geo > Hypotheses from metadata on demand.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from forensics.case import Case
from forensics.errors import ValidationError
from forensics.jobs import CancelToken, ProgressFn, no_progress
from geoloc.geodesy import (
    DEFAULT_THRESHOLD_M,
    Flag,
    MetadataPoint,
    confirmed_disagreements,
    distance_m,
    far_from_metadata,
    weak_support,
)
from geoloc.hypotheses import Hypothesis, HypothesisDraft, HypothesisService

if TYPE_CHECKING:
    from forensics.models import Item

log = logging.getLogger(__name__)

METHOD_BY_SOURCE = {
    "exif": "exif_gps",
    "container": "container_location",
    "telemetry": "drone_telemetry",
}
RADIUS_BY_SOURCE = {"exif": 30.0, "container": 100.0, "telemetry": 50.0}
"""Default uncertainty: consumer GPS in a still, a phone's rounded location atom, a drone fix."""


@dataclass(frozen=True)
class TrackLine:
    """A telemetry track as the map and the exports draw it."""

    id: str
    item_id: str
    points: tuple[tuple[float, float], ...]
    """(lat, lon) fixes in order, invalid ones dropped."""
    start_time: str | None = None
    end_time: str | None = None


@dataclass
class AutoResult:
    """What `hypotheses_from_metadata` did."""

    created: list[Hypothesis] = field(default_factory=list)
    existing: int = 0
    problems: list[str] = field(default_factory=list)
    """One sentence per position that could not become a hypothesis, naming it and why."""


_REPOSITORIES: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
"""The metadata repository of each open case database that has the media tables (asked
once: the post-ingest step asks for every new item, and a table is never dropped)."""


def _media_repository(case: Case) -> Any | None:
    found = _REPOSITORIES.get(case.db)
    if found is not None:
        return found
    try:
        from forensics.store.media import MediaRepository
    except ImportError:  # the metadata feature is not installed in this build
        log.info("no metadata repository: no positions to read")
        return None
    if "media_positions" not in case.db.table_names():
        return None
    _REPOSITORIES[case.db] = repo = MediaRepository(case.db)
    return repo


def metadata_positions(case: Case, item_id: str | None = None) -> list[Any]:
    """Positions the metadata extractor recorded (empty when it has not run)."""
    repo = _media_repository(case)
    return [] if repo is None else list(repo.positions(item_id))


def telemetry_tracks(case: Case, item_id: str | None = None) -> list[TrackLine]:
    """Telemetry tracks with their valid fixes (tracks with none are left out)."""
    repo = _media_repository(case)
    if repo is None or not hasattr(repo, "tracks"):
        return []
    out = []
    for track in repo.tracks(item_id):
        points = tuple(
            (float(p.lat), float(p.lon))
            for p in track.points
            if p.lat is not None
            and p.lon is not None
            and abs(p.lat) <= 90
            and abs(p.lon) <= 180
            and not (p.lat == 0 and p.lon == 0)
        )
        if points:
            out.append(TrackLine(track.id, track.item_id, points, track.start_time, track.end_time))
    return out


def origin_ref(position: Any) -> str:
    """The stable key of a metadata position: item, source and coordinates."""
    return (
        f"{position.source}:{position.item_id}:{float(position.lat):.6f}:{float(position.lon):.6f}"
    )


def hypotheses_from_metadata(
    case: Case,
    item_id: str | None = None,
    *,
    actor: str | None = None,
    service: HypothesisService | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> AutoResult:
    """Make one metadata hypothesis per metadata position not yet turned into one.

    Args:
        case: the open case.
        item_id: only this item's positions; None for the whole case.
        actor: who runs it (default: the case's examiner).
        service: the hypothesis service to record through.
        progress: called per position.
        cancel: checked per position; what was recorded stays.

    Returns:
        The hypotheses created, how many already existed, and the positions refused.
    """
    service = service or HypothesisService(case)
    positions = metadata_positions(case, item_id)
    tracks = {t.item_id: t for t in telemetry_tracks(case, item_id)}
    result = AutoResult()
    if item_id is not None and not positions:
        result.problems.append(_no_position(case, item_id))
    for n, pos in enumerate(positions):
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(n, len(positions), str(pos.item_id))
        ref = origin_ref(pos)
        if service.repo.by_origin_ref(ref) is not None:
            result.existing += 1
            continue
        radius = RADIUS_BY_SOURCE.get(pos.source, 100.0)
        track = tracks.get(pos.item_id) if pos.source == "telemetry" else None
        if track is not None:
            radius = max(radius, *(distance_m((pos.lat, pos.lon), p) for p in track.points))
        draft = HypothesisDraft(
            item_id=pos.item_id,
            methods=(METHOD_BY_SOURCE.get(pos.source, "exif_gps"),),
            lat=pos.lat,
            lon=pos.lon,
            radius_m=round(radius, 1),
            status="proposed",
            confidence="unverified",
            analyst=f"metadata ({pos.extractor or pos.source})",
            notes=f"{pos.source} position from {pos.detail or 'metadata'}"
            + (f" at {pos.time}" if pos.time else ""),
            origin="metadata",
            origin_ref=ref,
        )
        try:
            result.created.append(
                service.add(draft, actor=actor, reason="position found in the item's metadata")
            )
        except ValidationError as exc:
            result.problems.append(f"item {pos.item_id}: {pos.source} position {pos.id}: {exc}")
    progress(len(positions), len(positions), "done")
    return result


class PostIngestHypotheses:
    """The post-ingest step: right after an item's metadata is extracted, its positions
    become metadata hypotheses, as `pwb geo auto` would make them (and `geo auto` run
    later finds them recorded: nothing twice). An item without a position is not a problem
    here, so it adds no warning."""

    def __call__(self, case: Case, item: Item, cancel: CancelToken) -> Sequence[str]:
        """Make the item's metadata hypotheses; returns one warning per refused position."""
        repo = _media_repository(case)
        if repo is None or not repo.has_positions(item.id):
            return []
        result = hypotheses_from_metadata(case, item.id, actor=item.created_by, cancel=cancel)
        return [f"geolocation: {problem}" for problem in result.problems]


def _no_position(case: Case, item_id: str) -> str:
    """Why an item yields no hypothesis: its metadata holds no position (and what it said)."""
    name = case.items.get(item_id).name
    repo = _media_repository(case)
    said: tuple[str, ...] = ()
    if repo is not None and hasattr(repo, "metadata"):
        view = repo.metadata(item_id)
        said = tuple(view.warnings) + tuple(view.errors)
    detail = f" ({'; '.join(said)})" if said else ""
    return f"item {item_id} ({name}): its metadata holds no position{detail}"


def check_case(
    case: Case,
    item_id: str | None = None,
    *,
    threshold_m: float = DEFAULT_THRESHOLD_M,
    service: HypothesisService | None = None,
) -> list[Flag]:
    """Every consistency flag of the case's (or one item's) hypotheses.

    Far-from-metadata compares analyst hypotheses with the metadata positions of their item
    (and with metadata hypotheses, which carry the same positions); confirmed hypotheses of
    the same footage are compared pairwise; supported or confirmed hypotheses with fewer
    than two independent clues are flagged as weakly supported.
    """
    service = service or HypothesisService(case)
    hypotheses = service.hypotheses(item_id)
    points = [
        MetadataPoint(p.item_id, p.lat, p.lon, p.source, p.id)
        for p in metadata_positions(case, item_id)
    ]
    points += [
        MetadataPoint(h.item_id, h.lat, h.lon, "metadata hypothesis", h.id)
        for h in hypotheses
        if h.origin == "metadata" and h.item_id is not None
    ]
    clues = {hid: s.independent_supporting for hid, s in service.supports().items()}
    return (
        far_from_metadata(hypotheses, points, threshold_m)
        + confirmed_disagreements(hypotheses, threshold_m)
        + weak_support(hypotheses, clues)
    )
