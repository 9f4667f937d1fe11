"""`pwb source`, `pwb claim`, `pwb figure`, `pwb cite`: graded sources and what they say."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import (
    EXIT_CONFLICT,
    add_actor_flags,
    case_command,
    listing,
    open_case,
    reply,
    resolved,
)
from app.cli.stale import add_as_of, edit_as_of
from forensics.provenance.figures import reported_figures
from forensics.provenance.models import CITATION_TARGETS, SOURCE_KINDS, Claim, Source
from forensics.provenance.sources import (
    add_claim,
    add_figure,
    add_source,
    cite,
    regrade_source,
    source_json,
    source_label,
)
from forensics.store.provenance import ProvenanceRepository
from forensics.textsafe import escape_name


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the source, claim, figure and cite subcommands."""
    p = sub.add_parser("source", help="sources graded with the Admiralty system")
    ssub = p.add_subparsers(dest="source_command", metavar="ACTION", required=True)
    a = case_command(ssub, "add", cmd_source_add, help="register a source", case_arg="case")
    a.add_argument("--kind", required=True, choices=SOURCE_KINDS)
    a.add_argument("--title", required=True)
    a.add_argument("--author")
    a.add_argument("--publisher")
    a.add_argument("--url")
    a.add_argument("--published", help="YYYY, YYYY-MM or YYYY-MM-DD")
    a.add_argument(
        "--grade", default="F6", help="reliability A-F and credibility 1-6, e.g. B2 (default F6)"
    )
    a.add_argument("--notes")
    add_actor_flags(a, reason=False)
    case_command(
        ssub, "list", cmd_source_list, help="list sources with grades and claims", case_arg="case"
    )
    g = case_command(
        ssub, "grade", cmd_source_grade, help="change a source's grade", case_arg="case"
    )
    g.add_argument("source")
    g.add_argument("grade")
    add_as_of(g, lists="`pwb source list --json` gives a source's custody_seq")
    add_actor_flags(g)

    p = sub.add_parser("claim", help="claims made by sources")
    csub = p.add_subparsers(dest="claim_command", metavar="ACTION", required=True)
    a = case_command(
        csub, "add", cmd_claim_add, help="record a claim with its date", case_arg="case"
    )
    a.add_argument("--source", required=True)
    a.add_argument("--text", required=True)
    a.add_argument("--date", help="the date the claim refers to (YYYY[-MM[-DD]] or YYYY-Qn)")
    add_actor_flags(a, reason=False)

    p = sub.add_parser("figure", help="figures given by sources")
    fsub = p.add_subparsers(dest="figure_command", metavar="ACTION", required=True)
    a = case_command(
        fsub, "add", cmd_figure_add, help="record a figure citing its sources", case_arg="case"
    )
    a.add_argument("--what", required=True)
    a.add_argument("--value", required=True, type=float)
    a.add_argument("--unit", required=True)
    a.add_argument("--as-of")
    a.add_argument("--claim")
    a.add_argument("--source", action="append", default=[])
    add_actor_flags(a, reason=False)
    case_command(
        fsub, "list", cmd_figure_list, help="list figures with their sources", case_arg="case"
    )

    p = case_command(sub, "cite", cmd_cite, help="make a record cite a source", case_arg="case")
    p.add_argument("source")
    p.add_argument("--target-type", required=True, choices=CITATION_TARGETS)
    p.add_argument("--target", required=True, help="the citing record's id")
    p.add_argument("--locator", help="page, post number, timestamp")
    p.add_argument("--note")
    add_actor_flags(p, reason=False)


def _source_id(repo: ProvenanceRepository, ref: str) -> str:
    return resolved(lambda r: repo.resolve_prefix(Source, r), ref).id


def cmd_source_add(args: argparse.Namespace) -> int:
    with open_case(args.case) as case:
        source = add_source(
            case,
            kind=args.kind,
            title=args.title,
            author=args.author,
            publisher=args.publisher,
            url=args.url,
            published=args.published,
            grade=args.grade,
            notes=args.notes,
            actor=args.examiner,
        )
        doc = source_json(case, source)
    return reply(args, doc, f"{source.id}  {doc['grade_meaning']}  {escape_name(source.title)}")


def cmd_source_list(args: argparse.Namespace) -> int:
    with open_case(args.case, readonly=True) as case:
        sources = ProvenanceRepository(case.db).all(Source, order=("published", "title"))
        docs = [source_json(case, s) for s in sources]
    return listing(
        args,
        {"sources": docs},
        [
            [
                d["id"][:8],
                d["grade"],
                d["kind"],
                d["published"] or "",
                str(len(d["claims"])),
                escape_name(d["title"]),
            ]
            for d in docs
        ],
        ["ID", "GRADE", "KIND", "PUBLISHED", "CLAIMS", "TITLE"],
    )


def cmd_source_grade(args: argparse.Namespace) -> int:
    with open_case(args.case) as case:
        repo = ProvenanceRepository(case.db)
        current = repo.get(Source, _source_id(repo, args.source))
        source = edit_as_of(
            case,
            current,
            args.as_of,
            source_label(current),
            lambda read: regrade_source(
                case,
                current.id,
                args.grade,
                actor=args.examiner,
                reason=args.reason,
                based_on=read,
            ),
            f"pwb source list {args.case} --json",
        )
        if source is None:
            return EXIT_CONFLICT
        doc = source_json(case, source)
    return reply(args, doc, f"{source.id}  {doc['grade_meaning']}")


def cmd_claim_add(args: argparse.Namespace) -> int:
    with open_case(args.case) as case:
        repo = ProvenanceRepository(case.db)
        claim = add_claim(
            case,
            source_id=_source_id(repo, args.source),
            text=args.text,
            claim_date=args.date,
            actor=args.examiner,
        )
    return reply(
        args,
        claim.record(),
        f"{claim.id}  {claim.claim_date or 'undated'}  {escape_name(claim.text)}",
    )


def cmd_figure_add(args: argparse.Namespace) -> int:
    with open_case(args.case) as case:
        repo = ProvenanceRepository(case.db)
        claim_id = None
        if args.claim:
            claim_id = resolved(lambda r: repo.resolve_prefix(Claim, r), args.claim).id
        figure = add_figure(
            case,
            what=args.what,
            value=args.value,
            unit=args.unit,
            as_of=args.as_of,
            claim_id=claim_id,
            source_ids=tuple(_source_id(repo, s) for s in args.source),
            actor=args.examiner,
        )
    return reply(
        args,
        figure.record(),
        f"{figure.id}  {figure.value:g} {escape_name(figure.unit)}  {escape_name(figure.what)}",
    )


def cmd_figure_list(args: argparse.Namespace) -> int:
    with open_case(args.case, readonly=True) as case:
        figures = reported_figures(case)
    return listing(
        args,
        {"figures": [f.to_json() for f in figures]},
        [
            [
                escape_name(f.display_value()),
                f.as_of or "",
                escape_name(f.what),
                escape_name(f.sources_label()),
            ]
            for f in figures
        ],
        ["FIGURE", "AS OF", "WHAT", "SOURCES"],
    )


def cmd_cite(args: argparse.Namespace) -> int:
    with open_case(args.case) as case:
        repo = ProvenanceRepository(case.db)
        citation = cite(
            case,
            _source_id(repo, args.source),
            args.target_type,
            args.target,
            locator=args.locator,
            note=args.note,
            actor=args.examiner,
        )
    return reply(
        args,
        citation.record(),
        f"{citation.id}  {args.target_type} {args.target} cites {citation.source_id}",
    )
