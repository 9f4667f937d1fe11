"""The record declarations and the migrated schema agree, column by column.

The migrations stay the schema's source of truth (a case's history is never rewritten); the
declarations say what each record holds. This test is what keeps the two from drifting: every
declared field is a column of its table with the declared SQL type, NOT NULL exactly when the
field cannot be None, and the declared key is the table's primary key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from forensics.case import Case
from forensics.records.declare import RecordType
from forensics.records.registry import BY_SUBJECT, LOGGED, RECORD_TYPES
from forensics.store.subjects import COMPOSITE, FETCHERS

STORED = [t for t in RECORD_TYPES if t.stored]


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    root: Path = tmp_path_factory.mktemp("schema") / "case"
    with Case.create(root, title="schema") as case:
        out: dict[str, dict[str, Any]] = {}
        for table in case.db.table_names():
            rows = case.db.query(f"PRAGMA table_info({table!r})")
            out[table] = {r["name"]: r for r in rows}
        return out


@pytest.mark.parametrize("record_type", STORED, ids=lambda t: t.subject)
def test_every_declared_field_is_a_column_of_that_type(
    record_type: RecordType[Any], schema: dict[str, dict[str, Any]]
) -> None:
    assert record_type.table in schema, f"no table {record_type.table}"
    columns = schema[record_type.table]
    for field in record_type.fields:
        assert field.column in columns, f"{record_type.table} has no column {field.column}"
        column = columns[field.column]
        assert column["type"] == field.sql, f"{record_type.table}.{field.column}"
        required = bool(column["notnull"]) or bool(column["pk"])
        assert required == (not field.nullable), f"{record_type.table}.{field.column} nullability"


@pytest.mark.parametrize("record_type", STORED, ids=lambda t: t.subject)
def test_the_declared_key_is_the_primary_key(
    record_type: RecordType[Any], schema: dict[str, dict[str, Any]]
) -> None:
    keys = [name for name, c in schema[record_type.table].items() if c["pk"]]
    assert keys == [record_type.key_column]


def test_the_case_facts_live_in_a_key_value_table(schema: dict[str, dict[str, Any]]) -> None:
    assert set(schema[BY_SUBJECT["case"].table]) == {"key", "value"}


def test_verify_reads_every_logged_record_type() -> None:
    assert set(FETCHERS) == {t.subject for t in LOGGED}
    composite = {t.subject for t in LOGGED if t.composite or not t.stored}
    assert set(COMPOSITE) == composite
