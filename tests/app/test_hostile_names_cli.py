"""No value from a case becomes a path component (issue 14): a hash field holding `../../x`.

The crafted record is written behind the store's back, as a hostile team's tool would; the
exports run as users run them (`pwb` in its own process) and must write nothing outside their
folder; an archive carrying the record is refused by unpack and merge, naming the field.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from app.cli import main
from forensics.case import Case
from forensics.intake.ingest import ingest_paths
from tests.app.cli_process import pwb

COUNTER = "video/pyscenedetect/counter.mp4"
EVIL = "../../escaped"


@pytest.fixture
def hostile_case(tmp_path: Path, corpus: Path) -> Path:
    root = tmp_path / "work" / "case"
    with Case.create(root, title="names", examiner="Analyst C") as case:
        item = ingest_paths(case, [corpus / COUNTER]).items[0].id
    args = ["annotations", "add", str(root), item, "--frame", "3", "--box", "10,20,200,40"]
    assert main([*args, "--label", "vehicle"]) == 0
    with closing(sqlite3.connect(root / "case.db")) as conn, conn:
        conn.execute("UPDATE annotations SET frame_pixel_sha256 = ?", (EVIL,))
    return root


def _everything(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


@pytest.mark.parametrize("fmt", ["png", "coco"])
def test_export_never_writes_outside_its_folder(fmt, hostile_case, tmp_path):
    out = tmp_path / "work" / "out" / "deeper"
    before = _everything(tmp_path)
    done = pwb("annotations", "export", hostile_case, "--format", fmt, out)
    assert done.returncode == 0, done.stderr
    assert "is not a sha256" in done.stdout + done.stderr
    written = _everything(tmp_path) - before
    outside = [p for p in written if out != p and out not in p.parents and p not in out.parents]
    assert outside == []
    assert not any("escaped" in p.name for p in written)


def test_archive_with_the_record_is_refused_by_unpack_and_merge(hostile_case, tmp_path):
    archive = tmp_path / "evil.pwbcase"
    packed = pwb("pack", hostile_case, archive)
    assert packed.returncode == 0, packed.stderr
    done = pwb("unpack", archive, tmp_path / "dest", "--accept-unsigned")
    assert done.returncode != 0
    assert "field 'frame_pixel_sha256' is not a sha256" in done.stderr + done.stdout
    assert not (tmp_path / "dest").exists()
    ours = tmp_path / "ours"
    with Case.create(ours, title="ours", examiner="A"):
        pass
    merged = pwb("merge", ours, archive, "--accept-unsigned")
    assert merged.returncode != 0
    assert "field 'frame_pixel_sha256' is not a sha256" in merged.stderr + merged.stdout
