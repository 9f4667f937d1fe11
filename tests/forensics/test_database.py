"""The store's database handle: rows as dicts (duplicate names made unique), recursive
triggers, table names; neither opening a case nor reading its tables' shapes loads sqlite-utils
or pandas."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.store.database import Database, unique_keys
from forensics.store.db import connect

REPO = Path(__file__).resolve().parents[2]


def test_duplicate_column_names_are_made_unique_without_collisions() -> None:
    assert unique_keys(["id", "name"]) == ["id", "name"]
    assert unique_keys(["id", "id", "id_2", "id"]) == ["id", "id_3", "id_2", "id_4"]


def test_query_gives_dicts_and_refuses_statements_without_rows(tmp_path: Path) -> None:
    db = connect(tmp_path / "t.db")
    db.conn.execute("CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT)")
    db.conn.execute("CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER)")
    db.conn.executemany("INSERT INTO a VALUES (?, ?)", [(1, "x"), (2, "y")])
    db.conn.execute("INSERT INTO b VALUES (10, 1)")
    rows = db.query("SELECT * FROM a JOIN b ON b.a_id = a.id WHERE a.name = ?", ["x"])
    assert list(rows) == [{"id": 1, "name": "x", "id_2": 10, "a_id": 1}]
    assert [r["name"] for r in db.query("SELECT name FROM a ORDER BY id")] == ["x", "y"]
    assert next(db.query("SELECT :n AS n", {"n": 5})) == {"n": 5}
    with pytest.raises(ValueError, match="return rows"):
        db.query("DELETE FROM b")
    assert set(db.table_names()) == {"a", "b"}
    db.close()


def test_recursive_triggers_are_on_so_replaced_rows_fire_delete_triggers(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "t.db", isolation_level=None)
    db = Database(conn)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    conn.execute("CREATE TABLE gone (id INTEGER)")
    conn.execute(
        "CREATE TRIGGER t_del AFTER DELETE ON t BEGIN INSERT INTO gone VALUES (old.id); END"
    )
    conn.execute("INSERT INTO t VALUES (1, 'a')")
    conn.execute("INSERT OR REPLACE INTO t VALUES (1, 'b')")
    assert list(db.query("SELECT id FROM gone")) == [{"id": 1}]
    db.close()


def test_opening_a_case_and_reading_its_tables_loads_no_sqlite_utils(
    case: Case,
) -> None:
    root = case.root
    case.close()
    probe = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from app.features import install\n"
        "from forensics.case import Case\n"
        "from forensics.store import exchange\n"
        "install()\n"
        "heavy = ('sqlite_utils', 'numpy', 'pandas')\n"
        f"with Case.open(Path({str(root)!r})) as c:\n"
        "    n = len(c.items.all_ids())\n"
        "    before = [m for m in heavy if m in sys.modules]\n"
        "    tables = exchange.data_tables(c.db)\n"
        "    cols = exchange.columns(c.db, 'items')\n"
        "    keyed = exchange.has_uuid_id(c.db, 'items')\n"
        "after = [m for m in heavy if m in sys.modules]\n"
        "print(json.dumps([n, before, after, tables, cols, keyed]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    count, before, after, tables, cols, keyed = json.loads(done.stdout.strip().splitlines()[-1])
    assert count == 0
    assert before == []
    # Only reading the tables' shapes (store/schema_info.py, what pack and merge do) loads it.
    assert "sqlite_utils" in after
    assert "pandas" not in after
    assert "items" in tables
    assert not any(t.startswith(("items_fts", "sqlite_")) for t in tables)
    assert not {"custody", "case_info", "schema_version"} & set(tables)
    assert cols[:3] == ["id", "kind", "name"]
    assert {"sha256", "md5", "created_at"} <= set(cols)
    assert keyed is True
