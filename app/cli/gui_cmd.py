"""`pwb gui`: the desktop workbench."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import startup_gc
from app.cli.common import UsageError

if TYPE_CHECKING:
    from forensics.store.location import ServerLocation


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `pwb gui` to the command line."""
    p = sub.add_parser(
        "gui",
        help="open the desktop workbench",
        description="Open the workbench on a case (with no case: the last one, else the demo "
        "case in your data folder).",
    )
    p.add_argument(
        "case_dir",
        nargs="?",
        metavar="CASE_DIR",
        help="case folder (or postgresql:// URL of a server case) to open",
    )
    p.add_argument(
        "--screenshot",
        metavar="OUT.png",
        type=Path,
        help="open at 1440x900, wait until idle, save a PNG and exit",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Start the GUI; returns when its window closes."""
    startup_gc.pause()  # until the window has painted: app/startup_gc.py
    try:
        return _run(args)
    finally:
        startup_gc.resume()


def _run(args: argparse.Namespace) -> int:
    # The case and the store load here, with the collector paused (`run`).
    from forensics.case import is_case
    from forensics.store.location import parse_location

    case_dir: Path | ServerLocation | None = None
    if args.case_dir is not None:
        where = parse_location(args.case_dir)
        if isinstance(where, Path):
            where = where.expanduser().resolve()
            if not is_case(where):
                raise UsageError(f"{where}: not a case folder (it has no case.db)")
        case_dir = where  # a server case's URL: the window says if it cannot be opened
    # The Qt-free modules the window uses load before PySide6, so PySide6 never reads their
    # source (app/qt_startup.py): the case (above), the profiles and the job tokens.
    import app.profiles  # noqa: F401
    import forensics.jobs  # noqa: F401
    from app.qt_startup import start_qt

    start_qt()  # before the GUI's modules: see app/qt_startup.py
    from app.gui import run_gui

    return run_gui(case_dir, args.screenshot)
