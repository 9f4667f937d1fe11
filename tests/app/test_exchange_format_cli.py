"""`pwb pack` writes records, never a database, and `pwb unpack` reads them; a format-1
archive (a `case.db`) is still read, as data only, and says so (issue 14). Each command runs in
its own `pwb` process."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from forensics.case import Case
from tests.app.cli_process import pwb
from tests.forensics.exchange.helpers import fill, legacy_archive


@pytest.fixture
def case_dir(case: Case, corpus: Path) -> Path:
    fill(case, corpus)
    return case.root


def test_pack_ships_records_and_unpack_makes_a_case_that_verifies(case_dir, case, tmp_path):
    archive = tmp_path / "a.pwbcase"
    case.close()
    assert pwb("pack", case_dir, archive).returncode == 0
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
    assert "case.db" not in names
    assert "records/items.jsonl" in names
    assert manifest["format_version"] == 2
    done = pwb("unpack", archive, tmp_path / "b", "--accept-unsigned")
    assert done.returncode == 0, done.stderr
    assert "format-1" not in done.stdout
    assert pwb("verify", tmp_path / "b").returncode == 0


def test_a_format_1_archive_is_read_as_data_and_says_so(case_dir, case, tmp_path):
    packed = tmp_path / "a.pwbcase"
    case.close()
    assert pwb("pack", case_dir, packed).returncode == 0
    with Case.open(case_dir) as again:
        old = legacy_archive(packed, again, tmp_path / "old.pwbcase")
    done = pwb("unpack", old, tmp_path / "b", "--accept-unsigned")
    assert done.returncode == 0, done.stderr
    assert "format-1 archive: its records came in a case.db, read read-only as data" in done.stdout
    assert pwb("verify", tmp_path / "b").returncode == 0
