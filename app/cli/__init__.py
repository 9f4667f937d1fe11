"""The `pwb` command line.

Each feature registers its subcommands from its own module; the feature list
(`app.features`) names each module with the commands it registers (`COMMAND_MODULES`). `main`
installs what the core needs of the features (`app.features.install`) and maps the core's
errors to the exit codes of the CLI's contract.

A run imports only the module of the command it runs: importing them all (the annotation
formats, provenance, exchange) took 100-150 ms of CPU, which `pwb gui` paid before its window
could start. `--help`, no command or an unknown one build the full parser.
`tests/app/test_cli_commands.py` checks that the table and the modules agree.

What every run imports stays light for the same reason: the case and the examiner profiles
are imported by the commands that use them (`app.cli.common.open_case`,
`app.cli.examiner.activate`), so `pwb --version` and `pwb --help` read no case code;
`tests/app/test_cli_startup.py` fails if a light command loads a heavy module.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from app.cli.common import EXIT_INTERRUPTED, EXIT_USAGE, UsageError
from app.cli.examiner import HELP as PROFILE_HELP
from app.cli.examiner import activate, pop_profile
from app.cli.output import warn
from app.cli.version_flag import HELP as VERSION_HELP
from app.cli.version_flag import run_version, wants_version
from app.features import command_modules, install
from forensics.errors import CancelledError, CaseError, NotFoundError, ValidationError

COMMAND_MODULES: dict[str, tuple[str, ...]] = command_modules()
"""Module -> the commands it registers, from the feature list (checked whenever the module
is registered)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _modules_for(command: str | None) -> list[str]:
    """The command modules a run needs: the one owning `command`, else all of them."""
    for module, commands in COMMAND_MODULES.items():
        if command in commands:
            return [module]
    return list(COMMAND_MODULES)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The `pwb` parser: with `command`, only the module that owns it is loaded and
    registered; without (or for an unknown command), every feature's subcommands."""
    parser = _Parser(
        prog="pwb",
        description="Provenance Workbench: evidence intake, chain of custody, media, "
        "geolocation and component provenance.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    parser.add_argument("--version", action="store_true", help=VERSION_HELP)
    parser.add_argument("--profile", metavar="NAME", help=PROFILE_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in _modules_for(command):
        before = set(sub.choices)
        importlib.import_module(name).register(sub)
        added = set(sub.choices) - before
        if added != set(COMMAND_MODULES[name]):
            raise RuntimeError(
                f"{name} registers {sorted(added)}, but COMMAND_MODULES lists "
                f"{sorted(COMMAND_MODULES[name])}"
            )
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line (the first word that is not an option)."""
    return next((a for a in argv if not a.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    """Run `pwb` and return its exit code."""
    try:
        profile, words = pop_profile(sys.argv[1:] if argv is None else list(argv))
        command = _command_in(words)
        if wants_version(words, command):
            return run_version(words)
        install()
        parser = build_parser(command)
        args = parser.parse_args(words)
        logging.basicConfig(
            level=logging.INFO if args.verbose else logging.WARNING,
            format="%(levelname)s %(name)s: %(message)s",
        )
        if not getattr(args, "func", None):
            parser.print_help()
            return EXIT_USAGE
        activate(profile)
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
