"""`pwb geo auto | check | sun`: hypotheses from metadata, and checks against them."""

from __future__ import annotations

import argparse
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

    p = case_command(
        geo,
        "sun",
        cmd_sun,
        help="the sun's azimuth and elevation at a hypothesis; --record keeps the check in "
        "its history",
    )
    p.add_argument("hypothesis")
    p.add_argument(
        "--time",
        help="ISO 8601 with offset, e.g. 2025-05-01T10:00+08:00 (default: the capture time "
        "in the metadata of the hypothesis's media)",
    )
    p.add_argument(
        "--shadow-azimuth",
        type=float,
        help="a shadow direction measured on the frame (degrees from north)",
    )
    p.add_argument("--tolerance", type=float, default=15.0)
    p.add_argument(
        "--record",
        action="store_true",
        help="keep the check in the hypothesis's history (a new version, logged in custody)",
    )
    add_actor_flags(p)


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
    from forensics.errors import ValidationError
    from geoloc.capture_time import capture_times
    from geoloc.history import describe_sun_check, sun_check_result
    from geoloc.hypotheses import HypothesisService, SunCheckDraft
    from geoloc.sun import parse_time

    with open_case(args.case_dir, readonly=not args.record) as case:
        service = HypothesisService(case)
        h = resolved(service.get, args.hypothesis)
        text, source = args.time, "--time"
        if text is None:
            found = capture_times(case, h.item_id, service.links(h.id))
            if not found:
                raise UsageError(
                    "no capture time in the metadata of this hypothesis's media: give --time"
                )
            text, source = found[0].time, found[0].describe()
        try:
            draft = SunCheckDraft(parse_time(text), args.shadow_azimuth, args.tolerance)
        except ValidationError as exc:
            raise UsageError(f"--time: {exc}" if args.time else str(exc)) from exc
        if args.record:
            h, result = service.check_sun(h.id, draft, actor=args.examiner, reason=args.reason)
        else:
            result = sun_check_result(h, draft.when, draft.shadow_azimuth, draft.tolerance)
    doc: dict[str, Any] = {
        "hypothesis_id": h.id,
        **result,
        "time_source": source,
        "recorded_version": h.version if args.record else None,
    }
    if args.json:
        print_json(doc)
    else:
        say(f"{h.place_name or h.id[:8]} ({h.lat:.4f}, {h.lon:.4f}), time from {source}:")
        say(describe_sun_check(result))
        if args.record:
            say(f"recorded in the hypothesis's history as version {h.version}")
    shadow = result.get("shadow_check")
    if shadow is not None and not shadow["consistent"]:
        return EXIT_FINDINGS
    return EXIT_OK
