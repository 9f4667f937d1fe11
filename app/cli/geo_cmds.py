"""`pwb geocode | geo ... | export`: the gazetteer, geolocation hypotheses and geo exports.

`pwb export CASE --format F OUT` dispatches on `EXPORTERS`; other features add their formats
by registering a function there (`EXPORTERS["coco"] = write_coco`) when their command module
is imported: the format is checked when the command runs, not when the parser is built.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    add_actor_flags,
    add_json_flag,
    case_command,
    open_case,
)
from app.cli.geo_check_cmds import register_geo_checks
from app.cli.geo_hypothesis_cmds import register_geo
from app.cli.output import print_json, say, table, warn
from forensics.case import Case

Exporter = Callable[[Case, Path, str | None], dict[str, Any]]
"""`exporter(case, out_path, actor) -> summary dict` (format, path, sha256, counts...)."""


def _geojson(case: Case, out: Path, actor: str | None) -> dict[str, Any]:
    from geoloc.export_geo import write_geojson

    return write_geojson(case, out, actor=actor)


def _kml(case: Case, out: Path, actor: str | None) -> dict[str, Any]:
    from geoloc.export_geo import write_kml

    return write_kml(case, out, actor=actor)


EXPORTERS: dict[str, Exporter] = {"geojson": _geojson, "kml": _kml}
"""Formats of `pwb export`; features register theirs here."""


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `geocode`, `geo` and `export` to `pwb`."""
    p = sub.add_parser("geocode", help="look a place up in the offline gazetteer (GeoNames)")
    p.add_argument("query", nargs="*", help='a place name, e.g. "Nanshan, Shenzhen"')
    p.add_argument(
        "--reverse",
        nargs=2,
        type=float,
        metavar=("LAT", "LON"),
        help="the places nearest to a position instead",
    )
    p.add_argument("--limit", type=int, default=5, help="how many results (default 5)")
    add_json_flag(p)
    p.set_defaults(func=cmd_geocode)

    geo_parser = sub.add_parser("geo", help="geolocation hypotheses")
    geo = geo_parser.add_subparsers(
        dest="geo_command", metavar="ACTION", parser_class=type(geo_parser)
    )
    register_geo(geo)
    register_geo_checks(geo)

    p = case_command(sub, "export", cmd_export, help="export the case in an exchange format")
    p.add_argument(
        "--format",
        required=True,
        dest="fmt",
        help="geojson or kml (and the formats other features add)",
    )
    p.add_argument("out", help="the file to write")
    add_actor_flags(p, reason=False)


# commands ---------------------------------------------------------------------------------------
def cmd_geocode(args: argparse.Namespace) -> int:
    from geoloc.gazetteer import default_gazetteer
    from geoloc.validation import check_lat_lon

    gazetteer = default_gazetteer()
    if args.reverse:
        lat, lon = check_lat_lon(*args.reverse)
        found = gazetteer.reverse((lat, lon), exactly_one=False, limit=args.limit) or []
    else:
        query = " ".join(args.query).strip()
        if not query:
            raise UsageError("give a place name, or --reverse LAT LON")
        found = gazetteer.geocode(query, exactly_one=False, limit=args.limit) or []
        if not found:
            if args.json:
                print_json({"query": query, "results": []})
            warn(f"the gazetteer does not know {query!r}")
            return EXIT_FINDINGS
    results = [dict(loc.raw, address=loc.address) for loc in found]
    if args.json:
        print_json(
            {
                "query": args.reverse or " ".join(args.query),
                "results": results,
                "credit": "GeoNames (CC BY 4.0)",
            }
        )
        return EXIT_OK
    rows = [
        [
            r["address"],
            f"{r['lat']:.5f}",
            f"{r['lon']:.5f}",
            str(r["population"]),
            f"{r['distance_m'] / 1000:.1f} km" if "distance_m" in r else "",
        ]
        for r in results
    ]
    table(rows, ["place", "lat", "lon", "population", "distance"])
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    exporter = EXPORTERS.get(args.fmt.lower())
    if exporter is None:
        raise UsageError(f"--format {args.fmt!r}: one of {', '.join(sorted(EXPORTERS))}")
    out = Path(args.out)
    if out.is_dir():
        raise UsageError(f"{out}: is a folder; name the file to write")
    if not out.parent.is_dir():
        raise UsageError(f"{out.parent}: no such folder")
    with open_case(args.case_dir) as case:
        try:
            summary = exporter(case, out, args.examiner)
        except OSError as exc:
            raise UsageError(f"{out}: cannot write ({exc.strerror or exc})") from exc
    if args.json:
        print_json(summary)
    else:
        say(f"wrote {summary.get('path', out)} ({args.fmt}, sha256 {summary.get('sha256', '?')})")
    return EXIT_OK


__all__ = ["EXPORTERS", "Exporter", "register"]
