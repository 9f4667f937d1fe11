"""Distances on the WGS84 ellipsoid and the consistency checks built on them.

Distances are geopy's `geodesic` (Karney's algorithm): exact to the nanometre, which matters
less than being the figure any other tool reproduces. Two things are flagged with the
distance that separates them:

- a hypothesis far from a position the item's own metadata records (EXIF GPS, a container
  location, a drone's telemetry): either the metadata lies or the hypothesis is wrong;
- two confirmed hypotheses for the same footage (and overlapping frame ranges) that cannot
  both be true.

"Far" means the gap between the uncertainty circles, not between centres, exceeds a
threshold, so a generous radius is not flagged as a contradiction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from forensics.records.geoloc import Hypothesis

DEFAULT_THRESHOLD_M = 1000.0


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic distance in metres between two (lat, lon) points."""
    # geopy (with its geocoders) loads on the first distance, not with every importer of
    # this module: the GUI starts without it.
    from geopy.distance import geodesic

    return float(geodesic(a, b).meters)


@dataclass(frozen=True)
class MetadataPoint:
    """A position an item's metadata records (what hypotheses are checked against)."""

    item_id: str
    lat: float
    lon: float
    source: str
    """"exif", "container" or "telemetry"."""
    ref: str
    """The position's id, or the hypothesis that carries it."""


@dataclass(frozen=True)
class Flag:
    """One inconsistency, with the distance behind it."""

    kind: str
    """"far_from_metadata", "confirmed_disagree" or "weak_support"."""
    hypothesis_ids: tuple[str, ...]
    message: str
    distance_m: float | None = None

    def to_json(self) -> dict[str, object]:
        """The flag as `--json` documents show it."""
        return {
            "kind": self.kind,
            "hypothesis_ids": list(self.hypothesis_ids),
            "distance_m": None if self.distance_m is None else round(self.distance_m, 1),
            "message": self.message,
        }


def effective_radius_m(h: Hypothesis) -> float:
    """The hypothesis's uncertainty: its radius, or for an area the farthest vertex."""
    if h.area:
        return max(distance_m((h.lat, h.lon), (lat, lon)) for lon, lat in h.area)
    return h.radius_m or 0.0


def _frames_overlap(a: Hypothesis, b: Hypothesis) -> bool:
    if a.frame_start is None or b.frame_start is None:
        return True
    a_end = a.frame_end if a.frame_end is not None else a.frame_start
    b_end = b.frame_end if b.frame_end is not None else b.frame_start
    return a.frame_start <= b_end and b.frame_start <= a_end


def _km(metres: float) -> str:
    return f"{metres / 1000:.1f} km" if metres >= 1000 else f"{metres:.0f} m"


def far_from_metadata(
    hypotheses: Iterable[Hypothesis],
    points: Sequence[MetadataPoint],
    threshold_m: float = DEFAULT_THRESHOLD_M,
) -> list[Flag]:
    """Analyst hypotheses whose circle lies more than `threshold_m` from every metadata
    position of their item."""
    flags: list[Flag] = []
    for h in hypotheses:
        if h.origin != "analyst" or h.item_id is None:
            continue
        mine = [p for p in points if p.item_id == h.item_id and p.ref != h.id]
        if not mine:
            continue
        radius = effective_radius_m(h)
        nearest = min(mine, key=lambda p: distance_m((h.lat, h.lon), (p.lat, p.lon)))
        centre = distance_m((h.lat, h.lon), (nearest.lat, nearest.lon))
        gap = centre - radius
        if gap > threshold_m:
            flags.append(
                Flag(
                    "far_from_metadata",
                    (h.id,),
                    f"hypothesis {h.id[:8]} ({h.place_name or 'unnamed'}) lies {_km(centre)} from "
                    f"the item's {nearest.source} position ({_km(gap)} beyond its radius)",
                    centre,
                )
            )
    return flags


def confirmed_disagreements(
    hypotheses: Iterable[Hypothesis], threshold_m: float = DEFAULT_THRESHOLD_M
) -> list[Flag]:
    """Pairs of confirmed hypotheses for the same item whose circles are apart."""
    confirmed = [h for h in hypotheses if h.status == "confirmed" and h.item_id is not None]
    flags: list[Flag] = []
    for n, a in enumerate(confirmed):
        for b in confirmed[n + 1 :]:
            if a.item_id != b.item_id or not _frames_overlap(a, b):
                continue
            centre = distance_m((a.lat, a.lon), (b.lat, b.lon))
            gap = centre - effective_radius_m(a) - effective_radius_m(b)
            if gap > threshold_m:
                flags.append(
                    Flag(
                        "confirmed_disagree",
                        (a.id, b.id),
                        f"confirmed hypotheses {a.id[:8]} ({a.place_name or 'unnamed'}) and "
                        f"{b.id[:8]} ({b.place_name or 'unnamed'}) for the same footage are "
                        f"{_km(centre)} apart",
                        centre,
                    )
                )
    return flags


def weak_support(hypotheses: Iterable[Hypothesis], clues: Mapping[str, int]) -> list[Flag]:
    """Supported or confirmed hypotheses resting on fewer than two independent clues."""
    flags = []
    for h in hypotheses:
        count = clues.get(h.id, 0)
        if h.status in ("supported", "confirmed") and count < 2:
            flags.append(
                Flag(
                    "weak_support",
                    (h.id,),
                    f"hypothesis {h.id[:8]} ({h.place_name or 'unnamed'}) is {h.status} on "
                    f"{count} independent supporting clue{'s' if count != 1 else ''} "
                    "(fewer than 2)",
                )
            )
    return flags
