"""Records as JSON lines: what a format-2 archive carries instead of a database (issue 14).

Each of our tables travels as one stream, `records/<table>.jsonl` (the custody chain as
`custody.jsonl`), one row per line in canonical JSON (keys sorted, no spaces, UTF-8, BLOBs in
base64). The streams are derived, never listed by hand: the tables are those of a case our own
migrations made, and each line is typed by the record type that declares the table
(`forensics.records.row_schema.stream_struct`: types, nullability, length caps, vocabularies as
`Literal`s, sha256 as 64 hex digits, ids as UUIDs) and, for the few tables no record type
declares (custody, case facts, bookkeeping), by our schema's column types.

Reading is the trust boundary. Every line is decoded by msgspec straight into that schema
(an unknown field, a wrong type, a word outside a vocabulary refuses it, naming the stream, the
line, the record and the field); a declared JSON field must also convert to its declared type
and the row must build the record; then the row goes to a *sink* (the store of the case being
made: `forensics.store.record_tables` for SQLite, `forensics.store.server_records` for a
server, which sends rows in batches and names a batch's refusals at each `flush`), which
reports a key seen twice and, at the end, references that do not resolve. Lines are read one
at a time with a length cap, the record count is capped overall and checked per stream against
the manifest, and the cancel token is checked as lines go: memory stays bounded by one line
(a server's batch: 1,000 rows) and Ctrl-C stops any stream.

This module speaks no SQL and knows no engine: a source gives table shapes and rows, a sink
takes them.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import msgspec

from forensics.jobs import CancelToken
from forensics.records.core import CASE
from forensics.records.declare import RecordType
from forensics.records.registry import RECORD_TYPES
from forensics.records.row_schema import (
    SHA256_PATTERN,
    UUID_PATTERN,
    TableShape,
    stream_struct,
)
from forensics.store.custody import HEAD_KEY

CUSTODY_TABLE = "custody"
CUSTODY_STREAM = "custody.jsonl"
STREAM_DIR = "records"
MAX_REASONS = 20

DEFAULT_MAX_RECORDS = 50_000_000
"""Most records (lines, custody entries included) an archive may carry."""
DEFAULT_MAX_LINE_BYTES = 128 << 20
"""Longest line: one record, whose text values may hold up to 16 Mi characters each."""
DEFAULT_MAX_STREAM_BYTES = 64 << 30
"""Most bytes the record streams together may hold."""


CASE_FACTS = frozenset({*(f.name for f in CASE.fields), HEAD_KEY})
"""The `case_info` keys a case's records carry: its declared facts and the custody head. Any
other key says where one copy keeps things (a server case's evidence folder) and never
travels: a received one could point our case at a folder of the sender's choosing."""


def travels(shape: TableShape, row: dict[str, Any]) -> bool:
    """Whether a row belongs in an archive (every row but local `case_info` keys)."""
    return shape.name != CASE.table or row.get("key") in CASE_FACTS


def stream_name(table: str) -> str:
    """The archive member that carries a table's records."""
    return CUSTODY_STREAM if table == CUSTODY_TABLE else f"{STREAM_DIR}/{table}.jsonl"


class RecordSink(Protocol):
    """Where validated rows go: the store of the case being made."""

    def tables(self) -> list[TableShape]:
        """Our tables, as our own migrations made them."""
        ...

    def insert(self, shape: TableShape, row: dict[str, Any], where: str) -> str | None:
        """Store one row (`where`: its stream and line); None, or why it was refused (e.g.
        its key appears twice). A sink that sends rows in batches answers None and gives the
        refusals of a batch from `flush`."""
        ...

    def flush(self) -> list[tuple[str, str]]:
        """Store the rows still held back; `(where, why)` for each one refused."""
        ...

    def dangling(self, limit: int = MAX_REASONS) -> list[tuple[str, str, str]]:
        """References that do not resolve once every row is in: (table, record key, table
        referred to)."""
        ...


@dataclass(frozen=True)
class StreamLimits:
    """Bounds on reading record streams."""

    max_records: int = DEFAULT_MAX_RECORDS
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES


class StreamRefused(Exception):
    """The record streams are not ones we read; `reasons` names stream, record and field."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def write_streams(
    tables: Iterable[TableShape],
    rows: Callable[[TableShape], Iterable[dict[str, Any]]],
    folder: Path,
    cancel: CancelToken | None = None,
) -> dict[str, int]:
    """Write one JSON-lines stream per table into `folder`.

    Args:
        tables: the tables to write, from the case being packed.
        rows: the rows of one table, column -> value, in a stable order.
        folder: where `custody.jsonl` and `records/` are made.
        cancel: checked between rows.

    Returns:
        table -> how many records its stream holds (the manifest lists these).
    """
    cancel = cancel or CancelToken()
    encoder = msgspec.json.Encoder(order="sorted")
    counts: dict[str, int] = {}
    for shape in tables:
        path = folder / stream_name(shape.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        count = 0
        with open(path, "wb") as fh:
            for row in rows(shape):
                if count % 1000 == 0:
                    cancel.raise_if_cancelled()
                if not travels(shape, row):
                    continue
                fh.write(encoder.encode(row))
                fh.write(b"\n")
                count += 1
        counts[shape.name] = count
    return counts


def _declared() -> dict[str, RecordType[Any]]:
    return {t.table: t for t in RECORD_TYPES if t.stored}


@cache
def _json_decoders(
    record_type: RecordType[Any],
) -> tuple[tuple[str, msgspec.json.Decoder[Any] | None], ...]:
    """Per JSON field: a decoder into its declared type (tuples as their declared tuples,
    nested records as their dataclasses), or None where msgspec cannot express the type."""
    hints = typing.get_type_hints(record_type.cls)
    out: list[tuple[str, msgspec.json.Decoder[Any] | None]] = []
    for spec in record_type.fields:
        if not spec.json:
            continue
        hint = hints[spec.name]
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if spec.nullable and len(args) == 1:
            hint = args[0]
        try:
            out.append((spec.column, msgspec.json.Decoder(hint)))
        except TypeError:
            out.append((spec.column, None))
    return tuple(out)


def _declared_problem(record_type: RecordType[Any], row: dict[str, Any]) -> str | None:
    """Why a row of a declared type is not a record of it beyond its column types: a JSON
    field that is not JSON or not of its declared type, or (where a type is beyond msgspec) a
    row that does not build the record."""
    build = False
    for column, decoder in _json_decoders(record_type):
        value = row.get(column)
        if value is None:
            continue
        if decoder is None:
            build = True
            continue
        try:
            decoder.decode(value)
        except msgspec.ValidationError as exc:
            return f"field {column!r}: {_lower(str(exc))}"
        except msgspec.DecodeError:
            return f"field {column!r} does not hold JSON"
    if build:
        try:
            record_type.from_row(row)
        except (TypeError, ValueError, KeyError) as exc:
            return f"does not make a {record_type.subject} record ({exc})"
    return None


def _lower(message: str) -> str:
    return message[:1].lower() + message[1:]


_PATTERNS = {
    SHA256_PATTERN: "is not a sha256 (64 lowercase hex digits)",
    UUID_PATTERN: "is not a UUID (lowercase, hyphenated)",
}


def field_named(problem: str) -> str:
    """msgspec's "Expected `str`, got `int` - at `$.name`" as "field 'name': expected ...",
    and a digest or id that does not match its pattern said so in words."""
    message, sep, where = problem.rpartition(" - at `$.")
    if not sep:
        return _lower(problem)
    field = where.rstrip("`").split(".", 1)[0].split("[", 1)[0]
    for pattern, words in _PATTERNS.items():
        if pattern in message:
            return f"field {field!r} {words}"
    return f"field {field!r}: {_lower(message)}"


def _key_text(line: bytes, shape: TableShape) -> str:
    """The key a rejected line claims, for naming it (never trusted beyond that)."""
    try:
        doc = msgspec.json.decode(line)
    except msgspec.DecodeError:
        return "?"
    if not isinstance(doc, dict):
        return "?"
    return "/".join(str(doc.get(k, "?"))[:80] for k in shape.key)


class _Reader:
    """Reads every stream of one archive into a sink, collecting reasons."""

    def __init__(self, sink: RecordSink, limits: StreamLimits, cancel: CancelToken) -> None:
        self.sink = sink
        self.limits = limits
        self.cancel = cancel
        self.reasons: list[str] = []
        self.total = 0

    def add(self, reason: str) -> None:
        self.reasons.append(reason)
        if len(self.reasons) >= MAX_REASONS:
            raise StreamRefused(self.reasons)

    def read(self, path: Path, shape: TableShape, record_type: RecordType[Any] | None) -> int:
        """Read one stream; returns how many lines it held."""
        name = stream_name(shape.name)
        decoder = msgspec.json.Decoder(stream_struct(shape, record_type))
        lines = 0
        with open(path, "rb") as fh:
            while line := fh.readline(self.limits.max_line_bytes + 1):
                lines += 1
                self.total += 1
                if lines % 512 == 0:
                    self.cancel.raise_if_cancelled()
                if self.total > self.limits.max_records:
                    self.add(f"the archive holds more than {self.limits.max_records} records")
                    raise StreamRefused(self.reasons)
                if len(line) > self.limits.max_line_bytes:
                    self.add(
                        f"{name} line {lines} is longer than {self.limits.max_line_bytes} bytes"
                    )
                    return lines
                self._one(name, lines, line, shape, record_type, decoder)
        self.flush()
        return lines

    def flush(self) -> None:
        """The refusals of the rows a batching sink held back (named by stream and line)."""
        for where, problem in self.sink.flush():
            self.add(f"{where} {problem}")

    def _one(
        self,
        name: str,
        lineno: int,
        line: bytes,
        shape: TableShape,
        record_type: RecordType[Any] | None,
        decoder: msgspec.json.Decoder[Any],
    ) -> None:
        where = f"{name} line {lineno}"
        try:
            obj = decoder.decode(line)
        except msgspec.ValidationError as exc:
            key = _key_text(line, shape)
            self.add(f"{where}: record {shape.name} {key!r}: {field_named(str(exc))}")
            return
        except msgspec.DecodeError as exc:
            self.add(f"{where} is not one JSON record ({_lower(str(exc))})")
            return
        row = msgspec.structs.asdict(obj)
        key = "/".join(str(row[k]) for k in shape.key)
        problem = _declared_problem(record_type, row) if record_type is not None else None
        if problem is None and not travels(shape, row):
            problem = "is not a case fact an archive may carry"
        if problem is None:
            problem = self.sink.insert(shape, row, f"{where}: record {shape.name} {key!r}")
        if problem is not None:
            self.add(f"{where}: record {shape.name} {key!r} {problem}")


def read_streams(
    folder: Path,
    counts: dict[str, int],
    sink: RecordSink,
    *,
    limits: StreamLimits | None = None,
    cancel: CancelToken | None = None,
) -> int:
    """Validate the streams in `folder` and insert their records into `sink`.

    Args:
        folder: where the archive's `custody.jsonl` and `records/` were extracted (their
            hashes already checked against the manifest).
        counts: table -> records, as the manifest lists them.
        sink: the store of the new case (inside its transaction).
        limits: bounds on lines and records.
        cancel: checked as lines go.

    Returns:
        How many records were inserted.

    Raises:
        StreamRefused: with every reason found (at most 20), naming stream, record and field.
        CancelledError: `cancel` was set.
    """
    limits = limits or StreamLimits()
    reader = _Reader(sink, limits, cancel or CancelToken())
    ours = {shape.name: shape for shape in sink.tables()}
    for table in sorted(set(counts) - set(ours)):
        reader.add(f"{stream_name(table)}: this version has no table {table!r} for its records")
    if sum(counts.values()) > limits.max_records:
        reader.add(f"the archive lists more than {limits.max_records} records")
    if reader.reasons:
        raise StreamRefused(reader.reasons)
    declared = _declared()
    for shape in ours.values():
        path = folder / stream_name(shape.name)
        listed = counts.get(shape.name)
        if listed is None:
            continue  # a table the sender's version did not have
        found = reader.read(path, shape, declared.get(shape.name)) if path.is_file() else 0
        if found != listed:
            reader.add(
                f"{stream_name(shape.name)} holds {found} records; the manifest lists {listed}"
            )
    if not reader.reasons:
        for table, key, parent in sink.dangling():
            reader.add(
                f"{stream_name(table)}: record {table} {key!r} refers to a {parent} record "
                "that is not there"
            )
    if reader.reasons:
        raise StreamRefused(reader.reasons)
    return reader.total
