"""Carving's hostile cases in the core: no room for an E01's media, reports PhotoRec could not
have written, and an image PhotoRec finishes but whose report names files it did not write."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from forensics.case import Case
from forensics.intake import carve
from forensics.intake.ingest import IngestOptions, ingest_paths
from forensics.intake.photorec import read_report
from forensics.jobs import CancelToken
from tests.forensics.carving import card_with_hidden_files
from tests.forensics.imaging import make_e01

REPORT = """<?xml version='1.0' encoding='UTF-8'?>
<dfxml xmloutputversion='1.0'>
  <fileobject><filename>f0000100.jpg</filename><filesize>3000</filesize>
    <byte_runs><byte_run offset='0' img_offset='51200' len='2048'/>
      <byte_run offset='2048' img_offset='90112' len='2048'/></byte_runs></fileobject>
  <fileobject><filename>../../etc/passwd</filename><filesize>10</filesize>
    <byte_runs><byte_run offset='0' img_offset='0' len='512'/></byte_runs></fileobject>
  <fileobject><filename>f0000200.jpg</filename><filesize>lots</filesize></fileobject>
  <fileobject><filename>f0000300.jpg</filename><filesize>9000</filesize>
    <byte_runs><byte_run offset='0' img_offset='153600' len='4096'/></byte_runs></fileobject>
</dfxml>
"""


def test_report_entries_are_checked_against_what_photorec_wrote(tmp_path: Path) -> None:
    out = tmp_path / "recup.1"
    out.mkdir()
    (out / "report.xml").write_text(REPORT)
    for name in ("f0000100.jpg", "f0000200.jpg", "f0000300.jpg"):
        (out / name).write_bytes(b"x")
    files, problems = read_report(tmp_path)
    (only,) = files
    assert (only.file_name, only.size, only.offset) == ("f0000100.jpg", 3000, 51200)
    assert only.byte_runs == ((51200, 2048), (90112, 952))  # the last run cut to the size
    assert only.path == out / "f0000100.jpg"
    assert len(problems) == 3
    assert any("passwd" in p and "no such file" in p for p in problems)
    assert any("f0000200.jpg" in p and "unreadable" in p for p in problems)
    assert any("f0000300.jpg" in p and "less than" in p for p in problems)


def test_no_report_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "recup.1").mkdir()
    with pytest.raises(carve.CarveError, match="no report"):
        read_report(tmp_path)
    (tmp_path / "recup.1" / "report.xml").write_text("<dfxml><fileobject>")
    with pytest.raises(carve.CarveError, match="not XML"):
        read_report(tmp_path)


def test_no_room_for_an_e01s_media_is_a_rejection_naming_it(
    case: Case, tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    card, _written = card_with_hidden_files(tmp_path, corpus)
    (folder := tmp_path / "e01").mkdir()
    first = make_e01(card, folder / "card")[0]
    report = ingest_paths(case, [first])
    image = next(i for i in report.items if i.name == "card.E01")
    segments = [i for i in report.items if i.attributes.get("ewf_segment")]
    assert segments

    def nearly_full(path: Any) -> Any:
        return shutil._ntuple_diskusage(1 << 40, (1 << 40) - (1 << 20), 1 << 20)  # type: ignore[attr-defined]

    monkeypatch.setattr(carve.shutil, "disk_usage", nearly_full)
    out = carve.carve_disk_image(
        case, image, IngestOptions(), cancel=CancelToken(), segments=segments
    )
    (rejected,) = out
    assert rejected.status == "rejected"
    assert "card.E01" in rejected.path
    assert "written out raw" in (rejected.reason or "")
    assert not carve.is_carved(case, image.id)
    assert not any(case.evidence.tmp_dir.iterdir())


def test_an_e01_missing_a_segment_is_a_rejection_not_a_crash(
    case: Case, tmp_path: Path, corpus: Path
) -> None:
    card, _written = card_with_hidden_files(tmp_path, corpus)
    (folder := tmp_path / "e01").mkdir()
    first = make_e01(card, folder / "card", segment_bytes=1 << 20)[0]
    report = ingest_paths(case, [first])
    image = next(i for i in report.items if i.name == "card.E01")
    out = carve.carve_disk_image(case, image, IngestOptions(), cancel=CancelToken())
    (rejected,) = out  # the later segments not given: the media ends early
    assert rejected.status == "rejected"
    assert "cannot read the image for carving" in (rejected.reason or "")
    assert not any(case.evidence.tmp_dir.iterdir())
