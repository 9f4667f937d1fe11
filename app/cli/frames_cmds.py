"""`pwb frames CASE ITEM (--scenes [--fast] | --at SECONDS | --index N) [--json]`.

Registered from `app.cli.media_cmds` (the media feature's commands live together).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from app.cli.common import EXIT_OK, EXIT_PARTIAL, add_json_flag, open_case, resolve_item
from app.cli.interrupt import long_work
from app.cli.output import print_json, say, table, warn
from forensics.errors import EvidenceError
from forensics.store.frames import FrameRepository

if TYPE_CHECKING:
    # OpenCV and PyAV load when `pwb frames` runs, not with every `pwb` command.
    from forensics.media.frames import FrameRecord


def register_frames(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `pwb frames`."""
    p = sub.add_parser(
        "frames",
        help="extract a video frame (by index or time) or the first frame of every scene",
    )
    p.add_argument("case_dir")
    p.add_argument("item", help="item id or a unique prefix of one")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--scenes", action="store_true", help="detect scene cuts, extract each scene's first frame"
    )
    what.add_argument("--at", type=float, metavar="SECONDS", help="the frame shown at a time")
    what.add_argument(
        "--index",
        type=int,
        metavar="N",
        help="the frame with this index (0-based, presentation order)",
    )
    p.add_argument(
        "--fast",
        action="store_true",
        help="with --scenes: decode keyframes and only the stretches between keyframes that differ",
    )
    p.add_argument("--examiner", help="who extracts (for the custody log)")
    add_json_flag(p)
    p.set_defaults(func=cmd_frames)


def cmd_frames(args: argparse.Namespace) -> int:
    """Extract frames; an undecodable file is a recorded failure (exit 3)."""
    from forensics.media.frame_png import frame_png_path
    from forensics.media.frames import extract_frame, extract_scene_frames

    with open_case(args.case_dir) as case:
        item_id = resolve_item(case, args.item)
        scenes: list[dict[str, Any]] = []
        try:
            if args.scenes:
                with long_work("scenes") as (bar, cancel):
                    frames = extract_scene_frames(
                        case,
                        item_id,
                        mode="fast" if args.fast else "exact",
                        progress=bar,
                        cancel=cancel,
                        actor=args.examiner,
                    )
                scenes = [s.to_json() for s in FrameRepository(case.db).scenes(item_id)]
            else:
                frames = [
                    extract_frame(
                        case, item_id, index=args.index, seconds=args.at, actor=args.examiner
                    )
                ]
        except EvidenceError as exc:
            warn(f"error: {exc}")
            if args.json:
                print_json({"item_id": item_id, "error": str(exc), "frames": []})
            return EXIT_PARTIAL
        paths = [str(frame_png_path(case, f)) for f in frames]
    if args.json:
        document: dict[str, Any] = {
            "item_id": item_id,
            "frames": [_frame_json(f, p) for f, p in zip(frames, paths, strict=True)],
        }
        if args.scenes:
            document["scenes"] = scenes
        print_json(document)
        return EXIT_OK
    table(
        [
            [str(f.frame_index), f"{f.pts:.3f}", f"{f.width}x{f.height}", f.pixel_sha256[:16], p]
            for f, p in zip(frames, paths, strict=True)
        ],
        ["INDEX", "PTS (S)", "SIZE", "PIXEL SHA256", "PNG"],
    )
    if args.scenes:
        say(f"{len(frames)} scene(s)")
    return EXIT_OK


def _frame_json(frame: FrameRecord, png_path: str) -> dict[str, Any]:
    return {**frame.to_json(), "png_path": png_path}
