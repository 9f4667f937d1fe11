"""`pwb meta`: what the media says (and, from the frames feature, `pwb frames`).

Each command lives in its own `register_*` / `cmd_*` pair so features add theirs beside it.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from app.cli.common import EXIT_OK, EXIT_PARTIAL, add_json_flag, open_for_reading, resolve_item
from app.cli.frames_cmds import register_frames
from app.cli.interrupt import long_work
from app.cli.output import print_json, say
from forensics.textsafe import escape_name

if TYPE_CHECKING:
    # The extractors (exifread, pymediainfo, PyAV) load when `pwb meta` runs, not with every
    # `pwb` command (the GUI starts through this package); the metadata views and the
    # decoder list too, not with `pwb --help`.
    from forensics.decoded_with import DecoderUse
    from forensics.media.extract import MetadataResult
    from forensics.media.records import MetadataView


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this feature's subcommands to `pwb`."""
    register_meta(sub)
    register_frames(sub)


def register_meta(sub: argparse._SubParsersAction[Any]) -> None:
    """`pwb meta CASE ITEM [--refresh] [--extractor NAME] [--json]`."""
    p = sub.add_parser(
        "meta",
        help="show an item's metadata (EXIF, GPS, container, telemetry), extracting it "
        "when it has not been",
    )
    p.add_argument("case_dir")
    p.add_argument("item", help="item id or a unique prefix of one")
    p.add_argument("--refresh", action="store_true", help="extract again even if stored")
    p.add_argument(
        "--extractor",
        action="append",
        metavar="NAME",
        help="run only this extractor (repeatable): exif, image, thumbnail, container, dji_srt, "
        "gpmf",
    )
    p.add_argument("--examiner", help="who runs the extraction (for the custody log)")
    add_json_flag(p)
    p.set_defaults(func=cmd_meta)


def cmd_meta(args: argparse.Namespace) -> int:
    """Show stored metadata; extract first when nothing is stored or `--refresh` is given."""
    from forensics import decoded_with
    from forensics.media.extract import extract_metadata
    from forensics.store.media import MediaRepository

    result: MetadataResult | None = None
    # A case on read-only media shows what is stored; asking to extract there fails clearly.
    with open_for_reading(args.case_dir) as case:
        item_id = resolve_item(case, args.item)
        item = case.items.get(item_id)
        repo = MediaRepository(case.db)
        stored = bool(repo.records(item_id))
        if args.refresh or args.extractor or not (stored or case.readonly):
            with long_work("metadata") as (bar, cancel):
                result = extract_metadata(
                    case,
                    item_id,
                    progress=bar,
                    cancel=cancel,
                    extractors=args.extractor,
                    actor=args.examiner,
                )
        view = repo.metadata(item_id)
        tracks = repo.tracks(item_id)
        uses = decoded_with.for_item(case, item)
    failed = any(r.status in ("failed", "timeout") for r in view.records)
    if args.json:
        print_json(
            {
                "item": item.to_json(),
                "extraction": None if result is None else result.to_json(),
                "facts": _facts_json(view),
                "groups": _groups_json(view),
                "positions": [p.to_json() for p in view.positions],
                "tracks": [t.to_json() for t in tracks],
                "decoded_with": [u.to_json() for u in uses],
                "warnings": list(view.warnings),
                "errors": list(view.errors),
            }
        )
    else:
        _print_view(item.name, item.id, item.mime, view, result)
        for track in tracks:
            say(
                f"track: {len(track.points)} fixes ({track.layout}), "
                f"{track.start_time or '?'} to {track.end_time or '?'}"
            )
        _print_decoders(uses)
    return EXIT_PARTIAL if failed else EXIT_OK


def _facts_json(view: MetadataView) -> dict[str, Any]:
    """Every stored fact as `{group: {field: typed value}}` (`facts.video.duration_s` is 8.0),
    unknown values as null, for scripts that know the keys they want.

    Two extractors never write the same group; if they did, the later record's fields win.
    """
    facts: dict[str, Any] = {}
    for record in view.records:
        for key, values in record.facts.items():
            if isinstance(values, dict) and isinstance(facts.get(key), dict):
                facts[key] = {**facts[key], **values}
            else:
                facts[key] = values
    return facts


def _groups_json(view: MetadataView) -> list[dict[str, Any]]:
    """The facts in display order with their labels; each value typed as stored."""
    return [
        {
            "key": g.key,
            "label": g.label,
            "extractor": g.extractor,
            "fields": [{"key": f.key, "label": f.label, "value": f.data} for f in g.fields],
        }
        for g in view.groups
    ]


def _print_decoders(uses: list[DecoderUse]) -> None:
    if not uses:
        return
    say("== Decoded with ==")
    for use in uses:
        say(f"  {escape_name(use.title())}: {escape_name(use.describe())}")


def _print_view(
    name: str, item_id: str, mime: str | None, view: MetadataView, result: MetadataResult | None
) -> None:
    say(f"{name}  {item_id}  {mime or ''}".rstrip())
    if result is not None and result.skipped:
        say(f"nothing extracted: {result.skipped}")
    if view.empty:
        return
    for group in view.groups:
        say(f"== {group.label} ==  [{group.extractor}]")
        for field in group.fields:
            say(f"  {field.label}: {escape_name(field.value)}")
    for p in view.positions:
        say(
            f"position ({p.source}, {p.detail}): {p.lat:.7f}, {p.lon:.7f}"
            + (f", {p.alt:g} m" if p.alt is not None else "")
            + (f" at {p.time}" if p.time else "")
        )
    for w in view.warnings:
        say(f"warning: {escape_name(w)}")
    for e in view.errors:
        say(f"error: {escape_name(e)}")
