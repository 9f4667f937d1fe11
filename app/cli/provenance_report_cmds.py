"""`pwb origins`, `pwb search-parts`, `pwb demo`: figures, cross-case search, the demo case."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.common import (
    EXIT_OK,
    EXIT_PARTIAL,
    add_json_flag,
    case_command,
    open_case,
    resolve_item,
)
from app.cli.output import ProgressBar, print_json, say, table, warn
from forensics.provenance.origins import origins
from forensics.provenance.search import search_parts
from forensics.textsafe import escape_name


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the origins, search-parts and demo subcommands."""
    p = case_command(
        sub,
        "origins",
        cmd_origins,
        help="each component's country, shares by country/function",
        case_arg="case",
    )
    p.add_argument("--item", help="only this item's subtree (id or prefix)")

    p = sub.add_parser("search-parts", help="find a part number, marking or maker in cases")
    p.add_argument("dirs", nargs="+", metavar="DIR")
    p.add_argument("--part-number")
    p.add_argument("--marking")
    p.add_argument("--manufacturer")
    add_json_flag(p)
    p.set_defaults(func=cmd_search_parts)

    p = case_command(sub, "demo", cmd_demo, help="build (or bring up to date) the demo case")
    p.add_argument("--rebuild", action="store_true", help="build again even when up to date")


def _pct(share: float) -> str:
    return f"{share * 100:.1f}%"


def cmd_origins(args: argparse.Namespace) -> int:
    with open_case(args.case, readonly=True) as case:
        item = resolve_item(case, args.item) if args.item else None
        report = origins(case, item)
    if args.json:
        print_json(report.to_json())
        return EXIT_OK
    say(f"{report.total} component(s)")
    table(
        [
            [
                c.component_id[:8],
                escape_name(c.name),
                escape_name(c.function),
                escape_name(c.manufacturer or "unlinked"),
                f"{c.country_name} ({c.country_code})",
                f"{c.basis or ''}{', ' + c.confidence if c.confidence else ''}",
                "; ".join(f"{escape_name(s.title)} [{s.grade}]" for s in c.sources) or "none cited",
            ]
            for c in report.components
        ],
        ["ID", "COMPONENT", "FUNCTION", "MANUFACTURER", "COUNTRY", "BASIS", "SOURCES"],
    )
    say()
    table(
        [[s.label, str(s.count), _pct(s.share)] for s in report.by_country],
        ["COUNTRY", "COUNT", "SHARE"],
    )
    say()
    table(
        [[escape_name(s.label), str(s.count), _pct(s.share)] for s in report.by_function],
        ["FUNCTION", "COUNT", "SHARE"],
    )
    return EXIT_OK


def cmd_search_parts(args: argparse.Namespace) -> int:
    bar = ProgressBar("searching")
    try:
        result = search_parts(
            [Path(d) for d in args.dirs],
            part_number=args.part_number,
            marking=args.marking,
            manufacturer=args.manufacturer,
            progress=bar,
        )
    finally:
        bar.close()
    if args.json:
        print_json(result.to_json())
    else:
        table(
            [
                [
                    escape_name(h.case_title),
                    h.component_id[:8],
                    escape_name(h.name),
                    escape_name(h.part_number or ""),
                    ", ".join(h.manufacturers),
                    " > ".join(escape_name(p) for p in h.path),
                ]
                for h in result.hits
            ],
            ["CASE", "ID", "COMPONENT", "PART", "MANUFACTURER", "INSIDE"],
        )
        for case_dir, reason in result.errors:
            warn(f"{escape_name(case_dir)}: {reason}")
    return EXIT_PARTIAL if result.errors else EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from app.demo.build import build_demo, demo_state, seeds_digest

    target = Path(args.case_dir)
    was = demo_state(target) if target.exists() else None
    bar = ProgressBar("demo")
    try:
        path = build_demo(target, rebuild=args.rebuild, progress=bar)
    finally:
        bar.close()
    built = args.rebuild or was != seeds_digest()
    if args.json:
        print_json({"case_dir": str(path), "built": built, "seeds_digest": seeds_digest()})
    else:
        say(f"{'built' if built else 'up to date'}: {escape_name(str(path))}")
    return EXIT_OK
