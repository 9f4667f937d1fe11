"""What every CLI command shares: exit codes, opening a case, resolving item ids."""

from __future__ import annotations

import argparse
from pathlib import Path

from forensics.case import Case
from forensics.errors import NotFoundError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A mistake in the command line; exit code 2 with the message."""


def open_case(path: str, *, readonly: bool = False) -> Case:
    """Open the case named on the command line (errors become exit 2 in `main`)."""
    return Case.open(Path(path), readonly=readonly)


def resolve_item(case: Case, ref: str) -> str:
    """An item id from a full id or a unique prefix of one.

    Raises:
        UsageError: no item, or several, match.
    """
    found = case.items.find(ref)
    if found is not None:
        return found.id
    try:
        return case.items.resolve_prefix(ref)
    except NotFoundError as exc:
        raise UsageError(str(exc)) from exc


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    """The `--json` flag every listing command takes."""
    parser.add_argument("--json", action="store_true", help="print one JSON document")
