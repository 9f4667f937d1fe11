"""Packing a case (whole, a selection, redacted) and unpacking it elsewhere."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.errors import CancelledError, ValidationError
from forensics.exchange.pack import pack_case
from forensics.exchange.unpack import unpack_archive
from forensics.jobs import CancelToken
from forensics.store.evidence import hash_file
from forensics.verify import verify_case
from tests.forensics.exchange.helpers import UNSIGNED, fill, lines, members


@pytest.fixture
def filled(case: Case, corpus: Path):  # type: ignore[no-untyped-def]
    return fill(case, corpus)


def test_whole_case_round_trip_verifies_and_is_logged_on_both_sides(filled, tmp_path):
    case = filled.case
    result = pack_case(
        case, tmp_path / "out.pwbcase", reason="hand-over to team B", actor="A. Analyst"
    )
    content = members(result.archive)
    manifest = json.loads(content["manifest.json"])
    assert manifest["format_version"] == 2
    # Records, never a database: one JSON-lines stream per table, counted in the manifest.
    assert "case.db" not in content
    assert not any(data.startswith(b"SQLite format 3") for data in content.values())
    assert manifest["records"]["items"] == len(case.items.all_ids())
    assert manifest["records"]["custody"] == len(content["custody.jsonl"].splitlines())
    first = json.loads(content["records/items.jsonl"].splitlines()[0])
    assert set(first) >= {"id", "kind", "name", "sha256"}
    assert manifest["packed_by"] == "A. Analyst"
    assert manifest["reason"] == "hand-over to team B"
    listed = {m["name"]: m for m in manifest["members"]}
    assert set(listed) == set(content) - {"manifest.json"}
    for item in case.items.content_items():
        name = f"evidence/{item.sha256[:2]}/{item.sha256[2:4]}/{item.sha256}"
        assert listed[name]["sha256"] == item.sha256
        assert listed[name]["size"] == item.size
    assert any(n.startswith("derived/") for n in listed)
    exported = case.custody.entries()[-1]
    assert exported.action == "exported"
    assert exported.details["manifest_sha256"] == result.manifest_sha256

    unpacked = unpack_archive(
        result.archive, tmp_path / "dest", actor="B. Analyst", limits=UNSIGNED
    )
    with Case.open(unpacked.dest) as received:
        assert verify_case(received).ok
        assert (
            received.items.get(filled.gps_photo).sha256 == case.items.get(filled.gps_photo).sha256
        )
        last = [e for e in received.custody.entries() if e.action == "transferred"][-1]
        assert last.actor == "B. Analyst"
        assert last.details["manifest_sha256"] == result.manifest_sha256
        assert last.details["packed_by"] == "A. Analyst"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_selection_takes_ancestors_and_dependants_but_not_siblings(filled, tmp_path):
    result = pack_case(filled.case, tmp_path / "sel.pwbcase", items=[filled.gps_photo])
    content = members(result.archive)
    gps_sha = filled.case.items.get(filled.gps_photo).sha256
    plain_sha = filled.case.items.get(filled.plain_photo).sha256
    names = "\n".join(content)
    assert gps_sha in names
    assert plain_sha not in names
    assert filled.derived_sha in names
    unpacked = unpack_archive(result.archive, tmp_path / "dest", limits=UNSIGNED)
    with Case.open(unpacked.dest) as received:
        ids = set(received.items.all_ids())
        assert ids == {filled.drone, filled.gps_photo}
        assert verify_case(received).ok
        exported = [e for e in received.custody.entries() if e.action == "exported"][-1]
        assert exported.details["entries_left_out"] > 0


def test_people_redaction_pseudonymises_every_name_and_is_recorded(filled, tmp_path):
    result = pack_case(
        filled.case, tmp_path / "red.pwbcase", redact="people", actor="Test Examiner"
    )
    assert result.manifest.packed_by == "Person 1"
    raw = b"".join(members(result.archive).values())
    assert b"Test Examiner" not in raw
    assert filled.case.custody.entries()[-1].details["redaction"]["profile"] == "people"
    unpacked = unpack_archive(result.archive, tmp_path / "dest", limits=UNSIGNED)
    with Case.open(unpacked.dest) as received:
        assert {e.actor for e in received.custody.entries()} <= {"Person 1", received.actor()}
        assert received.info.examiner == "Person 1"
        assert verify_case(received).ok


def test_location_redaction_coarsens_coordinates_and_warns_about_files(filled, tmp_path):
    result = pack_case(filled.case, tmp_path / "loc.pwbcase", redact="locations")
    redaction = result.manifest.redaction
    assert redaction["profile"] == "locations"
    assert filled.camera in redaction["items_with_positions"]
    assert "EXIF" in redaction["caveat"]
    unpacked = unpack_archive(result.archive, tmp_path / "dest", limits=UNSIGNED)
    with Case.open(unpacked.dest) as received:
        attributes = received.items.get(filled.camera).attributes
        assert attributes["latitude"] == 22.5
        assert attributes["longitude"] == 113.9
        assert "gps" not in attributes
        assert attributes["altitude"] is None
        assert verify_case(received).ok
    with sqlite3.connect(unpacked.dest / "case.db") as conn:
        dump = "\n".join(conn.iterdump())
    assert "22.53412" not in dump


def test_existing_output_and_non_empty_destination_are_refused(filled, tmp_path):
    out = tmp_path / "out.pwbcase"
    out.write_bytes(b"keep me")
    with pytest.raises(ValidationError):
        pack_case(filled.case, out)
    assert out.read_bytes() == b"keep me"
    good = pack_case(filled.case, tmp_path / "good.pwbcase").archive
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "mine.txt").write_text("mine")
    with pytest.raises(ValidationError):
        unpack_archive(good, dest, limits=UNSIGNED)
    assert [p.name for p in dest.iterdir()] == ["mine.txt"]


def test_cancelled_pack_leaves_nothing_and_logs_nothing(filled, tmp_path):
    token = CancelToken()
    before = len(filled.case.custody.entries())

    def progress(done: int, total: int, message: str) -> None:
        if message.startswith("evidence/"):
            token.cancel()

    with pytest.raises(CancelledError):
        pack_case(filled.case, tmp_path / "out" / "c.pwbcase", progress=progress, cancel=token)
    assert list((tmp_path / "out").iterdir()) == []
    assert len(filled.case.custody.entries()) == before


def test_evidence_rotted_in_the_store_is_caught_while_packing(filled, tmp_path):
    item = filled.case.items.get(filled.plain_photo)
    path = filled.case.evidence.path_of(item.sha256)
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF
    path.write_bytes(bytes(data))
    assert hash_file(path)[0] != item.sha256
    from forensics.errors import EvidenceError

    with pytest.raises(EvidenceError, match=item.sha256):
        pack_case(filled.case, tmp_path / "out" / "rot.pwbcase")
    assert list((tmp_path / "out").iterdir()) == []


def test_evidence_members_are_stored_uncompressed(filled, tmp_path):
    archive = pack_case(filled.case, tmp_path / "s.pwbcase").archive
    with zipfile.ZipFile(archive) as zf:
        kinds = {i.filename.split("/")[0]: i.compress_type for i in zf.infolist()}
    assert kinds["evidence"] == zipfile.ZIP_STORED
    assert kinds["records"] == zipfile.ZIP_DEFLATED
    assert "case.db" not in kinds


def test_local_case_facts_never_travel(filled, tmp_path):
    from forensics.store import exchange as sx

    with filled.case.transaction():
        sx.set_case_info(filled.case.db, "evidence_store", "/srv/evidence/our-case")
    archive = pack_case(filled.case, tmp_path / "p.pwbcase").archive
    keys = {r["key"] for r in lines(archive, "case_info")}
    assert "evidence_store" not in keys
    assert {"case_id", "title", "custody_head"} <= keys
    assert b"/srv/evidence" not in b"".join(members(archive).values())
