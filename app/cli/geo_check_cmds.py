"""`pwb geo auto | check | sun`: hypotheses from metadata, and checks against them."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from app.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_PARTIAL,
    UsageError,
    add_actor_flags,
    case_command,
    open_case,
    resolve_item,
    resolved,
)
from app.cli.output import print_json, say, warn


def register_geo_checks(geo: argparse._SubParsersAction[Any]) -> None:
    """Add the `pwb geo` actions that derive and check hypotheses."""
    p = case_command(
        geo, "auto", cmd_auto, help="make hypotheses from positions in the media's metadata"
    )
    p.add_argument("--item")
    add_actor_flags(p, reason=False)

    p = case_command(
        geo, "check", cmd_check, help="flag hypotheses that contradict metadata or each other"
    )
    p.add_argument("--item")
    p.add_argument(
        "--threshold-m",
        type=float,
        default=1000.0,
        help="gap between uncertainty circles that counts as far (default 1000)",
    )

    p = case_command(geo, "sun", cmd_sun, help="the sun's azimuth and elevation at a hypothesis")
    p.add_argument("hypothesis")
    p.add_argument(
        "--time", required=True, help="ISO 8601 with offset, e.g. 2025-05-01T10:00+08:00"
    )
    p.add_argument(
        "--shadow-azimuth",
        type=float,
        help="a shadow direction measured on the frame (degrees from north)",
    )
    p.add_argument("--tolerance", type=float, default=15.0)


def cmd_auto(args: argparse.Namespace) -> int:
    from geoloc.auto import hypotheses_from_metadata

    with open_case(args.case_dir) as case:
        item_id = resolve_item(case, args.item) if args.item else None
        result = hypotheses_from_metadata(case, item_id, actor=args.examiner)
        if args.json:
            print_json(
                {
                    "created": [h.id for h in result.created],
                    "existing": result.existing,
                    "problems": result.problems,
                }
            )
        else:
            say(
                f"{len(result.created)} hypotheses from metadata, {result.existing} already "
                "recorded"
            )
            for problem in result.problems:
                warn(problem)
    return EXIT_PARTIAL if result.problems else EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from geoloc.auto import check_case

    with open_case(args.case_dir, readonly=True) as case:
        item_id = resolve_item(case, args.item) if args.item else None
        flags = check_case(case, item_id, threshold_m=args.threshold_m)
    if args.json:
        print_json({"flags": [f.to_json() for f in flags]})
    else:
        for f in flags:
            say(f"{f.kind}: {f.message}")
        if not flags:
            say("no inconsistencies")
    return EXIT_FINDINGS if flags else EXIT_OK


def cmd_sun(args: argparse.Namespace) -> int:
    from geoloc.hypotheses import HypothesisService
    from geoloc.sun import check_shadow, sun_position

    try:
        when = datetime.fromisoformat(args.time.replace("Z", "+00:00"))
    except ValueError as exc:
        raise UsageError(f"--time {args.time!r} is not an ISO 8601 time") from exc
    with open_case(args.case_dir, readonly=True) as case:
        h = resolved(HypothesisService(case).get, args.hypothesis)
    sun = sun_position(when, h.lat, h.lon)
    doc: dict[str, Any] = {"hypothesis_id": h.id, **sun.to_json()}
    if args.shadow_azimuth is not None:
        c = check_shadow(sun, args.shadow_azimuth, args.tolerance)
        doc["shadow_check"] = {
            "predicted_deg": round(c.predicted, 2),
            "measured_deg": round(c.measured, 2),
            "difference_deg": round(c.difference, 2),
            "tolerance_deg": c.tolerance,
            "consistent": c.consistent,
        }
    if args.json:
        print_json(doc)
    else:
        say(
            f"sun at {h.place_name or h.id[:8]} ({h.lat:.4f}, {h.lon:.4f}) {sun.when_utc}: "
            f"azimuth {sun.azimuth:.1f}°, elevation {sun.elevation:.1f}°, shadows point "
            f"{sun.shadow_azimuth:.1f}°" + ("" if sun.is_up else " (the sun is down)")
        )
        if "shadow_check" in doc:
            c2 = doc["shadow_check"]
            say(
                f"measured shadow {c2['measured_deg']}°: {c2['difference_deg']}° off, "
                + ("consistent" if c2["consistent"] else "inconsistent")
            )
    if "shadow_check" in doc and not doc["shadow_check"]["consistent"]:
        return EXIT_FINDINGS
    return EXIT_OK
