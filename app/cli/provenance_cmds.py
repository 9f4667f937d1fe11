"""`pwb mfr`, `pwb component`, `pwb link`, `pwb markings`: manufacturers and components.

Sources, claims, origins, part search and the demo are registered from sibling modules
(`provenance_sources_cmds`, `provenance_report_cmds`) so each file keeps one job.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli import provenance_report_cmds, provenance_sources_cmds, withdraw_cmd
from app.cli.common import (
    EXIT_OK,
    UsageError,
    add_actor_flags,
    add_json_flag,
    case_command,
    listing,
    open_case,
    reply,
    resolve_item,
    resolved,
)
from app.cli.output import print_json, say, table
from forensics.case import Case
from forensics.errors import NotFoundError
from forensics.provenance.components import add_component, link_component
from forensics.provenance.manufacturers import add_manufacturer
from forensics.provenance.manufacturers import parse_alias as _alias
from forensics.provenance.markings import (
    decide,
    ensure_manufacturer,
    reference_manufacturers,
    suggest,
)
from forensics.provenance.models import FUNCTIONS, Basis, Component, Confidence, Manufacturer
from forensics.records.provenance import CONFIDENCE_MEANING, CONFIDENCE_SCALE
from forensics.store.provenance import ProvenanceRepository
from forensics.textsafe import escape_name

_CONFIDENCE_HELP = f"{CONFIDENCE_SCALE}: " + "; ".join(
    f"{value} = {meaning}" for value, meaning in CONFIDENCE_MEANING.items()
)
"""A link's confidence explained in --help (a place's confidence is another scale)."""


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this feature's subcommands to `pwb`."""
    p = sub.add_parser("mfr", help="the manufacturers registry")
    msub = p.add_subparsers(dest="mfr_command", metavar="ACTION", required=True)
    a = case_command(msub, "add", cmd_mfr_add, help="register a manufacturer", case_arg="case")
    a.add_argument("name")
    a.add_argument(
        "--alias",
        action="append",
        default=[],
        help='another name; "name@script" for a native script (repeatable)',
    )
    a.add_argument("--country", help="ISO code or English name (CN, China)")
    a.add_argument("--region")
    a.add_argument("--city")
    a.add_argument("--notes")
    a.add_argument("--listing-status", help="sanctions or listing status, as you found it")
    a.add_argument("--listing-source", help="id of the source of the listing status")
    add_actor_flags(a, reason=False)
    case_command(
        msub, "list", cmd_mfr_list, help="list the registered manufacturers", case_arg="case"
    )

    p = sub.add_parser("component", help="components inside recovered hardware")
    csub = p.add_subparsers(dest="component_command", metavar="ACTION", required=True)
    a = case_command(
        csub, "add", cmd_component_add, help="record a component inside an item", case_arg="case"
    )
    a.add_argument("--parent", required=True, help="the item holding it (id or prefix)")
    a.add_argument(
        "--function", required=True, help=f"what it does ({', '.join(FUNCTIONS[:8])}, ...)"
    )
    a.add_argument("--name")
    a.add_argument("--part", help="part number")
    a.add_argument("--marking", help="the marking exactly as read (use $'..\\n..' for lines)")
    a.add_argument("--date-code")
    a.add_argument("--lot-code")
    a.add_argument("--photo", action="append", default=[], help="photo item id (repeatable)")
    a.add_argument("--notes")
    add_actor_flags(a, reason=False)
    case_command(
        csub,
        "list",
        cmd_component_list,
        help="list the components with their manufacturers",
        case_arg="case",
    )

    p = case_command(
        sub, "link", cmd_link, help="attribute a component to a manufacturer", case_arg="case"
    )
    p.add_argument("component", help="component id or prefix")
    p.add_argument("--manufacturer", required=True, help="name, alias or id")
    p.add_argument("--basis", required=True, choices=Basis.ALL)
    p.add_argument(
        "--confidence", default=Confidence.POSSIBLE, choices=Confidence.ALL, help=_CONFIDENCE_HELP
    )
    p.add_argument("--source", action="append", default=[], help="source id (repeatable)")
    p.add_argument("--note", help="the basis in your words: what you saw and where")
    add_actor_flags(p, reason=False)

    p = sub.add_parser("markings", help="manufacturer suggestions for a marking")
    p.add_argument("marking")
    p.add_argument("--case", help="with --component and --accept/--reject: record a decision")
    p.add_argument("--component")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--accept", metavar="PATTERN_ID")
    group.add_argument("--reject", metavar="PATTERN_ID")
    p.add_argument(
        "--confidence", default=Confidence.PROBABLE, choices=Confidence.ALL, help=_CONFIDENCE_HELP
    )
    p.add_argument("--basis-note", help="the basis in your words, kept with an accepted link")
    p.add_argument("--examiner")
    add_json_flag(p)
    p.set_defaults(func=cmd_markings)

    provenance_sources_cmds.register(sub)
    withdraw_cmd.register(sub)
    provenance_report_cmds.register(sub)


def resolve_manufacturer(case: Case, ref: str, *, actor: str | None = None) -> Manufacturer:
    """A registered manufacturer by name, alias or id prefix; else from the reference catalogue.

    Raises:
        UsageError: nothing by that name anywhere.
    """
    repo = ProvenanceRepository(case.db)
    found = repo.manufacturer_named(ref)
    if found is not None:
        return found
    try:
        return repo.resolve_prefix(Manufacturer, ref)
    except NotFoundError:
        pass
    if ref.casefold() in reference_manufacturers():
        return ensure_manufacturer(case, ref, actor=actor)
    raise UsageError(f"no manufacturer '{ref}': register it with pwb mfr add")


def resolve_component(case: Case, ref: str) -> Component:
    """A component by id or unique prefix.

    Raises:
        UsageError: no component matches.
    """
    return resolved(lambda r: ProvenanceRepository(case.db).resolve_prefix(Component, r), ref)


def cmd_mfr_add(args: argparse.Namespace) -> int:
    with open_case(args.case) as case:
        maker = add_manufacturer(
            case,
            name=args.name,
            aliases=[_alias(a) for a in args.alias],
            country=args.country,
            region=args.region,
            city=args.city,
            notes=args.notes,
            listing_status=args.listing_status,
            listing_source_id=args.listing_source,
            actor=args.examiner,
        )
    return reply(args, maker.record(), f"{maker.id}  {escape_name(maker.name)}  {maker.place()}")


def cmd_mfr_list(args: argparse.Namespace) -> int:
    with open_case(args.case, readonly=True) as case:
        makers = ProvenanceRepository(case.db).all(Manufacturer, order=("name",), nocase=True)
    return listing(
        args,
        {"manufacturers": [m.record() for m in makers]},
        [
            [
                m.id[:8],
                escape_name(m.name),
                m.country_code or "",
                escape_name(m.city or ""),
                ", ".join(escape_name(a.name) for a in m.aliases),
                escape_name(m.listing_status or ""),
            ]
            for m in makers
        ],
        ["ID", "NAME", "CC", "CITY", "ALIASES", "LISTING"],
    )


def cmd_component_add(args: argparse.Namespace) -> int:
    with open_case(args.case) as case:
        parent = resolve_item(case, args.parent)
        photos = [resolve_item(case, p) for p in args.photo]
        component = add_component(
            case,
            parent_id=parent,
            function=args.function,
            name=args.name,
            part_number=args.part,
            marking=args.marking,
            date_code=args.date_code,
            lot_code=args.lot_code,
            photo_item_ids=photos,
            notes=args.notes,
            actor=args.examiner,
        )
        suggestions = (
            suggest(args.marking or args.part or "") if (args.marking or args.part) else []
        )
    if args.json:
        print_json({**component.record(), "suggestions": [s.to_json() for s in suggestions]})
        return EXIT_OK
    say(
        f"{component.id}  {escape_name(component.function)}  "
        f"{escape_name(component.part_number or '')}"
    )
    for s in suggestions:
        say(
            f"  suggestion: {s.manufacturer} ('{escape_name(s.matched_text)}' matched "
            f"{s.pattern_id}); pwb link {args.case} {component.id[:8]} --manufacturer "
            f"'{s.manufacturer}' --basis '{s.basis}'"
        )
    return EXIT_OK


def cmd_component_list(args: argparse.Namespace) -> int:
    with open_case(args.case, readonly=True) as case:
        repo = ProvenanceRepository(case.db)
        rows = []
        for c in repo.components_under(None):
            links = repo.links_of(c.id)
            makers = [repo.get(Manufacturer, k.manufacturer_id) for k in links]
            rows.append((c, case.items.get(c.id).name, makers, links))
    return listing(
        args,
        {
            "components": [
                {
                    **c.record(),
                    "name": name,
                    "manufacturers": [m.name for m in makers],
                    # Each active attribution, with the id `pwb withdraw` takes.
                    "links": [
                        {
                            "id": k.id,
                            "manufacturer": m.name,
                            "basis": k.basis,
                            "confidence": k.confidence,
                        }
                        for k, m in zip(links, makers, strict=True)
                    ],
                }
                for c, name, makers, links in rows
            ]
        },
        [
            [
                c.id[:8],
                escape_name(name),
                escape_name(c.function),
                escape_name(c.part_number or ""),
                ", ".join(escape_name(m.name) for m in makers),
            ]
            for c, name, makers, _links in rows
        ],
        ["ID", "NAME", "FUNCTION", "PART", "MANUFACTURER"],
    )


def cmd_link(args: argparse.Namespace) -> int:
    with open_case(args.case) as case:
        component = resolve_component(case, args.component)
        maker = resolve_manufacturer(case, args.manufacturer, actor=args.examiner)
        link = link_component(
            case,
            component.id,
            maker.id,
            basis=args.basis,
            confidence=args.confidence,
            note=args.note,
            source_ids=args.source,
            actor=args.examiner,
        )
    return reply(
        args,
        {
            **link.record(),
            "manufacturer": maker.name,
            "country_code": maker.country_code,
            "sources": args.source,
        },
        f"{link.id}  {component.id[:8]} -> {escape_name(maker.name)} "
        f"({maker.country_code or '??'}) {link.basis}, {link.confidence}",
    )


def cmd_markings(args: argparse.Namespace) -> int:
    suggestions = suggest(args.marking)
    chosen = args.accept or args.reject
    decision = None
    if chosen:
        if not (args.case and args.component):
            raise UsageError("--accept/--reject need --case and --component")
        picked = [s for s in suggestions if s.pattern_id == chosen]
        if not picked:
            raise UsageError(f"pattern {chosen} does not match this marking")
        with open_case(args.case) as case:
            component = resolve_component(case, args.component)
            decision = decide(
                case,
                component.id,
                picked[0],
                accept=bool(args.accept),
                confidence=args.confidence,
                basis_note=args.basis_note,
                actor=args.examiner,
            )
    if args.json:
        print_json(
            {
                "marking": args.marking,
                "suggestions": [s.to_json() for s in suggestions],
                "decision": decision.record() if decision else None,
            }
        )
        return EXIT_OK
    if suggestions:
        table(
            [
                [
                    s.manufacturer,
                    s.country_code or "",
                    escape_name(s.matched_text),
                    s.pattern_id,
                    s.kind,
                    s.family,
                ]
                for s in suggestions
            ],
            ["MANUFACTURER", "CC", "MATCHED", "PATTERN", "KIND", "FAMILY"],
        )
    else:
        say("no suggestion: no catalogue pattern matches this marking")
    if decision is not None:
        say(f"{decision.decision}: {decision.manufacturer_name} ({decision.pattern_id})")
    return EXIT_OK
