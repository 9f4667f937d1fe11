"""`--as-of SEQ`: an edit from the command line made from the record as it was read.

A terminal has no form to remember what it showed, so the examiner names the custody entry
they read the record at (`pwb show` lists them for an item, `pwb source list --json` gives a
source's `custody_seq`). The record as it was just after that entry is rebuilt from the log
(`forensics.edits.state_at`) and the edit goes through the same rule as a GUI form's
(`forensics.store.rebase`): a field only I change goes onto the newer record, a field someone
else changed since is refused with exit code 4, naming who, when and the values. Every command
that edits a record with `--as-of` answers through `edit_as_of`, so they all say it alike.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from app.cli.output import warn
from forensics.errors import EditConflictError

if TYPE_CHECKING:
    from forensics.case import Case

R = TypeVar("R")
T = TypeVar("T")


def add_as_of(parser: argparse.ArgumentParser, *, lists: str) -> None:
    """The `--as-of SEQ` option; `lists` says which command shows the custody entries."""
    parser.add_argument(
        "--as-of",
        type=int,
        metavar="SEQ",
        help=f"the custody entry you read it at ({lists}): a field someone changed after it "
        "is refused (exit code 4), never written over; a field only you change goes onto theirs",
    )


def edit_as_of(
    case: Case,
    current: R,
    as_of: int | None,
    what: str,
    write: Callable[[R | None], T],
    see: str,
) -> T | None:
    """Make an edit from the record as read at custody entry `as_of` (None: as stored now).

    Args:
        case: the open case.
        current: the record as stored now (the state `as_of` is rebuilt from).
        as_of: the custody entry the examiner read the record at, or None.
        what: the record in words ("item 'Gerbera drone'").
        write: makes the edit from the given base (the core call's `based_on=`).
        see: the command that shows the record as it is now, for the message.

    Returns:
        What `write` returned, or None when the edit was refused as stale: the reason is
        printed and the command exits with `EXIT_CONFLICT`.
    """
    from forensics.edits import explain, state_at  # every record type: only an edit needs them

    read: R | None = None
    try:
        if as_of is not None:
            read = state_at(case, current, as_of, label=what)
        return write(read)
    except EditConflictError as conflict:
        told = (
            explain(case, conflict, what, read) + ": nothing was written"
            if read is not None and conflict.clashes
            else str(conflict)
        )
        warn(
            f"error: {told}. See it as it is now with `{see}`, then edit again "
            "(--as-of its newest custody entry)"
        )
        return None
