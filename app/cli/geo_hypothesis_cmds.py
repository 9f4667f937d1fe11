"""`pwb geo add | edit | link | list | show`: recording geolocation hypotheses.

The checks on them (`auto`, `check`, `sun`) are registered from `geo_check_cmds`.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from app.cli.common import (
    EXIT_OK,
    UsageError,
    add_actor_flags,
    case_command,
    listing,
    open_case,
    reply,
    resolve_item,
    resolved,
)
from app.cli.output import print_json, say

if TYPE_CHECKING:
    from geoloc.evidence import Support
    from geoloc.hypotheses import Hypothesis

# geoloc (and geopy under it) is imported by the commands that use it, so every other `pwb`
# command starts without loading it.
from forensics.records.geoloc import GEO_CONFIDENCE_MEANING, GEO_CONFIDENCE_SCALE
from forensics.store.hypotheses import CONFIDENCES, LINK_KINDS, METHODS, STATUSES


def register_geo(geo: argparse._SubParsersAction[Any]) -> None:
    """Add the `pwb geo` actions that record and show hypotheses."""
    p = case_command(geo, "add", cmd_add, help="record a hypothesis for an item")
    p.add_argument("--item", required=True)
    p.add_argument("--place", help="a place name (looked up when no position is given)")
    p.add_argument("--lat", type=float)
    p.add_argument("--lon", type=float)
    p.add_argument("--area", help='an outline "LON,LAT LON,LAT LON,LAT ..." instead of a point')
    p.add_argument("--radius-m", type=float, help="uncertainty radius in metres")
    p.add_argument(
        "--method",
        action="append",
        required=True,
        dest="methods",
        help=f"one of {', '.join(METHODS)} (repeatable)",
    )
    p.add_argument("--status", default="proposed", help=", ".join(STATUSES))
    p.add_argument(
        "--confidence",
        default="unverified",
        help=f"{GEO_CONFIDENCE_SCALE}: "
        + "; ".join(f"{v} = {GEO_CONFIDENCE_MEANING[v]}" for v in CONFIDENCES),
    )
    p.add_argument("--frames", help="a frame range FIRST-LAST of a video")
    p.add_argument("--analyst")
    p.add_argument("--notes", default="")
    add_actor_flags(p)

    p = case_command(
        geo, "edit", cmd_edit, help="change a hypothesis (the old version stays in its history)"
    )
    p.add_argument("hypothesis")
    for name in ("status", "confidence", "notes", "analyst", "place"):
        p.add_argument(f"--{name}")
    p.add_argument("--lat", type=float)
    p.add_argument("--lon", type=float)
    p.add_argument("--radius-m", type=float)
    p.add_argument("--method", action="append", dest="methods")
    add_actor_flags(p)

    p = case_command(geo, "link", cmd_link, help="attach supporting or contradicting evidence")
    p.add_argument("hypothesis")
    stance = p.add_mutually_exclusive_group(required=True)
    stance.add_argument("--supporting", action="store_const", const="supporting", dest="stance")
    stance.add_argument(
        "--contradicting", action="store_const", const="contradicting", dest="stance"
    )
    p.add_argument("--kind", required=True, choices=LINK_KINDS)
    p.add_argument(
        "--target", required=True, help="the id of the annotation, item, frame or source"
    )
    p.add_argument("--clue", help="label of the observation; links with one label are one clue")
    p.add_argument("--note", default="")
    add_actor_flags(p)

    p = case_command(geo, "list", cmd_list, help="list hypotheses with their support")
    p.add_argument("--item")

    p = case_command(geo, "show", cmd_show, help="one hypothesis with its evidence and history")
    p.add_argument("hypothesis")


# helpers --------------------------------------------------------------------------------------
def _json(h: Hypothesis, support: Support) -> dict[str, Any]:
    from geoloc.export_geo import properties

    out = properties(h, support)
    out["lat"], out["lon"] = h.lat, h.lon
    out["area"] = None if h.area is None else [list(p) for p in h.area]
    out["notes"] = h.notes or None  # no notes: null, as `--json` says unknown
    return out


def _frames(text: str | None) -> tuple[int | None, int | None]:
    if not text:
        return None, None
    first, _, last = text.partition("-")
    try:
        return int(first), int(last) if last else int(first)
    except ValueError as exc:
        raise UsageError(f"--frames {text!r}: expected FIRST-LAST, e.g. 120-480") from exc


def _area(text: str | None) -> list[list[float]] | None:
    if not text:
        return None
    try:
        return [[float(v) for v in pair.split(",")] for pair in text.split()]
    except ValueError as exc:
        raise UsageError(f"--area {text!r}: expected LON,LAT pairs separated by spaces") from exc


def _row(h: Hypothesis, s: Support) -> list[str]:
    where = f"{h.lat:.5f}, {h.lon:.5f}"
    size = "area" if h.area else (f"±{h.radius_m:g} m" if h.radius_m is not None else "")
    clues = f"{s.independent_supporting}" + (" (weak)" if s.weak else "")
    return [
        h.id[:8],
        (h.item_id or "")[:8],
        h.place_name or "",
        where,
        size,
        h.status,
        h.confidence,
        ",".join(h.methods),
        h.origin,
        clues,
    ]


# commands -------------------------------------------------------------------------------------
def cmd_add(args: argparse.Namespace) -> int:
    from geoloc.hypotheses import HypothesisDraft, HypothesisService

    if args.place is None and args.area is None and (args.lat is None or args.lon is None):
        raise UsageError("give --place NAME, or --lat LAT --lon LON, or --area")
    first, last = _frames(args.frames)
    with open_case(args.case_dir) as case:
        item_id = resolve_item(case, args.item)
        service = HypothesisService(case)
        h = service.add(
            HypothesisDraft(
                item_id=item_id,
                methods=tuple(args.methods),
                lat=args.lat,
                lon=args.lon,
                radius_m=args.radius_m,
                area=_area(args.area),
                place_name=args.place,
                status=args.status,
                confidence=args.confidence,
                analyst=args.analyst,
                notes=args.notes,
                frame_start=first,
                frame_end=last,
            ),
            actor=args.examiner,
            reason=args.reason,
        )
        return reply(
            args,
            _json(h, service.support(h.id)),
            f"hypothesis {h.id}: {h.place_name or ''} {h.lat:.5f}, {h.lon:.5f} "
            f"({h.status}, {h.confidence})",
        )


def cmd_edit(args: argparse.Namespace) -> int:
    from geoloc.hypotheses import HypothesisService

    changes: dict[str, Any] = {}
    for name in ("status", "confidence", "notes", "analyst", "lat", "lon", "radius_m"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    if args.place is not None:
        changes["place_name"] = args.place
    if args.methods:
        changes["methods"] = tuple(args.methods)
    if not changes:
        raise UsageError("nothing to change")
    with open_case(args.case_dir) as case:
        service = HypothesisService(case)
        h = service.update(
            resolved(service.get, args.hypothesis).id,
            changes,
            actor=args.examiner,
            reason=args.reason,
        )
        return reply(
            args, _json(h, service.support(h.id)), f"hypothesis {h.id}: version {h.version}"
        )


def cmd_link(args: argparse.Namespace) -> int:
    from geoloc.hypotheses import HypothesisService

    with open_case(args.case_dir) as case:
        service = HypothesisService(case)
        h = resolved(service.get, args.hypothesis)
        link = service.link(
            h.id,
            stance=args.stance,
            kind=args.kind,
            target_id=args.target,
            clue=args.clue,
            note=args.note,
            actor=args.examiner,
            reason=args.reason,
        )
        s = service.support(h.id)
        return reply(
            args,
            {"link": link.to_json(), "support": s.__dict__},
            f"linked {link.kind} {link.target_id} ({link.stance}) to {h.id[:8]}; "
            f"{s.independent_supporting} independent supporting clue(s)"
            + (" (weak)" if s.weak else ""),
        )


def cmd_list(args: argparse.Namespace) -> int:
    from geoloc.hypotheses import HypothesisService

    with open_case(args.case_dir, readonly=True) as case:
        item_id = resolve_item(case, args.item) if args.item else None
        service = HypothesisService(case)
        hypotheses = service.hypotheses(item_id)
        supports = service.supports()
        return listing(
            args,
            {"hypotheses": [_json(h, supports[h.id]) for h in hypotheses]},
            [_row(h, supports[h.id]) for h in hypotheses],
            [
                "id",
                "item",
                "place",
                "lat, lon",
                "size",
                "status",
                "confidence",
                "methods",
                "origin",
                "clues",
            ],
        )


def cmd_show(args: argparse.Namespace) -> int:
    from geoloc.history import describe_changes
    from geoloc.hypotheses import HypothesisService

    with open_case(args.case_dir, readonly=True) as case:
        service = HypothesisService(case)
        h = resolved(service.get, args.hypothesis)
        links = service.links(h.id)
        history = service.history(h.id)
        doc = _json(h, service.support(h.id))
        doc["evidence"] = [link.to_json() for link in links]
        doc["history"] = [e.__dict__ for e in history]
        if args.json:
            print_json(doc)
            return EXIT_OK
        for key in (
            "id",
            "item_id",
            "place_name",
            "lat",
            "lon",
            "radius_m",
            "status",
            "confidence",
            "methods",
            "analyst",
            "origin",
            "notes",
            "supporting_clues",
        ):
            say(f"{key}: {doc[key]}")
        for link in links:
            say(f"evidence: {link.stance} {link.kind} {link.target_id} clue={link.clue}")
        for e in history:
            say(
                f"v{e.version} {e.created_at} {e.created_by} "
                f"{e.action.replace('hypothesis_', '').replace('_', ' ')}: "
                f"{describe_changes(e.changes)}"
            )
    return EXIT_OK
