"""`pwb geocode | geo ...`: the gazetteer and geolocation hypotheses.

The geo export formats (GeoJSON, KML) are declared in `app.features` and run by `pwb export`.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    add_json_flag,
)
from app.cli.geo_check_cmds import register_geo_checks
from app.cli.geo_hypothesis_cmds import register_geo
from app.cli.output import print_json, table, warn


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


__all__ = ["register"]
