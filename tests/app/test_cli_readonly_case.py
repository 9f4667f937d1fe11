"""A case on read-only media, through `pwb` processes: everything that reads works, nothing
is logged, and every write is refused with "read-only case" (exit 2, no traceback)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.intake.ingest import IngestOptions, ingest_paths
from tests.app.cli_process import pwb, pwb_json
from tests.readonly_mount import read_only_view


@pytest.fixture
def ro_case(tmp_path: Path, corpus: Path) -> Iterator[tuple[Path, str]]:
    """A case with a photo (its metadata extracted) and a frame, mounted read-only."""
    source = tmp_path / "case"
    assert pwb("init", source, "--title", "On a DVD", "--examiner", "E").returncode == 0
    photo = pwb_json("ingest", source, corpus / "synthetic/gps_control_eiffel.jpg")
    item_id = photo["outcomes"][0]["item"]["id"]
    clip = pwb_json("ingest", source, corpus / "video/pyscenedetect/counter.mp4", "--no-extract")
    pwb_json("frames", source, clip["outcomes"][0]["item"]["id"], "--index", "3")
    with read_only_view(source, tmp_path / "dvd") as view:
        yield view, item_id


def _no_traceback(done: object) -> None:
    assert "Traceback" not in done.stderr  # type: ignore[attr-defined]


def test_a_read_only_case_is_listed_verified_and_reported(
    ro_case: tuple[Path, str], tmp_path: Path
) -> None:
    root, item_id = ro_case
    entries_before = len(pwb_json("log", root)["entries"])
    items = pwb_json("items", root)
    assert items["count"] == 2
    shown = pwb_json("show", root, item_id[:8])
    assert shown["id"] == item_id
    assert shown["custody"][0]["action"] == "ingested"
    meta = pwb_json("meta", root, item_id)
    assert meta["item"]["id"] == item_id
    assert meta["positions"], "the stored GPS position is shown"

    done = pwb("verify", root)
    _no_traceback(done)
    assert done.returncode == 0, done.stderr
    assert "read-only case: the verification was not logged" in done.stdout
    report = pwb_json("verify", root)
    assert (report["ok"], report["logged"]) == (True, False)
    assert report["files_checked"] >= 3  # two evidence files and the frame's PNGs

    out = tmp_path / "elsewhere"
    out.mkdir()
    html = pwb_json("report", root, out / "report.html")
    assert html["logged"] is False
    assert "On a DVD" in (out / "report.html").read_text(encoding="utf-8")
    done = pwb("export", root, "--format", "csv", out / "items.csv")
    _no_traceback(done)
    assert done.returncode == 0, done.stderr
    assert "not logged" in done.stdout
    assert (out / "items.csv").stat().st_size > 0
    assert len(pwb_json("log", root)["entries"]) == entries_before


@pytest.mark.parametrize(
    "args",
    [
        ("ingest", "{photo}"),
        ("add", "--kind", "hardware", "--name", "Drone"),
        ("edit", "{item}", "--note", "x"),
    ],
    ids=["ingest", "add", "edit"],
)
def test_writes_to_a_read_only_case_are_refused_plainly(
    ro_case: tuple[Path, str], corpus: Path, args: tuple[str, ...]
) -> None:
    root, item_id = ro_case
    values = {"photo": str(corpus / "synthetic/gps_control_rio_sw.jpg"), "item": item_id}
    command, *rest = (a.format(**values) for a in args)
    done = pwb(command, root, *rest)
    _no_traceback(done)
    assert done.returncode == 2
    assert "read-only case" in done.stderr


def test_changes_still_in_the_write_ahead_log_are_read(tmp_path: Path, corpus: Path) -> None:
    """A case copied while a process had it open: `immutable` alone would miss the `-wal`."""
    live = tmp_path / "live"
    case = Case.create(live, title="copied while open", examiner="E")
    try:
        ingest_paths(case, [str(corpus / "synthetic/gps_control_eiffel.jpg")], IngestOptions())
        wal = live / "case.db-wal"
        assert wal.stat().st_size > 0
        copy = Path(shutil.copytree(live, tmp_path / "copy"))
    finally:
        case.close()
    main_only = sqlite3.connect(f"{(copy / 'case.db').as_uri()}?immutable=1", uri=True)
    try:
        tables = main_only.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    finally:
        main_only.close()
    with read_only_view(copy, tmp_path / "dvd") as view:
        items = pwb_json("items", view)
        assert items["count"] == 1, f"immutable alone saw {tables} schema rows"
        assert json.dumps(items).count("gps_control_eiffel.jpg") >= 1
