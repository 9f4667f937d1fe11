"""The generic row writer every repository and the exchange code share."""

from __future__ import annotations

import pytest

from forensics.case import Case
from forensics.errors import NotFoundError
from forensics.store.rows import insert_row, quote, set_columns, update_row


def _scratch(case: Case) -> None:
    # An odd column name proves names are quoted, not pasted into the SQL.
    case.db.conn.execute('CREATE TABLE scratch (id TEXT PRIMARY KEY, "note text" TEXT, n INT)')


def test_insert_then_overwrite_a_row_by_id(case: Case) -> None:
    _scratch(case)
    with case.transaction():
        insert_row(case.db, "scratch", {"id": "a", "note text": "first", "n": 1})
        update_row(case.db, "scratch", {"id": "a", "note text": "second", "n": 2})
    row = case.db.conn.execute('SELECT id, "note text", n FROM scratch').fetchone()
    assert tuple(row) == ("a", "second", 2)


def test_overwriting_a_missing_row_says_so(case: Case) -> None:
    _scratch(case)
    with pytest.raises(NotFoundError, match="no scratch row with id b"):
        update_row(case.db, "scratch", {"id": "b", "n": 1})
    with pytest.raises(NotFoundError, match=r"^no thing b$"):
        update_row(case.db, "scratch", {"id": "b", "n": 1}, missing="no thing b")


def test_set_columns_by_rowid_and_nothing_to_set(case: Case) -> None:
    _scratch(case)
    with case.transaction():
        insert_row(case.db, "scratch", {"id": "a", "note text": "x", "n": 1})
        rowid = case.db.conn.execute("SELECT rowid FROM scratch").fetchone()[0]
        assert set_columns(case.db, "scratch", "rowid", rowid, {"n": 5}) == 1
        assert set_columns(case.db, "scratch", "id", "a", {}) == 0
    assert case.db.conn.execute("SELECT n FROM scratch").fetchone()[0] == 5
    assert quote('a"b') == '"a""b"'
