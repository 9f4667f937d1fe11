"""`pwb ocr`, `pwb ocr-list`, `pwb ocr-accept`: read text in images and frames, use it.

`pwb ocr` reads a frame, a still or a box of either, records the read, and prints the text
with the makers its marking suggests and the places its signs name, numbered; `pwb ocr-accept`
takes one of them by number: a maker links a component ("marking read from image"), a place
becomes a hypothesis, each with the annotation of the region read as its evidence.
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
from app.cli.interrupt import long_work
from app.cli.output import print_json, say
from forensics.ocr.engines import ENGINES, LANGUAGES
from forensics.textsafe import escape_name

if TYPE_CHECKING:
    from forensics.ocr.models import OcrRead
    from forensics.provenance.read_markings import ReadSuggestion
    from geoloc.signage import PlaceClue


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this feature's subcommands to `pwb`."""
    p = case_command(
        sub, "ocr", cmd_ocr, help="read the text in an image, a video frame or a box of either"
    )
    p.add_argument("item", help="item id or a unique prefix of one")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--frame", type=int, metavar="N", help="video frame index (default 0)")
    where.add_argument("--at", type=float, metavar="SECONDS", help="the frame shown at a time")
    p.add_argument("--box", metavar="X,Y,W,H", help="read only this box (frame pixels)")
    p.add_argument(
        "--annotation", metavar="ID", help="read the region of this annotation (its frame, box)"
    )
    p.add_argument(
        "--lang",
        metavar="LANGS",
        help=f"languages, joined by + ({', '.join(LANGUAGES)}; default eng)",
    )
    p.add_argument(
        "--engine", choices=[e.name for e in ENGINES], help="OCR engine (default tesseract)"
    )
    add_actor_flags(p, reason=False)

    p = case_command(sub, "ocr-list", cmd_ocr_list, help="list the text reads of a case")
    p.add_argument("--item", help="only the reads of this item")
    p.add_argument("--search", help="only reads whose text matches (full-text search)")

    p = case_command(
        sub,
        "ocr-accept",
        cmd_ocr_accept,
        help="accept a maker or place a text read suggested (numbers as `pwb ocr` shows them)",
    )
    p.add_argument("read", help="the read's id or a unique prefix")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--maker", type=int, metavar="N", help="maker suggestion number")
    which.add_argument("--place", type=int, metavar="N", help="place clue number")
    p.add_argument("--component", help="the component the marking is on (with --maker)")
    p.add_argument(
        "--confidence",
        default="probable",
        choices=("confirmed", "probable", "possible", "doubtful"),
        help="of the component link (with --maker)",
    )
    add_actor_flags(p)


def _clues(read: OcrRead) -> tuple[list[ReadSuggestion], list[PlaceClue]]:
    from forensics.provenance.read_markings import suggest_from_read
    from geoloc.gazetteer import default_gazetteer
    from geoloc.signage import place_clues

    if not read.text.strip():
        return [], []
    return suggest_from_read(read.text), place_clues(read.text, default_gazetteer())


def _document(read: OcrRead) -> dict[str, Any]:
    makers, places = _clues(read)
    return {
        "read": read.to_json(),
        "makers": [m.to_json() for m in makers],
        "places": [p.to_json() for p in places],
    }


def _print_read(read: OcrRead) -> None:
    where = f"frame {read.frame_index}" if read.frame_index >= 0 else "still"
    region = "whole frame" if read.region is None else "box " + ",".join(map(str, read.region))
    say(f"read {read.id}  {where}, {region}  [{read.engine_version}; {'+'.join(read.languages)}]")
    if not read.lines:
        say("no text found")
    for line in read.lines:
        x, y, w, h = line.box
        say(f"  {escape_name(line.text)}    ({x},{y},{w},{h}; {line.confidence:.0%})")
    makers, places = _clues(read)
    for number, maker in enumerate(makers, start=1):
        say(f"maker {number}: {escape_name(maker.explain())}")
    for number, place in enumerate(places, start=1):
        say(f"place {number}: {escape_name(place.explain())}")


def cmd_ocr(args: argparse.Namespace) -> int:
    """Read, record, and show the text with what it suggests."""
    from forensics.ocr.reading import ReadRequest, parse_box, read_text

    with open_case(args.case_dir) as case:
        item_id = resolve_item(case, args.item)
        annotation_id = None
        if args.annotation:
            from forensics.store.annotations import AnnotationRepository

            ann = resolved(AnnotationRepository(case.db).resolve_prefix, args.annotation)
            if ann.item_id != item_id:
                raise UsageError(f"annotation {ann.id} is on another item")
            if args.box or args.frame is not None or args.at is not None:
                raise UsageError("--annotation gives the frame and box: drop --frame/--at/--box")
            annotation_id = ann.id
        request = ReadRequest(
            item_id=item_id,
            frame_index=args.frame,
            seconds=args.at,
            box=parse_box(args.box) if args.box else None,
            annotation_id=annotation_id,
            langs=args.lang,
            engine=args.engine,
        )
        with long_work("reading text") as (bar, cancel):
            read = read_text(case, request, actor=args.examiner, progress=bar, cancel=cancel)
    if args.json:
        print_json(_document(read))
    else:
        _print_read(read)
    return EXIT_OK


def cmd_ocr_list(args: argparse.Namespace) -> int:
    """The reads of a case, an item, or those matching a search."""
    from forensics.store.ocr import OcrRepository

    with open_case(args.case_dir, readonly=True) as case:
        repo = OcrRepository(case.db)
        if args.search:
            reads = repo.search(args.search)
            if args.item:
                item_id = resolve_item(case, args.item)
                reads = [r for r in reads if r.item_id == item_id]
        elif args.item:
            reads = repo.of_item(resolve_item(case, args.item))
        else:
            reads = repo.all()
    rows = [
        [
            r.id[:8],
            r.item_id[:8],
            str(r.frame_index),
            "" if r.region is None else ",".join(map(str, r.region)),
            r.engine,
            escape_name(r.text.replace("\n", " / ")),
        ]
        for r in reads
    ]
    return listing(
        args,
        {"reads": [r.to_json() for r in reads]},
        rows,
        ["read", "item", "frame", "box", "engine", "text"],
    )


def cmd_ocr_accept(args: argparse.Namespace) -> int:
    """Take the numbered maker or place of a read."""
    from forensics.store.ocr import OcrRepository

    with open_case(args.case_dir) as case:
        read = resolved(OcrRepository(case.db).get, args.read)
        makers, places = _clues(read)
        if args.maker is not None:
            if not args.component:
                raise UsageError("--maker needs --component (the component the marking is on)")
            if not 1 <= args.maker <= len(makers):
                raise UsageError(f"read {read.id} has {len(makers)} maker suggestion(s)")
            from forensics.ocr.makers import accept_read_suggestion
            from forensics.provenance.models import Component
            from forensics.store.provenance import ProvenanceRepository

            repo = ProvenanceRepository(case.db)
            component = resolved(lambda ref: repo.resolve_prefix(Component, ref), args.component)
            link = accept_read_suggestion(
                case,
                read,
                makers[args.maker - 1],
                component.id,
                confidence=args.confidence,
                actor=args.examiner,
                reason=args.reason,
            )
            name = escape_name(case.items.get(component.id).name)
            maker = escape_name(makers[args.maker - 1].manufacturer)
            return reply(
                args,
                {"accepted": "maker", "link": link.record()},
                f"linked {name} to {maker} ({link.basis}): link {link.id}",
            )
        if not 1 <= args.place <= len(places):
            raise UsageError(f"read {read.id} has {len(places)} place clue(s)")
        from geoloc.signage import accept_place_clue

        hypothesis = accept_place_clue(
            case, read, places[args.place - 1], actor=args.examiner, reason=args.reason
        )
        return reply(
            args,
            {
                "accepted": "place",
                "hypothesis": {
                    "id": hypothesis.id,
                    "place_name": hypothesis.place_name,
                    "lat": hypothesis.lat,
                    "lon": hypothesis.lon,
                    "methods": list(hypothesis.methods),
                },
            },
            f"hypothesis {hypothesis.id}: {escape_name(hypothesis.place_name or '')} "
            "(signage_language), supported by the sign's annotation",
        )
