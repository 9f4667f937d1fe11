"""`pwb init | add | edit | ingest | items | show | log | verify`: the case and its evidence."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.common import (
    EXIT_CONFLICT,
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PARTIAL,
    UsageError,
    add_actor_flags,
    case_command,
    listing,
    open_case,
    open_for_reading,
    reply,
    resolve_item,
)
from app.cli.examiner import require_examiner
from app.cli.interrupt import long_work
from app.cli.output import print_json, print_json_list, say
from app.cli.stale import add_as_of, edit_as_of
from app.features import post_ingest_steps
from forensics import allocation
from forensics.case import Case
from forensics.identity import short_fingerprint
from forensics.intake.ingest import IngestOptions, IngestOutcome, ingest_paths
from forensics.models import Item, ItemKind
from forensics.records.acquisition import LABELS, acquisition_of, display
from forensics.seals import journal_seals, load_seal
from forensics.store.item_query import COUNT_LIMIT, ItemFilter, MatchCount
from forensics.store.location import ServerLocation, parse_location
from forensics.textsafe import escape_name, shown


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the case commands to `pwb`."""
    p = case_command(
        sub, "init", cmd_init, help="create a new case: a folder, or a PostgreSQL database"
    )
    p.add_argument("--title", required=True)
    p.add_argument(
        "--evidence",
        type=Path,
        help="a case on a server: its evidence folder (a shared folder every examiner mounts)",
    )
    add_actor_flags(p, reason=False)

    p = case_command(
        sub, "add", cmd_add, help="register a physical item (drone, camera module, chip)"
    )
    p.add_argument(
        "--kind", default=ItemKind.HARDWARE, choices=[ItemKind.HARDWARE, ItemKind.COMPONENT]
    )
    p.add_argument("--name", required=True)
    p.add_argument("--parent")
    p.add_argument("--serial")
    p.add_argument("--marking")
    p.add_argument("--exhibit")
    p.add_argument("--note")
    p.add_argument("--tag", action="append", default=[], dest="tags")
    add_actor_flags(p)

    p = case_command(
        sub, "edit", cmd_edit, help="change an item's name, markings, note, tags or parent"
    )
    p.add_argument("item")
    for name in ("name", "serial", "marking", "exhibit", "note", "status", "parent"):
        p.add_argument(f"--{name}")
    p.add_argument("--tag", action="append", dest="tags")
    add_as_of(p, lists="`pwb show` lists them")
    add_actor_flags(p)

    p = case_command(
        sub, "ingest", cmd_ingest, help="copy files, folders and disk images into the case"
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--parent")
    add_actor_flags(p)
    p.add_argument("--note")
    p.add_argument(
        "--no-extract",
        action="store_true",
        help="run no post-ingest step (no metadata extraction, hence no hypotheses from it)",
    )
    p.add_argument(
        "--no-expand",
        action="store_true",
        help="do not open disk images to ingest the files inside",
    )
    p.add_argument(
        "--carve",
        action="store_true",
        help="also carve disk images' unallocated space with PhotoRec (a 'Carved' folder)",
    )

    p = case_command(sub, "items", cmd_items, help="list or search items")
    p.add_argument("--search")
    p.add_argument("--kind", action="append")
    p.add_argument("--tag")
    p.add_argument("--parent")
    p.add_argument(
        "--state",
        choices=allocation.ALL,
        help="only live, deleted, recovered or carved files",
    )
    p.add_argument("--limit", type=int)
    p.add_argument(
        "--count-up-to",
        type=int,
        metavar="N",
        help="stop counting the matches past N (default: count them all on a folder case, "
        f"{COUNT_LIMIT:,} on a server case); the count then says 'more than N'",
    )

    p = case_command(sub, "show", cmd_show, help="everything about one item")
    p.add_argument("item")

    p = case_command(sub, "log", cmd_log, help="print the custody log")
    p.add_argument("--item")

    p = case_command(
        sub, "verify", cmd_verify, help="re-hash the evidence and re-walk the custody chain"
    )
    p.add_argument(
        "--against",
        action="append",
        default=[],
        metavar="SEAL",
        help="a seal kept outside the case (pwb seal --out): finds a rewrite or truncation "
        "since (repeatable; your own journal's seals of the case are checked too)",
    )
    add_actor_flags(p, reason=False)


def cmd_init(args: argparse.Namespace) -> int:
    require_examiner()
    where = parse_location(args.case_dir)
    if args.evidence is not None and not isinstance(where, ServerLocation):
        raise UsageError("--evidence is for a case on a server (the folder holds its own)")
    case = Case.create(where, title=args.title, examiner=args.examiner, evidence=args.evidence)
    with case:
        info = case.info
        document: dict[str, Any] = {"case_dir": str(case.location), **info.__dict__}
        line = f"created case {info.case_id} '{info.title}' in {case.location}"
        if isinstance(where, ServerLocation):
            document["evidence"] = str(case.root)
            line += f" (evidence in {case.root})"
        return reply(args, document, line)


def cmd_add(args: argparse.Namespace) -> int:
    with open_case(args.case_dir) as case:
        parent = resolve_item(case, args.parent) if args.parent else None
        item = case.add_item(
            kind=args.kind,
            name=args.name,
            parent_id=parent,
            serial=args.serial,
            marking=args.marking,
            exhibit=args.exhibit,
            note=args.note,
            tags=args.tags,
            actor=args.examiner,
            reason=args.reason,
        )
        _print_item(item, args.json)
    return EXIT_OK


def cmd_edit(args: argparse.Namespace) -> int:
    with open_case(args.case_dir) as case:
        item_id = resolve_item(case, args.item)
        changes: dict[str, Any] = {
            k: getattr(args, k)
            for k in ("name", "serial", "marking", "exhibit", "note", "status")
            if getattr(args, k) is not None
        }
        if args.parent is not None:
            changes["parent_id"] = resolve_item(case, args.parent) if args.parent else None
        if args.tags is not None:
            changes["tags"] = args.tags
        current = case.items.get(item_id)
        item = edit_as_of(
            case,
            current,
            args.as_of,
            f"item '{current.name}'",
            lambda read: case.edit_item(
                item_id, changes, actor=args.examiner, reason=args.reason, based_on=read
            ),
            f"pwb show {args.case_dir} {args.item}",
        )
        if item is None:
            return EXIT_CONFLICT
        _print_item(item, args.json)
    return EXIT_OK


def cmd_ingest(args: argparse.Namespace) -> int:
    with open_case(args.case_dir) as case:
        parent = resolve_item(case, args.parent) if args.parent else None
        options = IngestOptions(
            parent_id=parent,
            examiner=args.examiner,
            note=args.note,
            reason=args.reason,
            expand_disk_images=not args.no_expand,
            carve=args.carve,
            post_ingest=post_ingest_steps(enabled=not args.no_extract),
        )
        with long_work("ingest") as (bar, cancel):
            report = ingest_paths(case, args.paths, options, progress=bar, cancel=cancel)
    if args.json:
        data = report.summary()  # one pass over a card's outcomes, used for the exit code too
        # One outcome at a time: a card's report is never all in memory (`OutcomeLog`).
        print_json_list(data, "outcomes", (o.to_json() for o in report.outcomes))
    else:
        data = report.summary(each=_say_outcome)  # printed in the same pass
        say(
            f"{data['ingested']} ingested, {data['duplicates']} already present, "
            f"{data['recorded']} recorded (links), {data['rejected']} rejected"
            + (" - interrupted" if report.cancelled else "")
        )
    if report.cancelled:
        return EXIT_INTERRUPTED
    if data["findings"]:
        return EXIT_FINDINGS  # evidence failing its own integrity check (an E01's hashes)
    return EXIT_PARTIAL if data["rejected"] else EXIT_OK


def _say_outcome(o: IngestOutcome) -> None:
    if o.item is None:
        say(f"{o.status:<10} {o.path}" + (f": {o.reason}" if o.reason else ""))
    else:
        say(f"{o.status:<10} {o.item.id}  {o.path}")
    for w in o.warnings:
        say(f"  warning: {w}")


def cmd_items(args: argparse.Namespace) -> int:
    with open_case(args.case_dir, readonly=True) as case:
        parent = resolve_item(case, args.parent) if args.parent else None
        f = ItemFilter(
            text=args.search or "",
            kinds=tuple(args.kind or ()),
            tag=args.tag,
            parent_id=parent,
            state=args.state,
            order_by="created_at",
        )
        items = case.items.page(f, args.limit)
        limit = args.count_up_to if args.count_up_to is not None else case.items.count_limit
        matching = case.items.count_up_to(f, limit)
    # "count": the items listed; "matching": how many match in all, or more than its count
    # when its "exact" is false (a server case stops at COUNT_LIMIT; see --count-up-to).
    done = listing(
        args,
        {
            "count": len(items),
            "matching": matching.to_json(),
            "items": [_item_json(i) for i in items],
        },
        [
            [
                i.id,
                i.kind,
                i.name,
                allocation.allocation_of(i),
                "" if i.size is None else str(i.size),
                i.mime or "",
                (i.sha256 or "")[:16],
            ]
            for i in items
        ],
        ["ID", "KIND", "NAME", "STATE", "SIZE", "TYPE", "SHA256"],
    )
    if not args.json:
        say(f"{matching} {'item matches' if matching == MatchCount(1) else 'items match'}")
    return done


def _item_json(item: Item) -> dict[str, Any]:
    """An item as `--json` prints it, with its state (live, deleted, recovered, carved)."""
    return {**item.to_json(), "state": allocation.allocation_of(item)}


def cmd_show(args: argparse.Namespace) -> int:
    with open_case(args.case_dir, readonly=True) as case:
        item = case.items.get(resolve_item(case, args.item))
        entries = case.custody.entries(item_id=item.id)
        children = case.items.children(item.id)
    if args.json:
        print_json(
            {
                **_item_json(item),
                "children": [c.id for c in children],
                "custody": [e.to_json() for e in entries],
            }
        )
        return EXIT_OK
    for key, value in _item_json(item).items():
        if value not in (None, [], {}, ""):
            say(f"{key:>12}: {shown(value)}")
    acquisition = acquisition_of(item.attributes)
    if acquisition is not None:
        say("acquisition (E01):")
        for key, label in LABELS.items():
            if acquisition.get(key) not in (None, ""):
                say(f"  {label:>30}: {display(acquisition[key])}")
        for problem in acquisition.get("problems") or []:
            say(f"  {'PROBLEM':>30}: {problem}")
    if children:
        say(f"{'children':>12}: {len(children)}")
        for c in children:
            say(f"{'':>14}{c.id}  {c.kind}  {shown(c.name)}")
    say("custody:")
    for e in entries:
        say(f"  {e.seq:>5}  {e.at}  {shown(e.actor)}  {shown(e.action)}")
    return EXIT_OK


def cmd_log(args: argparse.Namespace) -> int:
    with open_case(args.case_dir, readonly=True) as case:
        item_id = resolve_item(case, args.item) if args.item else None
        entries = case.custody.entries(item_id=item_id)
    return listing(
        args,
        {"entries": [e.to_json() for e in entries]},
        [
            [
                str(e.seq),
                e.at,
                escape_name(e.actor) + (" (name given)" if e.actor_given else ""),
                e.action,
                e.item_id or "",
                short_fingerprint(e.signer) if e.signer else "unsigned",
                e.hash[:16],
            ]
            for e in entries
        ],
        ["SEQ", "AT (UTC)", "ACTOR", "ACTION", "ITEM", "SIGNED BY KEY", "HASH"],
    )


def cmd_verify(args: argparse.Namespace) -> int:
    # Verification knows every record type: load it when asked, not with every `pwb` command.
    from forensics.verify import verify_case

    outside = [(f"from {escape_name(path)}", load_seal(Path(path))) for path in args.against]
    with open_for_reading(args.case_dir) as case, long_work("verify") as (bar, cancel):
        examiner = case.signer
        journal = journal_seals(
            examiner.journal if examiner else None, case.info.case_id, case.root
        )
        outside += [("from your journal", doc) for doc in journal]
        report = verify_case(case, actor=args.examiner, progress=bar, cancel=cancel, seals=outside)
    if args.json:
        print_json(report.to_json())
    else:
        for f in report.findings:
            detail = f" (expected {f.expected}, found {f.found})" if f.expected else ""
            say(f"FINDING {f.kind}: {f.message}{detail}")
        for n in report.notices:
            say(f"NOTE {n.kind}: {escape_name(n.message)}")
        say(
            ("OK: " if report.ok else f"{len(report.findings)} finding(s): ")
            + f"{report.files_checked} files re-hashed, {report.entries_checked} custody "
            f"entries (their signatures), {report.records_checked} records and "
            f"{report.seals_checked} seals checked"
        )
        if not report.logged and report.not_logged_reason:
            say(f"NOTE: {report.not_logged_reason}")
    return EXIT_OK if report.ok else EXIT_FINDINGS


def _print_item(item: Item, as_json: bool) -> None:
    if as_json:
        print_json(_item_json(item))
    else:
        say(f"{item.id}  {item.kind}  {shown(item.name)}")
