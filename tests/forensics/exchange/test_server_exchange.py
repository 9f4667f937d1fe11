"""An archive unpacked into a server case, and merged into one, gives what a folder case gets.

Unpacking into a server goes through the same checks as into a folder and inserts through
the server's record sink, in one transaction: a refused or cancelled unpack leaves the database
as empty as it was and no folder behind. A merge into a server case gives the same records,
the same conflicts and the same custody entries as the same merge into the folder case it was
copied from.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from forensics.case import Case
from forensics.errors import ArchiveError, CancelledError, CaseError, ValidationError
from forensics.exchange.copy_case import copy_case
from forensics.exchange.merge import merge_archive
from forensics.exchange.unpack import unpack_archive
from forensics.exchange.unpack_server import unpack_to_server
from forensics.jobs import CancelToken
from forensics.store.db import connect_server
from forensics.store.location import ServerLocation, parse_location
from forensics.verify import verify_case
from tests.forensics.exchange.deletions import diverge, make_shared
from tests.forensics.exchange.engines import merged_records, records
from tests.forensics.exchange.helpers import UNSIGNED, edit_stream, members, rebuild
from tests.forensics.exchange.test_hostile import refused
from tests.forensics.exchange.test_hostile_streams import CASES
from tests.forensics.exchange.test_hostile_streams import good as good  # the fixture
from tests.pg_server import PgServer


@pytest.fixture
def server_url(pg_server: PgServer):  # type: ignore[no-untyped-def]
    url = pg_server.new_database()
    yield url
    pg_server.drop_database(url)


def _tables(url: str) -> list[str]:
    """The tables of a server database (none: as empty as before)."""
    where = parse_location(url)
    assert isinstance(where, ServerLocation)
    database = connect_server(where)
    try:
        return database.table_names()
    finally:
        database.close()


def test_an_archive_unpacks_into_a_server_as_into_a_folder(
    case: Case, corpus: Path, tmp_path: Path, server_url: str, pg_server: PgServer
) -> None:
    shared = make_shared(case, corpus, tmp_path)
    folder = unpack_archive(shared.theirs, tmp_path / "folder", limits=UNSIGNED)
    served = unpack_to_server(
        shared.theirs, server_url, tmp_path / "share" / "evidence", limits=UNSIGNED, actor="C"
    )
    assert served.evidence == (tmp_path / "share" / "evidence").absolute()
    assert served.to_json()["dest"] == server_url
    assert [p.name for p in (tmp_path / "share").iterdir()] == ["evidence"]
    with Case.open(folder.dest) as a, Case.open(server_url) as b:
        assert b.root == served.evidence
        mine, theirs = records(a.db), records(b.db)
        # Everything the archive carried, row for row; then each logs its own arrival.
        assert mine["custody"][:-1] == theirs["custody"][:-1]
        assert [e["action"] for e in (mine["custody"][-1], theirs["custody"][-1])] == [
            "transferred",
            "transferred",
        ]
        for table in set(mine) - {"custody", "case_info"}:
            assert mine[table] == theirs[table], table
        facts = [
            {r["key"]: r["value"] for r in found["case_info"] if r["key"] != "custody_head"}
            for found in (mine, theirs)
        ]
        # The same case facts; the server's also name its evidence folder, a local fact.
        assert facts[1].pop("evidence_store") == str(served.evidence)
        assert facts[0] == facts[1]
        assert sorted(n for n, _ in a.evidence.stored_hashes()) == sorted(
            n for n, _ in b.evidence.stored_hashes()
        )
        assert sorted(p.name for p in a.evidence.derived_files()) == sorted(
            p.name for p in b.evidence.derived_files()
        )
        arrival = [e for e in b.custody.entries() if e.action == "transferred"][-1]
        assert arrival.details["received"] == "theirs.pwbcase"
        assert arrival.actor == "C"
        assert verify_case(b).ok


def test_a_refused_archive_leaves_the_database_empty_and_no_folder(
    case: Case, corpus: Path, tmp_path: Path, server_url: str, pg_server: PgServer
) -> None:
    shared = make_shared(case, corpus, tmp_path)
    original = members(shared.base)["records/items.jsonl"]
    doctored = original.replace(b'"kind":"hardware"', b'"kind":"spaceship"', 1)
    assert doctored != original
    bad = rebuild(
        shared.base,
        tmp_path / "bad.pwbcase",
        replace={"records/items.jsonl": doctored},
        rehash=True,
    )
    share = tmp_path / "share"
    with pytest.raises(ArchiveError) as info:
        unpack_to_server(bad, server_url, share / "evidence", limits=UNSIGNED)
    assert any("items.jsonl" in r and "kind" in r for r in info.value.reasons)
    assert _tables(server_url) == []
    assert list(share.iterdir()) == []


def test_a_record_the_server_refuses_is_named_and_nothing_is_written(
    case: Case, corpus: Path, tmp_path: Path, server_url: str, pg_server: PgServer
) -> None:
    shared = make_shared(case, corpus, tmp_path)
    lines = members(shared.base)["records/items.jsonl"].splitlines(keepends=True)
    twice = b"".join([*lines, lines[0]])
    bad = rebuild(
        shared.base,
        tmp_path / "twice.pwbcase",
        replace={"records/items.jsonl": twice},
        edit_manifest=lambda m: m["records"].update(items=m["records"]["items"] + 1),
        rehash=True,
    )
    with pytest.raises(ArchiveError) as info:
        unpack_to_server(bad, server_url, tmp_path / "evidence", limits=UNSIGNED)
    # Named by stream and line, as a folder unpack names it (the rows went in a batch).
    assert any(
        f"records/items.jsonl line {len(lines) + 1}: record items" in r and "appears twice" in r
        for r in info.value.reasons
    ), info.value.reasons
    assert _tables(server_url) == []
    assert not (tmp_path / "evidence").exists()


def test_cancelled_in_any_stage_the_server_case_is_never_made(
    case: Case, corpus: Path, tmp_path: Path, server_url: str, pg_server: PgServer
) -> None:
    shared = make_shared(case, corpus, tmp_path)
    token = CancelToken()
    seen: list[str] = []

    def progress(done: int, total: int, what: str) -> None:
        seen.append(what)
        if what.startswith("records/"):
            token.cancel()

    with pytest.raises(CancelledError):
        unpack_to_server(
            shared.base,
            server_url,
            tmp_path / "share" / "evidence",
            limits=UNSIGNED,
            progress=progress,
            cancel=token,
        )
    assert seen
    assert _tables(server_url) == []
    assert list((tmp_path / "share").iterdir()) == []


def test_only_an_empty_database_and_a_new_evidence_folder_are_taken(
    case: Case, corpus: Path, tmp_path: Path, server_url: str
) -> None:
    shared = make_shared(case, corpus, tmp_path)
    used = tmp_path / "used"
    used.mkdir()
    (used / "someone's file").write_text("keep me")
    with pytest.raises(ValidationError, match="not an empty folder"):
        unpack_to_server(shared.base, server_url, used, limits=UNSIGNED)
    unpack_to_server(shared.base, server_url, tmp_path / "evidence", limits=UNSIGNED)
    with pytest.raises(CaseError, match="not empty"):
        unpack_to_server(shared.base, server_url, tmp_path / "evidence-2", limits=UNSIGNED)
    assert not (tmp_path / "evidence-2").exists()
    with Case.open(server_url) as served:
        assert verify_case(served).ok
    assert (used / "someone's file").read_text() == "keep me"


def test_a_merge_gives_the_same_records_and_conflicts_on_both_engines(
    case: Case, corpus: Path, tmp_path: Path, server_url: str
) -> None:
    shared = make_shared(case, corpus, tmp_path)
    ours = unpack_archive(shared.base, tmp_path / "ours", limits=UNSIGNED).dest
    with Case.open(ours) as folder_case:
        diverge(folder_case, shared)
    copy_case(ours, server_url, evidence=tmp_path / "share")
    results = []
    for where in (ours, server_url):
        with Case.open(where) as target:
            result = merge_archive(target, shared.theirs, actor="A", limits=UNSIGNED)
            results.append(result.to_json())
            assert verify_case(target).ok
    folder_json, server_json = ({k: v for k, v in r.items() if k != "merge_id"} for r in results)
    for c in folder_json["conflicts"] + server_json["conflicts"]:
        c.pop("id")
    assert folder_json == server_json
    assert folder_json["conflicts"]  # the scenario holds conflicts and carried deletions
    assert folder_json["deleted"]
    with Case.open(ours) as a, Case.open(server_url) as b:
        mine, theirs = merged_records(a.db), merged_records(b.db)
        assert mine.keys() == theirs.keys()
        for table in mine:
            assert mine[table] == theirs[table], table
        merged = [[e for e in c.custody.entries() if e.action == "merged"][-1] for c in (a, b)]
        # Signed by the merging examiner, on either engine.
        assert merged[0].signer is not None
        assert merged[0].signer == merged[1].signer


@pytest.mark.parametrize("attack", sorted(CASES))
def test_a_crafted_stream_is_refused_by_a_server_as_by_a_folder(
    attack: str, good: Path, tmp_path: Path, server_url: str
) -> None:
    """Every forgery of test_hostile_streams.py: the same reasons, word for word, and the
    database left as empty as it was."""
    table, edit, expected = CASES[attack]
    bad = edit_stream(good, tmp_path / "crafted.pwbcase", table, edit)
    in_folder = refused(bad, tmp_path / "out" / "dest")
    share = tmp_path / "share"
    share.mkdir()
    with pytest.raises(ArchiveError) as on_server:
        unpack_to_server(bad, server_url, share / "evidence", limits=UNSIGNED)
    assert on_server.value.reasons == in_folder
    assert expected in "\n".join(on_server.value.reasons)
    assert _tables(server_url) == []
    assert list(share.iterdir()) == []
