"""An edit made from an older copy of a record, put onto the record as it is stored now.

A form shows a record as it was when it opened; by the time its examiner saves, a colleague
may have changed the same record. The edit is a three-way merge: the copy the form was made
from (`based_on`), the record as stored now (`current`) and the form's values (`mine`). A field
only one side changed merges; a field both changed to different values is a clash, and the
edit is refused with `EditConflictError` carrying each clash's three values, so the examiner
decides (never a silent overwrite, and never a refusal for a field nobody else touched).

The same rule serves every editable record type (items, components, manufacturers,
annotations, hypotheses): one place, so a form on any record behaves the same.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from forensics.errors import EditConflictError
from forensics.records.declare import jsonable, record_type_of

R = TypeVar("R")

FormView = Callable[[Any], Mapping[str, Any]]
"""A record's values as a form shows them (a country code where the form edits "country")."""


def _plain(value: Any) -> Any:
    """A value as compared: tuples and lists alike, records as their fields."""
    return jsonable(value)


def form_values(record: Any, fields: list[str], view: FormView | None) -> dict[str, Any]:
    """The record's values of these fields, as the form names them."""
    shown = view(record) if view is not None else {}
    return {f: shown[f] if f in shown else getattr(record, f, None) for f in fields}


def rebase(
    based_on: R,
    current: R,
    changes: Mapping[str, Any],
    *,
    view: FormView | None = None,
    label: str | None = None,
) -> dict[str, Any]:
    """The changes to make to `current`: the form's fields that differ from `based_on`.

    Args:
        based_on: the record as the form showed it.
        current: the record as stored now.
        changes: field -> the form's value (fields equal to `based_on` are dropped: saving
            them would undo a colleague's change to a field this examiner never touched).
        view: the record's values under the form's field names, where they differ.
        label: how to name the record in the message ("item 'Gerbera drone'").

    Returns:
        field -> value, only the fields this edit really changes.

    Raises:
        EditConflictError: a field this edit changes was changed since `based_on` to
            another value; `clashes` holds each field's base, theirs and mine.
    """
    fields = list(changes)
    base = form_values(based_on, fields, view)
    now = form_values(current, fields, view)
    mine = {f: v for f, v in changes.items() if _plain(v) != _plain(base[f])}
    clashes = [
        {"field": f, "base": base[f], "theirs": now[f], "mine": v}
        for f, v in mine.items()
        if _plain(now[f]) != _plain(base[f]) and _plain(now[f]) != _plain(v)
    ]
    if clashes:
        record_type = record_type_of(current)
        key = record_type.key_of(current)
        named = label or f"{record_type.subject.replace('_', ' ')} {key}"
        names = ", ".join(c["field"] for c in clashes)
        raise EditConflictError(
            f"{named} was changed by someone else since you opened it ({names}): nothing was "
            "written; reload it and edit again",
            record_type.subject,
            key,
            [c["field"] for c in clashes],
            clashes=clashes,
        )
    return mine
