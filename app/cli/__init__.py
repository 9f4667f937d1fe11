"""The `pwb` command line.

Each feature registers its subcommands from its own module, listed in `COMMAND_MODULES`;
`main` maps the core's errors to the exit codes of the CLI's contract.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from types import ModuleType

from app.cli import (
    annotation_cmds,
    case_cmds,
    exchange_cmds,
    geo_cmds,
    gui_cmd,
    media_cmds,
    provenance_cmds,
)
from app.cli.common import EXIT_INTERRUPTED, EXIT_USAGE, UsageError
from app.cli.output import warn
from forensics.errors import CancelledError, CaseError, NotFoundError, ValidationError

COMMAND_MODULES: tuple[ModuleType, ...] = (
    case_cmds,
    media_cmds,
    annotation_cmds,
    geo_cmds,
    provenance_cmds,
    exchange_cmds,
    gui_cmd,
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    """The full `pwb` parser with every feature's subcommands."""
    parser = _Parser(
        prog="pwb",
        description="Provenance Workbench: evidence intake, chain of custody, media, "
        "geolocation and component provenance.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    seen: set[str] = set()
    for module in COMMAND_MODULES:
        before = set(sub.choices)
        module.register(sub)
        added = set(sub.choices) - before
        if added & seen:
            raise RuntimeError(f"{module.__name__} registers a command twice")
        seen |= added
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run `pwb` and return its exit code."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        logging.basicConfig(
            level=logging.INFO if args.verbose else logging.WARNING,
            format="%(levelname)s %(name)s: %(message)s",
        )
        if not getattr(args, "func", None):
            parser.print_help()
            return EXIT_USAGE
        return int(args.func(args))
    except UsageError as exc:
        warn(f"error: {exc}")
        return EXIT_USAGE
    except (CaseError, NotFoundError, ValidationError) as exc:
        warn(f"error: {exc}")
        return EXIT_USAGE
    except (KeyboardInterrupt, CancelledError):
        warn("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        sys.stderr.close()
        return 0
