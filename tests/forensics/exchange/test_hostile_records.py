"""A format-1 archive's case.db is data, never code (issue 14): each crafted database is
refused by name.

Format 2 carries no database (`test_hostile_streams.py`); format 1 archives are still read,
through the read-only path these tests attack. Each archive below is a consistent forgery (the
manifest re-hashed), so only the records checks stand between it and our case: their SQL must
never run, and nothing may be left.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.errors import ArchiveError
from forensics.exchange.merge import merge_archive
from forensics.exchange.pack import pack_case
from tests.forensics.exchange.helpers import UNSIGNED, fill, legacy_archive, members, rebuild
from tests.forensics.exchange.test_hostile import refused


@pytest.fixture
def packed(case: Case, corpus: Path, tmp_path: Path) -> Path:
    fill(case, corpus)
    (tmp_path / "in").mkdir()
    return pack_case(case, tmp_path / "in" / "good.pwbcase").archive


@pytest.fixture
def good(case: Case, packed: Path, tmp_path: Path) -> Path:
    """A sound format-1 archive of `case`."""
    return legacy_archive(packed, case, tmp_path / "in" / "good-format-1.pwbcase")


def crafted(good: Path, tmp_path: Path, edit: Callable[[sqlite3.Connection], None]) -> Path:
    """`good` with its case.db edited by `edit`, the manifest re-hashed to match."""
    db_path = tmp_path / "crafted.db"
    db_path.write_bytes(members(good)["case.db"])
    with closing(sqlite3.connect(db_path, isolation_level=None)) as conn:
        edit(conn)
    return rebuild(
        good, tmp_path / "crafted.pwbcase", replace={"case.db": db_path.read_bytes()}, rehash=True
    )


def _sql(*statements: str) -> Callable[[sqlite3.Connection], None]:
    def edit(conn: sqlite3.Connection) -> None:
        for statement in statements:
            conn.execute(statement)

    return edit


def _corrupt_index(conn: sqlite3.Connection) -> None:
    """Flip the row id at the end of an index page: the index no longer matches its table,
    which `quick_check` does not look at."""
    root = conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name = 'items' LIMIT 1"
    ).fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    path = Path(conn.execute("PRAGMA database_list").fetchone()[2])
    data = bytearray(path.read_bytes())
    data[root * page_size - 1] ^= 0x55
    path.write_bytes(bytes(data))


CASES = {
    "trigger rewriting the next ingested item": (
        _sql(
            "CREATE TRIGGER evil_rewrite AFTER INSERT ON items BEGIN "
            "UPDATE items SET name = 'pwned' WHERE id = new.id; END"
        ),
        "trigger 'evil_rewrite' is not in our schema",
    ),
    "recursive view": (
        _sql(
            "CREATE VIEW forever AS WITH RECURSIVE c(x) AS "
            "(SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c"
        ),
        "view 'forever' is not in our schema",
    ),
    "doubling trigger": (
        _sql(
            "CREATE TRIGGER doubling AFTER INSERT ON case_info BEGIN "
            "INSERT INTO case_info SELECT key || 'x', value || value FROM case_info; END"
        ),
        "trigger 'doubling' is not in our schema",
    ),
    "zeroblob generated column": (
        _sql(
            "ALTER TABLE items ADD COLUMN pad BLOB "
            "GENERATED ALWAYS AS (zeroblob(1000000000)) VIRTUAL"
        ),
        "table 'items' differs from ours",
    ),
    "older schema_version": (
        _sql("UPDATE schema_version SET version = version - 1 WHERE component = 'core'"),
        "'core' schema is version",
    ),
    "extra index": (
        _sql("CREATE INDEX sneaky ON items (name)"),
        "index 'sneaky' is not in our schema",
    ),
    "corrupt index": (_corrupt_index, "case.db is damaged"),
    "id that is not a UUID": (
        _sql("PRAGMA foreign_keys = OFF", "UPDATE items SET id = '../x' WHERE kind = 'hardware'"),
        "field 'id': expected `str` matching regex",
    ),
    "bytes where text is declared": (
        _sql("UPDATE items SET name = x'00ff' WHERE kind = 'hardware'"),
        "field 'name' holds a bytes, declared TEXT",
    ),
    "path in a sha256 field": (
        _sql("UPDATE items SET sha256 = '../../../x' WHERE sha256 IS NOT NULL"),
        "field 'sha256' is not a sha256",
    ),
}


@pytest.mark.parametrize("attack", sorted(CASES))
def test_crafted_database_is_refused_and_nothing_is_left(attack, good, tmp_path):
    edit, expected = CASES[attack]
    bad = crafted(good, tmp_path, edit)
    reasons = "\n".join(refused(bad, tmp_path / "out" / "dest"))
    assert expected in reasons


def test_merge_refuses_a_trigger_and_our_case_is_unchanged(case, good, tmp_path):
    bad = crafted(good, tmp_path, CASES["trigger rewriting the next ingested item"][0])
    head = case.custody.head()
    names = sorted(i.name for i in case.items.content_items())
    with pytest.raises(ArchiveError) as info:
        merge_archive(case, bad, actor="A", limits=UNSIGNED)
    assert "trigger 'evil_rewrite'" in "\n".join(info.value.reasons)
    assert case.custody.head() == head
    assert sorted(i.name for i in case.items.content_items()) == names
    triggers = case.db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    assert "evil_rewrite" not in {r[0] for r in triggers}


@pytest.mark.parametrize("fmt", ["format 1", "format 2"])
def test_unpacked_schema_is_exactly_ours(fmt, case, good, packed, tmp_path):
    from forensics.exchange.unpack import unpack_archive
    from forensics.store.received import schema
    from forensics.verify import verify_case

    archive = good if fmt == "format 1" else packed
    with Case.open(unpack_archive(archive, tmp_path / "dest", limits=UNSIGNED).dest) as theirs:
        assert schema(theirs.db) == schema(case.db)
        assert sorted(theirs.items.all_ids()) == sorted(case.items.all_ids())
        assert verify_case(theirs).ok
    left = {p.name for p in (tmp_path / "dest").iterdir()}
    assert not left & {"received-case.db", "records", "custody.jsonl"}


def _with_derived(good: Path, dst: Path, files: dict[str, bytes]) -> Path:
    """`good` plus derived members (content-addressed, listed in the manifest)."""
    import hashlib
    import json
    import zipfile

    content = members(good)
    manifest = json.loads(content["manifest.json"])
    for data in files.values():
        sha = hashlib.sha256(data).hexdigest()
        name = f"derived/{sha[:2]}/{sha[2:4]}/{sha}.png"
        content[name] = data
        manifest["members"].append(
            {"name": name, "role": "derived", "sha256": sha, "size": len(data)}
        )
    content["manifest.json"] = json.dumps(manifest, indent=1).encode()
    with zipfile.ZipFile(dst, "w") as zf:
        for name, data in content.items():
            zf.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return dst


def test_derived_files_no_record_refers_to_are_refused(packed, tmp_path):
    planted = {str(n): b"planted %d " % n * 50 for n in range(40)}
    bad = _with_derived(packed, tmp_path / "planted.pwbcase", planted)
    reasons = "\n".join(refused(bad, tmp_path / "out" / "dest"))
    assert "is in the archive but no record refers to it" in reasons
    assert "and 20 more unreferenced derived files" in reasons


def test_many_small_members_cannot_add_up_to_a_bomb(packed, tmp_path):
    # Each member is under the per-member grace (1 MiB); together they inflate past 100:1.
    small = {str(n): bytes([n]) * (900 << 10) for n in range(80)}
    bad = _with_derived(packed, tmp_path / "small-bombs.pwbcase", small)
    reasons = "\n".join(refused(bad, tmp_path / "out" / "dest"))
    assert "members together inflate more than" in reasons


def test_member_count_limit(packed, tmp_path):
    from forensics.exchange.archive_checks import Limits

    reasons = "\n".join(
        refused(packed, tmp_path / "out" / "dest", Limits(max_members=3, accept_unsigned=True))
    )
    assert "over the limit of 3" in reasons
