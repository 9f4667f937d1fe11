"""What every CLI command shares: exit codes, opening a case, resolving ids, common options.

Every `pwb` run imports this module, `pwb --version` and `pwb --help` included, so it imports
the case (`forensics.case`, the whole store: ~40 ms) only when a command opens one.
`tests/app/test_cli_startup.py` checks that a light command stays light.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from app.cli.examiner import require_examiner
from app.cli.output import print_json, say, table
from forensics.errors import NotFoundError
from forensics.store.location import ServerLocation, parse_location

if TYPE_CHECKING:
    from forensics.case import Case

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_CONFLICT = 4
"""An edit made from a copy a colleague changed since: nothing was written."""
EXIT_INTERRUPTED = 130

T = TypeVar("T")

Command = Callable[[argparse.Namespace], int]
"""What a subcommand runs: the parsed arguments in, the exit code out."""


class UsageError(Exception):
    """A mistake in the command line; exit code 2 with the message."""


def open_case(path: str, *, readonly: bool = False) -> Case:
    """Open the case named on the command line (errors become exit 2 in `main`).

    To write, the examiner's profile must be there and its key unlocked first: every entry
    the command makes is signed with it.
    """
    from forensics.case import Case

    if not readonly:
        require_examiner()
    return Case.open(parse_location(path), readonly=readonly)


def open_for_reading(path: str) -> Case:
    """Open a case read-write, or read-only when its folder cannot be written (read-only
    media): for commands that read and would also log what they did (verify, report).
    Logging signs, so a case that can be written needs the examiner's profile."""
    from forensics.case import Case, is_case, is_writable

    where = parse_location(path)
    if isinstance(where, ServerLocation) or (is_case(where) and is_writable(where)):
        require_examiner()
    return Case.open_for_reading(where)


def resolved(lookup: Callable[[str], T], ref: str) -> T:
    """`lookup(ref)` for an id or id prefix typed on the command line.

    Raises:
        UsageError: no record, or several, match `ref`.
    """
    try:
        return lookup(ref)
    except NotFoundError as exc:
        raise UsageError(str(exc)) from exc


def resolve_item(case: Case, ref: str) -> str:
    """An item id from a full id or a unique prefix of one.

    Raises:
        UsageError: no item, or several, match.
    """
    found = case.items.find(ref)
    if found is not None:
        return found.id
    return resolved(case.items.resolve_prefix, ref)


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    """The `--json` flag every listing command takes."""
    parser.add_argument("--json", action="store_true", help="print one JSON document")


def case_command(
    sub: argparse._SubParsersAction[Any],
    name: str,
    func: Command,
    *,
    help: str,
    case_arg: str = "case_dir",
    json: bool = True,
) -> argparse.ArgumentParser:
    """A subcommand that works on one case: the case (a folder or a `postgresql://` URL) is
    its first argument.

    Args:
        sub: the subparsers to add it to.
        name: the command's name.
        func: what it runs.
        help: one line for `--help`.
        case_arg: the name of the case folder's argument.
        json: whether it takes `--json`.

    Returns:
        The command's parser, for its own arguments.
    """
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help)
    parser.add_argument(case_arg, help="the case: its folder, or postgresql://USER@HOST:PORT/DB")
    if json:
        add_json_flag(parser)
    parser.set_defaults(func=func)
    return parser


def add_actor_flags(parser: argparse.ArgumentParser, *, reason: bool = True) -> None:
    """`--examiner` (who acts) and `--reason` (why), which a command that writes logs."""
    parser.add_argument(
        "--examiner",
        help="credit this name instead of your profile's (logged as a name given, not "
        "proven: your key still signs)",
    )
    if reason:
        parser.add_argument("--reason", help="why, for the custody log")


def reply(args: argparse.Namespace, document: Any, line: str) -> int:
    """Report what a command did: `document` under `--json`, else `line`; exit 0.

    Commands that make or change one record all answer this way, so the choice lives here.

    Args:
        args: the parsed arguments (their `json` flag decides).
        document: the JSON document to print.
        line: the one line of human output.

    Returns:
        `EXIT_OK`.
    """
    if args.json:
        print_json(document)
    else:
        say(line)
    return EXIT_OK


def listing(
    args: argparse.Namespace, document: Any, rows: list[list[str]], headers: list[str]
) -> int:
    """Print a listing: `document` under `--json`, else `rows` as a table; exit 0.

    Args:
        args: the parsed arguments (their `json` flag decides).
        document: the JSON document to print.
        rows: the table's rows, names already escaped.
        headers: the table's column titles.

    Returns:
        `EXIT_OK`.
    """
    if args.json:
        print_json(document)
    else:
        table(rows, headers)
    return EXIT_OK
