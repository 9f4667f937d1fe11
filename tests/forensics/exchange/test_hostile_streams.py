"""A format-2 archive's record streams are data, checked line by line (issue 14).

Each archive below is a consistent forgery: the stream is rewritten, the manifest re-hashed
and re-counted, so only the record checks stand between it and our case. Each must be refused
naming the stream, the record and the field, and leave nothing behind; a merge of one must
leave our case as it was.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from forensics.case import Case
from forensics.errors import ArchiveError
from forensics.exchange.archive_checks import Limits
from forensics.exchange.merge import merge_archive
from forensics.exchange.pack import pack_case
from forensics.records.row_schema import MAX_TEXT
from tests.forensics.exchange.helpers import UNSIGNED, edit_stream, fill, lines, members, rebuild
from tests.forensics.exchange.test_hostile import refused

Records = list[dict[str, Any]]


@pytest.fixture
def good(case: Case, corpus: Path, tmp_path: Path) -> Path:
    fill(case, corpus)
    (tmp_path / "in").mkdir()
    return pack_case(case, tmp_path / "in" / "good.pwbcase").archive


def _hardware(edit: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[Records], Records]:
    """Apply `edit` to the hardware item's record only."""
    return lambda records: [edit(r) if r["kind"] == "hardware" else r for r in records]


def _duplicate(records: Records) -> Records:
    return [*records, records[0]]


CASES: dict[str, tuple[str, Callable[[Records], Records], str]] = {
    "a number where text is declared": (
        "items",
        _hardware(lambda r: {**r, "name": 42}),
        "field 'name': expected `str`, got `int`",
    ),
    "text where a number is declared": (
        "items",
        lambda rs: [{**r, "size": "12"} if r["size"] is not None else r for r in rs],
        "field 'size': expected `int | null`, got `str`",
    ),
    "a word outside the vocabulary": (
        "items",
        _hardware(lambda r: {**r, "kind": "weapon"}),
        "field 'kind': invalid enum value 'weapon'",
    ),
    "an id that is not a UUID": (
        "items",
        _hardware(lambda r: {**r, "id": "../../x"}),
        "field 'id' is not a UUID",
    ),
    "a path in a sha256 field": (
        "items",
        lambda rs: [{**r, "sha256": "../../../x"} if r["sha256"] else r for r in rs],
        "field 'sha256' is not a sha256",
    ),
    "a field our schema does not have": (
        "items",
        _hardware(lambda r: {**r, "evil": "1"}),
        "unknown field `evil`",
    ),
    "a JSON field of the wrong shape": (
        "items",
        _hardware(lambda r: {**r, "tags": json.dumps({"not": "a list"})}),
        "field 'tags': expected `array`, got `object`",
    ),
    "a JSON field that is not JSON": (
        "items",
        _hardware(lambda r: {**r, "attributes": "{not json"}),
        "field 'attributes' does not hold JSON",
    ),
    "a reference that does not resolve": (
        "items",
        lambda rs: [{**r, "parent_id": str(uuid.uuid4())} if r["parent_id"] else r for r in rs],
        "refers to a items record that is not there",
    ),
    "the same id twice": ("items", _duplicate, "appears twice"),
    "a local case fact pointing our evidence elsewhere": (
        "case_info",
        lambda rs: [*rs, {"key": "evidence_store", "value": "/etc"}],
        "record case_info 'evidence_store' is not a case fact an archive may carry",
    ),
    "a custody entry of the wrong type": (
        "custody",
        lambda rs: [{**rs[0], "seq": "1"}, *rs[1:]],
        "record custody '1': field 'seq': expected `int`, got `str`",
    ),
}


@pytest.mark.parametrize("attack", sorted(CASES))
def test_crafted_stream_is_refused_by_record_and_field(attack, good, tmp_path):
    table, edit, expected = CASES[attack]
    bad = edit_stream(good, tmp_path / "crafted.pwbcase", table, edit)
    reasons = "\n".join(refused(bad, tmp_path / "out" / "dest"))
    assert expected in reasons
    assert f"records/{table}.jsonl" in reasons or table == "custody"


def test_refusal_names_the_record(good, tmp_path):
    hardware = next(r for r in lines(good, "items") if r["kind"] == "hardware")
    bad = edit_stream(
        good, tmp_path / "c.pwbcase", "items", _hardware(lambda r: {**r, "kind": "weapon"})
    )
    reasons = refused(bad, tmp_path / "out" / "dest")
    assert any(f"record items '{hardware['id']}'" in r for r in reasons)


def test_overlong_text_is_refused(good, tmp_path):
    bad = edit_stream(
        good,
        tmp_path / "long.pwbcase",
        "items",
        # Random text: a compressible one would be refused as a bomb before it is read.
        _hardware(lambda r: {**r, "note": secrets.token_hex(MAX_TEXT // 2 + 1)}),
    )
    reasons = "\n".join(refused(bad, tmp_path / "out" / "dest"))
    assert "field 'note': expected `str` of length <=" in reasons


def test_huge_line_is_refused_without_reading_it_whole(good, tmp_path):
    bad = edit_stream(
        good, tmp_path / "huge.pwbcase", "items", _hardware(lambda r: {**r, "note": "y" * 5000})
    )
    limits = Limits(max_line_bytes=4096, accept_unsigned=True)
    reasons = "\n".join(refused(bad, tmp_path / "out" / "dest", limits))
    assert "records/items.jsonl line" in reasons
    assert "is longer than 4096 bytes" in reasons


def test_counts_must_be_the_manifests(good, tmp_path):
    bad = edit_stream(good, tmp_path / "count.pwbcase", "items", _duplicate, recount=False)
    reasons = "\n".join(refused(bad, tmp_path / "out" / "dest"))
    listed = json.loads(members(good)["manifest.json"])["records"]["items"]
    assert f"records/items.jsonl holds {listed + 1} records; the manifest lists {listed}" in (
        reasons
    )


def test_record_count_limit(good, tmp_path):
    reasons = "\n".join(
        refused(good, tmp_path / "out" / "dest", Limits(max_records=5, accept_unsigned=True))
    )
    assert "more than 5 records" in reasons


def test_record_bytes_limit(good, tmp_path):
    reasons = "\n".join(
        refused(good, tmp_path / "out" / "dest", Limits(max_record_bytes=100, accept_unsigned=True))
    )
    assert "over the limit of 100" in reasons


def test_a_stream_for_a_table_we_do_not_have_is_refused(good, tmp_path):
    def extra(manifest: dict[str, Any]) -> None:
        manifest["records"]["evil"] = 0

    bad = rebuild(good, tmp_path / "x.pwbcase", edit_manifest=extra)
    reasons = "\n".join(refused(bad, tmp_path / "out" / "dest"))
    assert "the archive holds no records/evil.jsonl" in reasons


def test_a_database_in_a_format_2_archive_is_refused(good, tmp_path):
    import hashlib

    db = b"SQLite format 3\x00" + b"\x00" * 100

    def plant(manifest: dict[str, Any]) -> None:
        manifest["members"].append(
            {
                "name": "case.db",
                "role": "records",
                "sha256": hashlib.sha256(db).hexdigest(),
                "size": len(db),
            }
        )

    bad = rebuild(good, tmp_path / "db.pwbcase", replace={"case.db": db}, edit_manifest=plant)
    reasons = "\n".join(refused(bad, tmp_path / "out" / "dest"))
    assert "carries records, never a database" in reasons


def test_merge_of_a_crafted_stream_leaves_our_case_unchanged(case, good, tmp_path):
    bad = edit_stream(good, tmp_path / "m.pwbcase", "items", CASES["the same id twice"][1])
    head = case.custody.head()
    names = sorted(i.name for i in case.items.content_items())
    with pytest.raises(ArchiveError) as info:
        merge_archive(case, bad, actor="A", limits=UNSIGNED)
    assert "appears twice" in "\n".join(info.value.reasons)
    assert case.custody.head() == head
    assert sorted(i.name for i in case.items.content_items()) == names
    assert list(case.evidence.tmp_dir.iterdir()) == []
