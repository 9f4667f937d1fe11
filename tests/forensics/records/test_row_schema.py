"""The msgspec row schema derived from the record declarations refuses what they do not allow."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from forensics.records.core import ITEM
from forensics.records.declare import RecordType
from forensics.records.row_schema import row_problem


class Colour(enum.StrEnum):
    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True)
class Swatch:
    id: str
    colour: Colour
    sha256: str
    opaque: bool
    note: str | None = None


SWATCH = RecordType(Swatch, subject="swatch", table="swatches")
GOOD = {"id": str(uuid.uuid4()), "colour": "red", "sha256": "a" * 64, "opaque": 1, "note": None}


def test_a_declared_row_passes():
    assert row_problem(SWATCH, GOOD) is None


def test_each_violation_names_its_field():
    cases = {
        "colour": ("green", "$.colour"),
        "sha256": ("../../x", "$.sha256"),
        "id": ("not-a-uuid", "$.id"),
        "opaque": (2, "$.opaque"),
        "note": (b"\x00", "$.note"),
    }
    for column, (value, where) in cases.items():
        problem = row_problem(SWATCH, {**GOOD, column: value})
        assert problem is not None, column
        assert where in problem


def test_an_item_row_from_our_own_case_passes(case):
    item = case.add_item(kind="hardware", name="drone")
    row = case.db.conn.execute("SELECT * FROM items WHERE id = ?", (item.id,)).fetchone()
    declared = {f.column: row[f.column] for f in ITEM.fields}
    assert row_problem(ITEM, declared) is None
