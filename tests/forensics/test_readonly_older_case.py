"""A read-only open of a case made by an older version reads it through a migrated copy.

A read-only open must not migrate the case (it is evidence, maybe on write-blocked media), yet
the code reads the current schema: before, `pwb items` and `pwb show` died with an IndexError
on such a case.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.records.core import ItemKind
from forensics.store import db as store_db
from forensics.store import migrations
from forensics.store.db import applied_versions


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def older_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A case database at the first version of every schema component, with one item.

    Today's code cannot write that layout (it writes today's tables), so the facts and the item
    go in as the first version stored them.
    """
    first = {c: ms[:1] for c, ms in migrations.components().items()}
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "evidence").mkdir()
    db_file = folder / "case.db"
    with monkeypatch.context() as m:
        m.setattr(store_db, "components", lambda: first)
        db = store_db.connect(db_file)
        store_db.migrate(db, db_file)
        db.close()
    conn = sqlite3.connect(db_file)
    try:
        facts = {
            "case_id": str(uuid.uuid4()),
            "title": "Made earlier",
            "examiner": "A. Analyst",
            "created_at": "2025-05-01T10:00:00.000000Z",
            "created_with": "provenance-workbench 0.1.0",
        }
        conn.executemany("INSERT INTO case_info (key, value) VALUES (?, ?)", facts.items())
        row = {
            "id": str(uuid.uuid4()),
            "kind": ItemKind.HARDWARE.value,
            "name": "Gerbera drone",
            "created_at": "2025-05-01T10:00:00.000000Z",
            "created_by": "A. Analyst",
        }
        conn.execute(
            f"INSERT INTO items ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
        conn.commit()
    finally:
        conn.close()
    return folder


def test_reading_an_older_case_leaves_it_as_it_was(older_case: Path) -> None:
    db_file = older_case / "case.db"
    before = _digest(db_file)
    case = Case.open(older_case, readonly=True)
    try:
        assert [i.name for i in case.items.search("")] == ["Gerbera drone"]
        copy = case.db.private_copy
        assert copy is not None
        assert copy.is_dir()
    finally:
        case.close()
    assert not copy.exists(), "the migrated copy is removed on close"
    assert _digest(db_file) == before
    with Case.open(older_case, readonly=True) as again:
        pass
    conn = store_db.connect(db_file, readonly=True)
    try:
        assert all(v == 1 for v in applied_versions(conn).values())
    finally:
        conn.close()
    assert again.readonly


def test_pwb_items_lists_an_older_case(older_case: Path) -> None:
    exe = Path(sys.executable).with_name("pwb")
    out = subprocess.run(
        [str(exe), "items", str(older_case)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "Gerbera drone" in out.stdout
    assert "Traceback" not in out.stderr
