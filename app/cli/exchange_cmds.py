"""`pwb pack | unpack | merge | conflicts | resolve | keygen | report`: sharing cases.

The CASE/UCO and CSV formats of `pwb export` are declared in `app.features`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from app.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    add_actor_flags,
    add_json_flag,
    case_command,
    listing,
    open_case,
    open_for_reading,
    reply,
    resolve_item,
)
from app.cli.examiner import require_examiner
from app.cli.interrupt import long_work
from app.cli.output import print_json, say, warn
from forensics.errors import ArchiveError, CancelledError
from forensics.exchange.redact import PROFILES
from forensics.seals import seal_lines
from forensics.textsafe import escape_name, shown

if TYPE_CHECKING:
    # The exchange code (cryptography, the archive and report writers) loads when one of
    # these commands runs, not with every `pwb` command: `pwb gui` starts through here.
    from forensics.exchange.archive_checks import Limits
    from forensics.exchange.signing import SignatureCheck

T = TypeVar("T")


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the exchange commands to `pwb`."""
    p = case_command(
        sub, "pack", cmd_pack, help="pack a case or a selection into one .pwbcase file"
    )
    p.add_argument("out", help="the archive to write (.pwbcase)")
    p.add_argument(
        "--items",
        nargs="+",
        metavar="ID",
        help="only these items (and what they "
        "depend on: parents, contents, frames, annotations, hypotheses, links)",
    )
    p.add_argument("--redact", choices=PROFILES, default="none")
    p.add_argument("--sign", metavar="KEYFILE", help="sign the manifest with a team key")
    p.add_argument("--reason", help="why the case is packed (kept in the manifest and log)")
    add_actor_flags(p, reason=False)

    p = sub.add_parser("unpack", help="check a received archive and unpack it as a case")
    p.add_argument("archive")
    p.add_argument("dest", help="the new case folder, or the URL of an empty database on a server")
    p.add_argument(
        "--evidence",
        metavar="DIR",
        help="a server case's new evidence folder (missing or empty; a shared folder)",
    )
    _trust_flags(p)
    p.add_argument("--examiner")
    add_json_flag(p)
    p.set_defaults(func=cmd_unpack)

    p = case_command(sub, "merge", cmd_merge, help="merge a team's archive into an existing case")
    p.add_argument("archive")
    _trust_flags(p)
    add_actor_flags(p, reason=False)

    p = case_command(
        sub, "conflicts", cmd_conflicts, help="list merge conflicts waiting for a decision"
    )
    p.add_argument("--all", action="store_true", help="resolved ones too")

    p = case_command(sub, "resolve", cmd_resolve, help="settle a merge conflict")
    p.add_argument("conflict")
    p.add_argument("--keep", choices=("mine", "theirs"), required=True)
    add_actor_flags(p)

    p = sub.add_parser("keygen", help="make a team signing key (OUT and OUT.pub)")
    p.add_argument("out")
    p.add_argument("--name", required=True, help="the team's name, shown to recipients")
    add_json_flag(p)
    p.set_defaults(func=cmd_keygen)

    p = case_command(sub, "report", cmd_report, help="write an HTML or PDF report of the case")
    p.add_argument("out", help="OUT.html or OUT.pdf")
    p.add_argument("--items", nargs="+", metavar="ID")
    add_actor_flags(p, reason=False)


def _trust_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--trust",
        action="append",
        metavar="KEY.pub",
        help="accept only archives signed by this key (repeat for more)",
    )
    p.add_argument("--require-signature", action="store_true")
    p.add_argument(
        "--accept-unsigned",
        action="store_true",
        help="accept an archive that carries no signature (the custody log says so)",
    )


def _limits(args: argparse.Namespace) -> Limits:
    from forensics.exchange import signing
    from forensics.exchange.archive_checks import Limits

    trusted = signing.load_trusted([Path(k) for k in args.trust]) if args.trust else None
    return Limits(
        trusted=trusted,
        require_signature=args.require_signature,
        accept_unsigned=args.accept_unsigned and not args.require_signature,
    )


def _describe(signature: SignatureCheck | None, args: argparse.Namespace) -> str:
    """The signature line, naming a key only through the trust store (or `--trust`)."""
    from forensics.exchange.trust_store import describe

    return describe(signature, _known(args))


def _known(args: argparse.Namespace) -> dict[str, str]:
    """fingerprint -> our name for every key we trust: the store's, then `--trust` files'."""
    from forensics.exchange import signing
    from forensics.exchange.trust_store import TrustStore

    known = TrustStore().names()
    if args.trust:
        known.update(signing.load_trusted([Path(k) for k in args.trust]))
    return known


def _received(args: argparse.Namespace, label: str, work: Callable[..., T]) -> T | None:
    """Run `work` (unpack or merge) on a received archive with the trust flags, a progress
    bar and Ctrl-C; a refused archive is reported here.

    Args:
        args: the parsed arguments (`--trust`, `--require-signature`, `--examiner`, `--json`).
        label: the progress bar's label.
        work: the core call, given `limits`, `actor`, `progress` and `cancel`.

    Returns:
        What `work` returned, or None when the archive was refused (the refusal was printed;
        exit with `EXIT_FINDINGS`).
    """
    with long_work(label) as (bar, cancel):
        try:
            return work(limits=_limits(args), actor=args.examiner, progress=bar, cancel=cancel)
        except (CancelledError, KeyboardInterrupt):
            what = "nothing was unpacked" if label == "unpack" else "the case is unchanged"
            warn(f"interrupted: {what}")
            raise
        except ArchiveError as exc:
            if args.json:
                print_json({"ok": False, "refused": True, "reasons": exc.reasons})
            else:
                warn("refused: the archive was not unpacked; nothing was written")
                for reason in exc.reasons:
                    say(f"REFUSED {shown(reason)}")
            return None


def cmd_pack(args: argparse.Namespace) -> int:
    from forensics.exchange import signing
    from forensics.exchange.pack import pack_case

    with open_case(args.case_dir) as case:
        items = [resolve_item(case, i) for i in args.items] if args.items else None
        key = signing.load_key(Path(args.sign)) if args.sign else None
        with long_work("pack") as (bar, cancel):
            result = pack_case(
                case,
                Path(args.out),
                items=items,
                redact=args.redact,
                key=key,
                reason=args.reason,
                actor=args.examiner,
                progress=bar,
                cancel=cancel,
            )
    if args.json:
        print_json(result.to_json())
    else:
        data = result.to_json()
        say(f"packed {data['members']} files ({data['bytes']:,} bytes) into {result.archive}")
        say(f"manifest sha256 {result.manifest_sha256}; custody entry {result.custody_seq}")
        if result.signed_by:
            say(f"signed by {result.signed_by} ({key.fingerprint if key else ''})")
        if data["seal"]:
            for line in seal_lines(data["seal"]):
                say(escape_name(line))
    return EXIT_OK


def cmd_unpack(args: argparse.Namespace) -> int:
    from forensics.store.location import ServerLocation, parse_location

    require_examiner()
    dest = parse_location(args.dest)
    work: Callable[..., Any]
    if isinstance(dest, ServerLocation):
        from forensics.exchange.unpack_server import unpack_to_server

        if not args.evidence:
            raise UsageError(f"{dest.shown}: a case on a server needs --evidence DIR")
        work = partial(unpack_to_server, Path(args.archive), dest, Path(args.evidence))
    else:
        from forensics.exchange.unpack import unpack_archive

        if args.evidence:
            raise UsageError("--evidence is for a case on a server (a folder holds its own)")
        work = partial(unpack_archive, Path(args.archive), dest)
    result = _received(args, "unpack", work)
    if result is None:
        return EXIT_FINDINGS
    data = result.to_json()
    if args.json:
        print_json(data)
        return EXIT_OK
    sig = result.received.signature
    # The signature line first, and every value from the archive shown on one line: a title or
    # reason cannot conceal this line or print a forged one.
    say(_describe(sig, args))
    say(f"unpacked case '{shown(data['title'])}' ({shown(data['case_id'])}) into {result.dest}")
    if result.evidence is not None:
        say(f"evidence folder {result.evidence}")
    say(
        f"packed by {shown(data['packed_by'])} at {shown(data['packed_at'])}"
        + (f" because: {shown(data['reason'])}" if data["reason"] else "")
    )
    if data["redaction"].get("profile", "none") != "none":
        say(f"redacted: {shown(data['redaction'].get('rule'))}")
    _legacy_note(data["format_version"])
    say("every file matched the manifest; the custody chain and records verify")
    return EXIT_OK


def cmd_merge(args: argparse.Namespace) -> int:
    from forensics.exchange.merge import merge_archive

    with open_case(args.case_dir) as case:
        result = _received(args, "merge", partial(merge_archive, case, Path(args.archive)))
    if result is None:
        return EXIT_FINDINGS
    data = result.to_json()
    if args.json:
        print_json(data)
    elif result.already_merged:
        say(_describe(result.received.signature if result.received else None, args))
        _legacy_note(result.received.manifest.format_version if result.received else None)
        say(
            f"already merged: this archive's custody chain is part of merge {result.merge.id} "
            f"({shown(result.merge.archive_name)}, {result.merge.created_at}); "
            "nothing was applied"
        )
    else:
        say(_describe(result.received.signature if result.received else None, args))
        _legacy_note(result.received.manifest.format_version if result.received else None)
        say(
            f"merged {args.archive}: {data['added']} added, {data['updated']} updated, "
            f"{data['unchanged']} unchanged, {len(data['deleted'])} deleted, "
            f"{len(data['conflicts'])} conflict(s), "
            f"{data['evidence_added']} evidence files added"
        )
        for d in data["deleted"]:
            say(
                f"deleted {d['table']} {shown(d['record_id'])}: deleted in their case by "
                f"{shown(d['deleted_by'])} at {shown(d['deleted_at'])}"
                + (f" ({shown(d['reason'])})" if d["reason"] else "")
            )
        for n in data["deletions_not_applied"]:
            say(
                f"NOT DELETED {shown(n['subject'])} {shown(n['record_id'])}: deleted in their "
                f"case by {shown(n['deleted_by'])} at {shown(n['deleted_at'])}; {shown(n['why'])}"
            )
        for c in data["conflicts"]:
            say(
                f"CONFLICT {c['id']}  {c['table']} {c['record_id']}: "
                f"{_conflict_what(c)} (resolve with `pwb resolve`)"
            )
        for s in data["same_content"]:
            say(f"same content: their item {shown(s['theirs'])} = our item {shown(s['mine'])}")
    return EXIT_FINDINGS if data["conflicts"] or data["deletions_not_applied"] else EXIT_OK


def _legacy_note(format_version: int | None) -> None:
    """Say when the records came from a format-1 archive's database (read as data only)."""
    from forensics.exchange.archive import legacy_note

    note = legacy_note(format_version)
    if note is not None:
        say(note)


def _conflict_what(c: dict[str, Any]) -> str:
    """The changed columns of a conflict, or what a deletion conflict is."""
    if c.get("kind") != "deleted_there_edited_here":
        return ", ".join(c["columns"])
    used = (c.get("deleted") or {}).get("used_by") or []
    return "deleted there, edited here" + (f", used by {', '.join(used)}" if used else "")


def cmd_conflicts(args: argparse.Namespace) -> int:
    from forensics.exchange.conflicts import conflicts_json

    with open_case(args.case_dir, readonly=True) as case:
        found = conflicts_json(case, only_open=not args.all)
    return listing(
        args,
        {"conflicts": found},
        [[c["id"], c["status"], c["table"], c["record_id"], _conflict_what(c)] for c in found],
        ["ID", "STATUS", "TABLE", "RECORD", "COLUMNS"],
    )


def cmd_resolve(args: argparse.Namespace) -> int:
    from forensics.exchange.conflicts import conflicts_json, resolve_conflict

    with open_case(args.case_dir) as case:
        ids = [
            c["id"]
            for c in conflicts_json(case, only_open=False)
            if c["id"].startswith(args.conflict)
        ]
        if len(ids) != 1:
            raise UsageError(
                f"{'no' if not ids else 'more than one'} conflict matches {args.conflict!r}"
            )
        resolved = resolve_conflict(
            case, ids[0], args.keep, actor=args.examiner, reason=args.reason
        )
    return reply(
        args,
        {"id": resolved.id, "status": resolved.status},
        f"conflict {resolved.id}: {resolved.status}",
    )


def cmd_keygen(args: argparse.Namespace) -> int:
    from forensics.exchange import signing

    key = signing.generate(Path(args.out), args.name)
    if args.json:
        print_json(
            {
                "name": key.name,
                "fingerprint": key.fingerprint,
                "private": args.out,
                "public": f"{args.out}.pub",
            }
        )
    else:
        say(f"key for {key.name}: {args.out} (keep private), {args.out}.pub (share)")
        say(f"fingerprint {key.fingerprint}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from app.profiles import key_names
    from forensics.exchange.report import build_report, log_export, write_report
    from geoloc.svg_map import draw_map

    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise UsageError(f"{out}: name an .html or .pdf file")
    known = key_names()
    with open_for_reading(args.case_dir) as case:
        items = [resolve_item(case, i) for i in args.items] if args.items else None
        with long_work("report") as (bar, cancel):
            if suffix == ".pdf":
                from ui.exchange.pdf import html_to_pdf

                html = build_report(
                    case,
                    items=items,
                    actor=args.examiner,
                    progress=bar,
                    cancel=cancel,
                    map_drawer=draw_map,
                    known_keys=known,
                )
                data = html_to_pdf(html, out)
                summary = log_export(
                    case, out, "pdf-report", data, actor=args.examiner, items=items
                )
            else:
                summary = write_report(
                    case,
                    out,
                    items=items,
                    actor=args.examiner,
                    progress=bar,
                    cancel=cancel,
                    map_drawer=draw_map,
                    known_keys=known,
                )
    note = "" if summary.get("logged", True) else "; read-only case: the export was not logged"
    return reply(
        args,
        summary,
        f"wrote {out} ({summary['bytes']:,} bytes, sha256 {summary['sha256']}){note}",
    )
