"""`pwb annotations list | add | export | import`: marks on frames and images."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.common import (
    EXIT_CONFLICT,
    EXIT_OK,
    EXIT_PARTIAL,
    UsageError,
    add_actor_flags,
    case_command,
    open_case,
    reply,
    resolve_item,
)
from app.cli.interrupt import long_work
from app.cli.output import print_json, say, table, warn
from app.features import annotation_exports, annotation_imports
from forensics.annotations.models import Annotation, AnnotationFilter, ShapeKind, TargetType
from forensics.errors import EditConflictError

if TYPE_CHECKING:
    # The service and the exchange formats load when a command runs, not with `pwb --help`.
    from forensics.annotations.known import Removed
    from forensics.annotations.service import AnnotationService
    from forensics.case import Case


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `pwb annotations` and its subcommands."""
    top = sub.add_parser("annotations", help="annotate frames and images; export and import")
    cmds = top.add_subparsers(
        dest="annotations_command", metavar="SUBCOMMAND", parser_class=type(top)
    )
    top.set_defaults(func=lambda args: _help(top))

    p = case_command(cmds, "list", cmd_list, help="list the case's annotations")
    _filters(p)

    p = case_command(cmds, "add", cmd_add, help="annotate one frame of a video (or a still image)")
    p.add_argument("item", help="the media item (id or unique prefix)")
    p.add_argument(
        "--frame", type=int, default=-1, help="frame index (0-based); omit for a still image"
    )
    shape = p.add_mutually_exclusive_group(required=True)
    shape.add_argument("--box", metavar="X,Y,W,H", help="a box in image pixels")
    shape.add_argument("--point", metavar="X,Y")
    shape.add_argument("--polygon", metavar="X,Y;X,Y;...")
    shape.add_argument("--arrow", metavar="X,Y;X,Y;...", help="from tail to head")
    p.add_argument("--label", required=True)
    p.add_argument("--note")
    p.add_argument("--attr", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument(
        "--link",
        action="append",
        default=[],
        metavar="TYPE:ID",
        help=f"what it supports ({', '.join(TargetType.ALL)})",
    )
    add_actor_flags(p, reason=False)

    p = case_command(
        cmds, "delete", cmd_delete, help="delete an annotation and its links, saying why"
    )
    p.add_argument("annotation", help="the annotation (id or unique prefix)")
    p.add_argument("--reason", required=True, help="why, for the custody log")
    p.add_argument(
        "--as-of",
        type=int,
        metavar="SEQ",
        help="the custody entry you read the mark at (`pwb show CASE ITEM` lists those of its "
        "media item): a mark someone changed, linked or commented on after it is theirs and "
        "is not deleted (exit code 4)",
    )
    add_actor_flags(p, reason=False)

    p = case_command(
        cmds, "export", cmd_export, help="export annotations as COCO, CVAT, MOT or drawn PNGs"
    )
    p.add_argument("--format", required=True, choices=list(annotation_exports()), dest="fmt")
    p.add_argument("out", help="the folder to write into")
    _filters(p)

    p = case_command(
        cmds, "import", cmd_import, help="import COCO JSON or CVAT XML (for video or for images)"
    )
    p.add_argument("file")
    p.add_argument(
        "--format",
        choices=list(annotation_imports()),
        dest="fmt",
        help="guessed from the content when left out",
    )
    p.add_argument("--item", help="the media item for files from other tools (no hashes)")
    add_actor_flags(p, reason=False)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--label")
    p.add_argument("--item")
    p.add_argument("--link", metavar="TYPE[:ID]", help="only marks supporting such a record")


def _filter(case: Case, args: argparse.Namespace) -> AnnotationFilter:
    link = None
    if args.link:
        target_type, _, target_id = args.link.partition(":")
        if target_type not in TargetType.ALL:
            raise UsageError(f"--link: unknown type '{target_type}'")
        link = (target_type, target_id or None)
    item = resolve_item(case, args.item) if args.item else None
    return AnnotationFilter(label=args.label, item_id=item, link=link)


def _coords(text: str, what: str) -> list[list[float]]:
    try:
        return [[float(v) for v in pair.split(",")] for pair in text.split(";") if pair.strip()]
    except ValueError as exc:
        raise UsageError(f"{what}: numbers expected, got {text!r}") from exc


def _shape(args: argparse.Namespace) -> tuple[str, list[list[float]]]:
    if args.box:
        values = _coords(args.box, "--box")
        if len(values) != 1 or len(values[0]) != 4:
            raise UsageError("--box takes X,Y,W,H")
        x, y, w, h = values[0]
        return ShapeKind.BOX, [[x, y], [x + w, y + h]]
    if args.point:
        return ShapeKind.POINT, _coords(args.point, "--point")
    if args.polygon:
        return ShapeKind.POLYGON, _coords(args.polygon, "--polygon")
    return ShapeKind.ARROW, _coords(args.arrow, "--arrow")


def annotation_json(a: Annotation, svc: AnnotationService) -> dict[str, Any]:
    """One annotation as the CLI's JSON shows it, with its links and flags."""
    out = a.to_record()
    out["links"] = [
        {"target_type": lk.target_type, "target_id": lk.target_id} for lk in svc.links_of(a.id)
    ]
    out["flags"] = list(svc.flags(a))
    return out


def cmd_list(args: argparse.Namespace) -> int:
    """`pwb annotations list`."""
    from forensics.annotations.service import AnnotationService

    with open_case(args.case_dir, readonly=True) as case:
        svc = AnnotationService(case)
        found = svc.search(_filter(case, args))
        if args.json:
            print_json({"annotations": [annotation_json(a, svc) for a in found]})
            return EXIT_OK
        rows = []
        for a in found:
            x, y, w, h = a.bbox()
            flags = svc.flags(a)
            rows.append(
                [
                    a.id[:8],
                    a.item_id[:8],
                    str(a.frame_index),
                    a.kind,
                    a.label,
                    f"{x:g},{y:g},{w:g},{h:g}",
                    (a.track_id or "")[:8],
                    str(len(svc.links_of(a.id))),
                    "FLAGGED" if flags else "",
                ]
            )
        table(rows, ["id", "item", "frame", "shape", "label", "bbox", "track", "links", "flags"])
        say(f"{len(found)} annotation(s)")
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    """`pwb annotations add`."""
    from forensics.annotations.service import AnnotationService

    kind, points = _shape(args)
    attributes: dict[str, str] = {}
    for pair in args.attr:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--attr takes KEY=VALUE, got {pair!r}")
        attributes[key] = value
    specs: list[tuple[str, str]] = []
    for spec in args.link:
        target_type, sep, target_id = spec.partition(":")
        if not sep or not target_id:
            raise UsageError(f"--link takes TYPE:ID, got {spec!r}")
        specs.append((target_type, target_id))
    with open_case(args.case_dir) as case:
        item = resolve_item(case, args.item)
        links = [(t, resolve_item(case, i) if t == TargetType.ITEM else i) for t, i in specs]
        svc = AnnotationService(case, actor=args.examiner)
        try:
            saved = svc.add(
                item,
                args.frame,
                kind,
                points,
                args.label,
                note=args.note,
                attributes=attributes,
                links=links,
            )
        finally:
            svc.close()
        for warning in saved.warnings:
            warn(f"warning: {warning}")
        if args.json:
            print_json(
                {
                    "annotation": annotation_json(saved.annotation, svc),
                    "warnings": list(saved.warnings),
                }
            )
        else:
            say(saved.annotation.id)
    return EXIT_OK


def cmd_delete(args: argparse.Namespace) -> int:
    """`pwb annotations delete`: the reason goes into the delete's custody entry; with
    `--as-of SEQ`, a mark someone changed, linked or commented on after that entry is theirs
    and is not deleted (exit 4), as for an undo in the GUI."""
    from forensics.annotations.service import AnnotationService

    reason = args.reason.strip()
    if not reason:
        raise UsageError("--reason: say why the annotation is deleted")
    with open_case(args.case_dir) as case:
        svc = AnnotationService(case, actor=args.examiner)
        try:
            target = svc.repo.resolve_prefix(args.annotation)
            removed = _delete_as_of(case, svc, target, args, reason)
        finally:
            svc.close()
    if removed is None:
        return EXIT_CONFLICT
    ann = removed.annotation
    return reply(
        args,
        {"deleted": ann.id, "links_removed": len(removed.links), "reason": reason},
        f"deleted {ann.id} ({ann.label}, frame {ann.frame_index}); "
        f"{len(removed.links)} link(s) removed",
    )


def _delete_as_of(
    case: Case, svc: AnnotationService, target: Annotation, args: argparse.Namespace, reason: str
) -> Removed | None:
    """Delete a mark as read at custody entry `args.as_of` (None: as stored now); a refusal
    is printed (what is there now, and how to look again) and None returned."""
    from forensics.annotations.known import known_at

    try:
        base = None if args.as_of is None else known_at(case, target, args.as_of)
        return svc.delete(target.id, reason=reason, based_on=base)
    except EditConflictError as conflict:
        now = "; ".join(
            f"{c['field']} now {', '.join(map(str, c['theirs']))}"
            if isinstance(c["theirs"], tuple)
            else f"{c['field']} now {c['theirs']!r}"
            for c in conflict.clashes
        )
        warn(
            f"error: {conflict}{f' ({now})' if now else ''}. See it as it is now with "
            f"`pwb annotations list {args.case_dir} --item {target.item_id}`, then delete it "
            f"again (--as-of the newest entry `pwb show {args.case_dir} {target.item_id}` lists)"
        )
        return None


def cmd_export(args: argparse.Namespace) -> int:
    """`pwb annotations export`."""
    from forensics.annotations.exchange import export_annotations
    from forensics.annotations.service import AnnotationService

    with open_case(args.case_dir) as case:
        svc = AnnotationService(case)
        try:
            with long_work(f"export {args.fmt}") as (bar, cancel):
                report = export_annotations(
                    svc, args.fmt, Path(args.out), _filter(case, args), progress=bar, cancel=cancel
                )
        finally:
            svc.close()
    if args.json:
        print_json(report.to_json())
    else:
        for warning in report.warnings:
            warn(f"warning: {warning}")
        say(
            f"{report.frames} frame(s), {report.shapes} shape(s), {len(report.files)} file(s) "
            f"written to {args.out}"
        )
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """`pwb annotations import`: exit 3 when some marks were rejected."""
    from forensics.annotations.exchange import import_annotations
    from forensics.annotations.service import AnnotationService

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{args.file}: no such file")
    with open_case(args.case_dir) as case:
        item = resolve_item(case, args.item) if args.item else None
        svc = AnnotationService(case, actor=args.examiner)
        try:
            with long_work("import") as (bar, cancel):
                report = import_annotations(
                    svc, path, args.fmt, item_id=item, progress=bar, cancel=cancel
                )
        finally:
            svc.close()
    if args.json:
        print_json(report.to_json())
    else:
        for line in report.rejected:
            say(f"rejected  {line}")
        for warning in report.warnings:
            warn(f"warning: {warning}")
        say(
            f"{report.imported} imported, {report.tracks} track(s), {report.duplicates} "
            f"already in the case, {len(report.rejected)} rejected"
        )
    return EXIT_PARTIAL if report.rejected else EXIT_OK
