"""A msgspec schema for the stored row of every record type, derived from its declaration.

A row that comes from elsewhere (another team's archive) is validated against this before it
is written into a case (issue 14): each column's type as declared (`str`, `int`, `float`,
`bytes`), nullability, a length cap, a vocabulary for an Enum field (as a `Literal`), 0 or 1
for a bool, 64 lowercase hex digits for a `*sha256` column, a lowercase UUID for an `id` key.
msgspec reports the first violation with the field's path (`at $.label`), which the caller
names together with the record.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal

import msgspec

from forensics.records.declare import FieldSpec, RecordType

MAX_TEXT = 16 << 20
"""Longest text or blob a record value may hold (a record, not a file)."""

SHA256_PATTERN = "^[0-9a-f]{64}$"
UUID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def is_sha256_column(column: str) -> bool:
    """True for a column that holds a content or record digest."""
    return column == "sha256" or column.endswith("_sha256")


def _column_type(spec: FieldSpec, *, key: bool) -> Any:
    kind = spec.kind
    hint: Any
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        hint = Literal[tuple(str(m.value) for m in kind)]
    elif spec.vocabulary is not None:
        hint = Literal[spec.vocabulary]
    elif kind is bool:
        hint = Annotated[int, msgspec.Meta(ge=0, le=1)]
    elif spec.sql == "INTEGER":
        hint = int
    elif spec.sql == "REAL":
        hint = float
    elif spec.sql == "BLOB":
        hint = Annotated[bytes, msgspec.Meta(max_length=MAX_TEXT)]
    elif key and spec.column == "id":
        hint = Annotated[str, msgspec.Meta(pattern=UUID_PATTERN)]
    elif is_sha256_column(spec.column):
        hint = Annotated[str, msgspec.Meta(pattern=SHA256_PATTERN)]
    else:
        hint = Annotated[str, msgspec.Meta(max_length=MAX_TEXT)]
    return hint | None if spec.nullable else hint


@cache
def row_struct(record_type: RecordType[Any]) -> type[msgspec.Struct]:
    """The msgspec Struct a stored row of `record_type` must convert to."""
    fields = [
        (f.column, _column_type(f, key=f.column == record_type.key_column))
        for f in record_type.fields
    ]
    return msgspec.defstruct(f"{record_type.table}_row", fields, forbid_unknown_fields=True)


def row_problem(record_type: RecordType[Any], row: Mapping[str, Any]) -> str | None:
    """Why a stored row is not one `record_type` declares, naming the field; None if it is."""
    try:
        msgspec.convert(dict(row), row_struct(record_type), strict=True)
    except msgspec.ValidationError as exc:
        return str(exc)
    return None


@dataclass(frozen=True)
class Column:
    """One column of one of our tables, as our own migrations made it."""

    name: str
    sql: str
    """TEXT, INTEGER, REAL or BLOB."""
    required: bool
    """NOT NULL, or part of the primary key."""


@dataclass(frozen=True)
class TableShape:
    """One of our tables: its columns in order and its key (a record stream's shape)."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        """The columns' names, in order."""
        return tuple(c.name for c in self.columns)


DELETED_DIGEST = "deleted"
"""What a custody entry holds in place of a record digest when it deleted the record."""

_SQL_HINT: dict[str, Any] = {
    "INTEGER": int,
    "REAL": float,
    "BLOB": Annotated[bytes, msgspec.Meta(max_length=MAX_TEXT)],
}


def _undeclared_type(column: Column) -> Any:
    """A column no record type declares (custody, case facts, bookkeeping): its SQL type, a
    length cap, and a digest or `deleted` for a `*sha256` column."""
    hint: Any = _SQL_HINT.get(column.sql)
    if hint is None and is_sha256_column(column.name):
        hint = Annotated[str, msgspec.Meta(pattern=f"^([0-9a-f]{{64}}|{DELETED_DIGEST})$")]
    elif hint is None:
        hint = Annotated[str, msgspec.Meta(max_length=MAX_TEXT)]
    return hint if column.required else hint | None


def stream_struct(shape: TableShape, record_type: RecordType[Any] | None) -> type[msgspec.Struct]:
    """The msgspec Struct one line of a table's record stream must decode to.

    Every column of our table is a field (no other field is accepted); a column the record
    type declares is typed by its declaration (as `row_struct`), any other by our schema. A
    nullable column may be left out (an archive made before it existed).
    """
    return _stream_struct(shape, record_type)


@cache
def _stream_struct(shape: TableShape, record_type: RecordType[Any] | None) -> type[msgspec.Struct]:
    specs = {f.column: f for f in record_type.fields} if record_type is not None else {}
    key = record_type.key_column if record_type is not None else None
    required: list[tuple[str, Any]] = []
    optional: list[tuple[str, Any, Any]] = []
    for column in shape.columns:
        spec = specs.get(column.name)
        hint = (
            _column_type(spec, key=column.name == key)
            if spec is not None
            else _undeclared_type(column)
        )
        if column.required or (spec is not None and not spec.nullable):
            required.append((column.name, hint))
        else:
            optional.append((column.name, hint, None))
    return msgspec.defstruct(
        f"{shape.name}_line", [*required, *optional], forbid_unknown_fields=True
    )
