"""Hostile and broken archives: each refused with a reason, nothing written, nothing lost."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.errors import ArchiveError
from forensics.exchange.archive_checks import Limits
from forensics.exchange.pack import pack_case
from forensics.exchange.unpack import unpack_archive
from tests.forensics.exchange.helpers import UNSIGNED, edit_stream, fill, members, rebuild


@pytest.fixture
def good(case: Case, corpus: Path, tmp_path: Path) -> Path:
    fill(case, corpus)
    (tmp_path / "in").mkdir()
    return pack_case(case, tmp_path / "in" / "good.pwbcase").archive


def refused(archive: Path, dest: Path, limits: Limits | None = None) -> list[str]:
    """Unpack, expect a refusal, and check that nothing at all was left beside DEST."""
    before = set(dest.parent.iterdir()) if dest.parent.exists() else set()
    with pytest.raises(ArchiveError) as info:
        unpack_archive(archive, dest, limits=limits or UNSIGNED)
    assert not dest.exists()
    assert set(dest.parent.iterdir()) == before
    assert info.value.reasons
    return info.value.reasons


def test_zip_slip_absolute_path_and_bomb_are_all_listed(bad_files, tmp_path):
    archive = bad_files / "zip_slip_and_bomb.zip"
    work = tmp_path / "deep" / "er"
    work.mkdir(parents=True)
    reasons = "\n".join(refused(archive, work / "dest"))
    assert "'../../evil.txt' climbs out" in reasons
    assert "'/evil_absolute.txt' is an absolute path" in reasons
    assert "bomb_100MiB_zeros.bin" in reasons
    assert "compression bomb" in reasons
    assert "no manifest.json" in reasons
    assert not (tmp_path / "evil.txt").exists()
    assert not (tmp_path / "deep" / "evil.txt").exists()


def test_symlink_member_is_refused(good, tmp_path):
    content = members(good)
    bad = tmp_path / "link.pwbcase"
    with zipfile.ZipFile(bad, "w") as zf:
        for name, data in content.items():
            zf.writestr(name, data)
        link = zipfile.ZipInfo("evidence/aa/bb/" + "a" * 64)
        link.external_attr = (0o120777) << 16
        zf.writestr(link, "/etc/passwd")
    reasons = "\n".join(refused(bad, tmp_path / "out" / "dest"))
    assert "symbolic link" in reasons


def test_truncated_archive_is_refused(good, tmp_path):
    data = good.read_bytes()
    cut = tmp_path / "cut.pwbcase"
    cut.write_bytes(data[: len(data) // 2])
    reasons = refused(cut, tmp_path / "out" / "dest")
    assert "truncated or damaged" in reasons[0]


def test_member_changed_after_packing_is_refused(good, tmp_path):
    content = members(good)
    name = next(n for n in content if n.startswith("evidence/"))
    changed = bytearray(content[name])
    changed[200] ^= 0x01
    bad = rebuild(good, tmp_path / "changed.pwbcase", replace={name: bytes(changed)})
    reasons = refused(bad, tmp_path / "out" / "dest")
    assert f"'{name}' was changed after packing" in reasons[0]


def test_manifest_that_lies_about_a_size_is_refused(good, tmp_path):
    def lie(manifest: dict) -> None:
        manifest["members"][-1]["size"] += 10

    bad = rebuild(good, tmp_path / "lies.pwbcase", edit_manifest=lie)
    reasons = "\n".join(refused(bad, tmp_path / "out" / "dest"))
    assert "the manifest says" in reasons


def test_consistent_forgery_of_content_addressed_member_is_refused(good, tmp_path):
    content = members(good)
    name = next(n for n in content if n.startswith("evidence/"))
    bad = rebuild(good, tmp_path / "forged.pwbcase", replace={name: b"other content"}, rehash=True)
    reasons = refused(bad, tmp_path / "out" / "dest")
    assert "does not hold the content its name promises" in reasons[0]


def test_member_missing_from_manifest_or_archive_is_refused(good, tmp_path):
    def drop(manifest: dict) -> None:
        manifest["members"] = [
            m for m in manifest["members"] if not m["name"].startswith("derived/")
        ]

    bad = rebuild(good, tmp_path / "extra.pwbcase", edit_manifest=drop)
    reasons = "\n".join(refused(bad, tmp_path / "out" / "dest"))
    assert "is in the archive but not in the manifest" in reasons


def test_archive_from_a_newer_format_is_refused(good, tmp_path):
    def newer(manifest: dict) -> None:
        manifest["format_version"] = 3

    bad = rebuild(good, tmp_path / "newer.pwbcase", edit_manifest=newer)
    reasons = refused(bad, tmp_path / "out" / "dest")
    assert "format version 3" in reasons[0]
    assert "newer" in reasons[0]


def test_records_from_a_newer_schema_are_refused(good, tmp_path):
    def newer(manifest: dict) -> None:
        manifest["schema"]["core"] = 99

    bad = rebuild(good, tmp_path / "schema.pwbcase", edit_manifest=newer)
    reasons = refused(bad, tmp_path / "out" / "dest")
    assert "schema 'core' version 99" in reasons[0]
    assert "newer" in reasons[0]


def test_records_edited_behind_the_chain_are_refused(good, tmp_path):
    def swap(records: list[dict]) -> list[dict]:
        return [{**r, "name": "swapped"} if r["kind"] == "hardware" else r for r in records]

    bad = edit_stream(good, tmp_path / "edited.pwbcase", "items", swap)
    reasons = "\n".join(refused(bad, tmp_path / "out" / "dest"))
    assert "differs from its state at custody entry" in reasons


def test_total_size_cap(good, tmp_path):
    reasons = "\n".join(
        refused(good, tmp_path / "out" / "dest", Limits(max_total_bytes=1000, accept_unsigned=True))
    )
    assert "over the limit of 1000" in reasons


def test_refused_unpack_keeps_the_archive(good, tmp_path):
    before = good.read_bytes()
    refused(good, tmp_path / "out" / "dest", Limits(max_total_bytes=1, accept_unsigned=True))
    assert good.read_bytes() == before
    assert json.loads(members(good)["manifest.json"])["format_version"] == 2
