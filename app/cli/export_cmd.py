"""`pwb export CASE --format F OUT`: the whole case written into one file.

The formats come from the feature list (`app.features.export_formats`), so `--help` lists them
all and each loads only its own writer when it runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.common import EXIT_OK, UsageError, add_actor_flags, case_command, open_for_reading
from app.cli.output import print_json, say
from app.features import export_formats


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `export` to `pwb`."""
    formats = export_formats()
    p = case_command(sub, "export", cmd_export, help="export the case in an exchange format")
    p.add_argument(
        "--format",
        required=True,
        dest="fmt",
        type=str.lower,
        choices=list(formats),
        help=f"one of {', '.join(formats)}",
    )
    p.add_argument("out", help="the file to write")
    add_actor_flags(p, reason=False)


def cmd_export(args: argparse.Namespace) -> int:
    fmt = export_formats()[args.fmt]
    out = Path(args.out)
    if out.is_dir():
        raise UsageError(f"{out}: is a folder; name the file to write")
    if not out.parent.is_dir():
        raise UsageError(f"{out.parent}: no such folder")
    with open_for_reading(args.case_dir) as case:
        readonly = case.readonly
        try:
            summary = fmt.write(case, out, args.examiner)
        except OSError as exc:
            raise UsageError(f"{out}: cannot write ({exc.strerror or exc})") from exc
    if args.json:
        print_json(summary)
    else:
        say(f"wrote {summary.get('path', out)} ({fmt.name}, sha256 {summary.get('sha256', '?')})")
        if readonly:
            say("NOTE: read-only case: the export was not logged")
    return EXIT_OK


__all__ = ["register"]
