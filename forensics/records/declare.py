"""How a record type is declared once: its dataclass, table, subject, key and canonical state.

plaso declares each event container once and derives its storage from it; we do the same. A
record type is a frozen dataclass plus one `RecordType` naming its table, its custody subject
and its key. The rest is derived from the dataclass's type hints and field metadata:

- the SQL column of each field (`str` TEXT, `int`/`bool` INTEGER, `float` REAL, `bytes` BLOB,
  tuples, lists and dicts TEXT holding JSON; `X | None` nullable, anything else NOT NULL),
  checked against the migrated schema by a test, so the two cannot drift apart;
- the row a record is stored as (`to_row`) and the record a row reads back as (`from_row`);
- the canonical state the custody log digests (`state`): every field by name, tuples as lists,
  bytes as hex, nested records as dicts. A type whose logged state is not just its fields
  declares its own `state` function; a *composite* type (its state includes other rows, e.g.
  an extraction run and the digests of the frames it made) is read by the store.

This module imports nothing of ours: every layer above may use it.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, Self, TypeVar

R = TypeVar("R")

SQL_TYPES = ("TEXT", "INTEGER", "REAL", "BLOB")


_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
)
"""Made once (`json.dumps` with options builds an encoder per call)."""


def canonical_json(value: Any) -> str:
    """The one JSON spelling of a value that every hash in the case is computed over."""
    return _CANONICAL.encode(value)


def record_digest(record: Mapping[str, Any]) -> str:
    """sha256 of a record's canonical JSON."""
    return hashlib.sha256(canonical_json(dict(record)).encode("ascii")).hexdigest()


_PLAIN = frozenset({str, int, float, bool, type(None)})
"""Types JSON holds as they are (exactly these: an enum member that is also a str is not)."""


def jsonable(value: Any) -> Any:
    """A field value as JSON holds it: tuples as lists, bytes as hex, records as dicts."""
    if type(value) in _PLAIN:  # most fields: returned before the checks below (a card's
        return value  # items and custody entries call this tens of thousands of times)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, tuple | list):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def col(
    *,
    column: str | None = None,
    sql: str | None = None,
    added_later: bool = False,
    vocabulary: type[enum.Enum] | None = None,
) -> dict[str, Any]:
    """Storage metadata of a field, for `dataclasses.field(metadata=col(...))`.

    Args:
        column: the column's name when it differs from the field's (annotation `points` are
            stored in `geometry`).
        sql: the column's SQL type when the type hint does not say it.
        added_later: the field came after records of its type were first logged; it is left
            out of the state while unset (None or empty), so the digests logged before it
            existed still match.
        vocabulary: the StrEnum whose values are the only ones a `str` field may hold (a
            received record holding another is refused).
    """
    return {"column": column, "sql": sql, "added_later": added_later, "vocabulary": vocabulary}


@dataclass(frozen=True)
class FieldSpec:
    """One stored field of a record type, derived from its dataclass field."""

    name: str
    column: str
    sql: str
    nullable: bool
    json: bool
    """Stored as JSON text (tuples, lists, dicts)."""
    kind: type[Any]
    """The Python type of a value (without `None`), e.g. `bool`, `float`, `tuple`."""
    element: Any = None
    """For a tuple field, the hint of its elements (to rebuild nested records)."""
    added_later: bool = False
    """Left out of the state while unset (see `col`)."""
    vocabulary: tuple[str, ...] | None = None
    """The only values a `str` field may hold (see `col`)."""


def _unwrap_optional(hint: Any) -> tuple[Any, bool]:
    args = typing.get_args(hint)
    origin = typing.get_origin(hint)
    if (origin is typing.Union or origin is types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return (rest[0] if len(rest) == 1 else typing.Union[tuple(rest)]), True  # noqa: UP007
    return hint, False


def _field_spec(f: dataclasses.Field[Any], hint: Any) -> FieldSpec:
    inner, nullable = _unwrap_optional(hint)
    origin = typing.get_origin(inner) or inner
    element: Any = None
    if origin in (tuple, list, dict):
        sql, is_json, kind = "TEXT", True, origin
        if origin is tuple:
            element = (typing.get_args(inner) or (None,))[0]
    elif isinstance(origin, type) and issubclass(origin, bool):
        sql, is_json, kind = "INTEGER", False, bool
    elif isinstance(origin, type) and issubclass(origin, enum.Enum):
        sql, is_json, kind = "TEXT", False, origin
    elif isinstance(origin, type) and issubclass(origin, str):
        sql, is_json, kind = "TEXT", False, str
    elif isinstance(origin, type) and issubclass(origin, int):
        sql, is_json, kind = "INTEGER", False, int
    elif isinstance(origin, type) and issubclass(origin, float):
        sql, is_json, kind = "REAL", False, float
    elif isinstance(origin, type) and issubclass(origin, bytes):
        sql, is_json, kind = "BLOB", False, bytes
    else:
        raise TypeError(f"field {f.name}: no column type for {hint!r}; declare col(sql=...)")
    sql = f.metadata.get("sql") or sql
    column = f.metadata.get("column") or f.name
    added_later = bool(f.metadata.get("added_later"))
    vocab = f.metadata.get("vocabulary")
    vocabulary = tuple(str(m.value) for m in vocab) if vocab is not None else None
    return FieldSpec(f.name, column, sql, nullable, is_json, kind, element, added_later, vocabulary)


def _json_dumps(value: Any) -> str:
    if not value and type(value) in _EMPTY:  # most items' tags, warnings, attributes
        return _EMPTY[type(value)]
    return json.dumps(jsonable(value), ensure_ascii=False, sort_keys=True)


_EMPTY: dict[type, str] = {tuple: "[]", list: "[]", dict: "{}"}
"""What `json.dumps` writes for an empty one of these (the common case, without the call)."""


def _convert(hint: Any, value: Any) -> Any:
    """A JSON value as the type hint says (tuples for lists, floats for numbers, records)."""
    origin = typing.get_origin(hint)
    if origin is tuple and isinstance(value, list):
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], v) for v in value)
        return tuple(_convert(a, v) for a, v in zip(args, value, strict=False))
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type) and isinstance(value, dict):
        return hint(**value)
    return value


def _from_json(spec: FieldSpec, value: Any) -> Any:
    if value is None:
        return None
    data = json.loads(value)
    if spec.kind is tuple:
        return tuple(_convert(spec.element, v) for v in data)
    return data


@dataclass(frozen=True)
class RecordType(Generic[R]):
    """The one declaration of a record type.

    Args:
        cls: the record's frozen dataclass.
        subject: the custody subject type of its entries ("item", "annotation"...).
        table: the table its rows live in.
        key: the field that identifies a record (its primary key).
        state_fn: the canonical state, when it is not every field (see `state`).
        composite: the logged state includes other rows; the store reads it.
        stored: False for a record the store keeps otherwise (the case facts).
        logged: False for rows logged only as part of another record's state.
    """

    cls: type[R]
    subject: str
    table: str
    key: str = "id"
    state_fn: Callable[[R], dict[str, Any]] | None = None
    composite: bool = False
    stored: bool = True
    logged: bool = True

    def __post_init__(self) -> None:
        # The class carries its own declaration, so a writer handed a record finds it
        # without importing every record module (the GUI starts without them).
        setattr(self.cls, "__record_type__", self)  # noqa: B010

    @cached_property
    def fields(self) -> tuple[FieldSpec, ...]:
        """Every stored field, in declaration order."""
        hints = typing.get_type_hints(self.cls)
        return tuple(_field_spec(f, hints[f.name]) for f in dataclasses.fields(self.cls))  # type: ignore[arg-type]

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """The columns of its table this record type writes, in field order."""
        return tuple(f.column for f in self.fields)

    @property
    def key_column(self) -> str:
        """The column holding the key."""
        return next(f.column for f in self.fields if f.name == self.key)

    def key_of(self, record: R) -> str:
        """A record's key."""
        return str(getattr(record, self.key))

    def state(self, record: R) -> dict[str, Any]:
        """The canonical, JSON-able state whose digest the custody log keeps."""
        if self.state_fn is not None:
            return self.state_fn(record)
        state: dict[str, Any] = {}
        for f in self.fields:
            value = getattr(record, f.name)
            if f.added_later and (value is None or value == {} or value == ()):
                continue
            state[f.name] = value if type(value) in _PLAIN else jsonable(value)
        return state

    def digest(self, record: R) -> str:
        """sha256 of the canonical state."""
        return record_digest(self.state(record))

    def to_row(self, record: R) -> dict[str, Any]:
        """The row that stores a record: column -> SQLite value."""
        row: dict[str, Any] = {}
        for f in self.fields:
            value = getattr(record, f.name)
            if value is None:
                row[f.column] = None
            elif f.json:
                row[f.column] = _json_dumps(value)
            elif f.kind is bool:
                row[f.column] = int(value)
            elif isinstance(value, enum.Enum):
                row[f.column] = value.value
            else:
                row[f.column] = value
        return row

    def from_row(self, row: Mapping[str, Any]) -> R:
        """The record a stored row holds."""
        values: dict[str, Any] = {}
        for f in self.fields:
            value = row[f.column]
            if f.json:
                value = _from_json(f, value)
                if value is None and not f.nullable:
                    value = f.kind()
            elif value is not None and f.kind is bool:
                value = bool(value)
            elif value is not None and f.kind is float:
                value = float(value)
            values[f.name] = value
        return self.cls(**values)

    def changes(self, before: R, after: R, *, ignore: tuple[str, ...] = ()) -> dict[str, Any]:
        """field -> {"from", "to"} for every field whose state differs (for the log)."""
        old, new = self.state(before), self.state(after)
        return {
            k: {"from": old[k], "to": new[k]}
            for k in new
            if old.get(k) != new[k] and k not in ignore
        }


def record_type_of(record: object) -> RecordType[Any]:
    """The declaration of a record's class.

    Raises:
        KeyError: the class is not a declared record type.
    """
    found = getattr(type(record), "__record_type__", None)
    if not isinstance(found, RecordType) or found.cls is not type(record):
        raise KeyError(f"{type(record).__name__} is not a declared record type")
    return found


class CustodyActionEnum(enum.StrEnum):
    """A feature's custody actions: each member is the code the log stores and the phrase a
    person reads, declared together so no report or view keeps a second list of them.

    Declare members as `NAME = "code", "phrase"`; the member equals its code (a `str`), so the
    log and every comparison with a stored action are unchanged. `forensics.records.actions`
    finds the phrase of any stored code.
    """

    _value_: str
    phrase: str

    def __new__(cls, code: str, phrase: str = "") -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member.phrase = phrase or code.replace("_", " ")
        return member


class RecordChange(enum.StrEnum):
    """What a committed write did to a record."""

    INSERTED = "inserted"
    UPDATED = "updated"
    DELETED = "deleted"


@dataclass(frozen=True)
class Change:
    """One committed change of one record, as subscribers receive it."""

    subject: str
    """The record type's custody subject ("item", "annotation"...)."""
    record_id: str
    change: RecordChange
    item_id: str | None = None
    """The item the record belongs to, when it has one."""


@dataclass(frozen=True)
class ChangeSet:
    """What one transaction committed: its record changes and custody actions."""

    changes: tuple[Change, ...]
    actions: tuple[str, ...] = ()
    noted: tuple[str, ...] = ()
    """Items whose custody log gained an entry that changed no record (an export, a
    duplicate ingest): a view of the item's history reloads for them."""

    @property
    def subjects(self) -> frozenset[str]:
        """The record types touched."""
        return frozenset(c.subject for c in self.changes)

    def touches(self, *subjects: str) -> bool:
        """True when any of these record types changed."""
        return not self.subjects.isdisjoint(subjects)

    def ids(self, subject: str) -> list[str]:
        """The ids of the records of one type that changed."""
        return [c.record_id for c in self.changes if c.subject == subject]

    def concerns(self, item_id: str) -> bool:
        """True when an item, or a record about it, changed."""
        return item_id in self.noted or any(
            item_id in (c.record_id, c.item_id) for c in self.changes
        )

    @staticmethod
    def merged(sets: Sequence[ChangeSet]) -> ChangeSet:
        """Several change sets as one (a burst from a background job)."""
        return ChangeSet(
            tuple(c for s in sets for c in s.changes),
            tuple(a for s in sets for a in s.actions),
            tuple(i for s in sets for i in s.noted),
        )
