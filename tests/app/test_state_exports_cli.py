"""Deleted and carved files in every export, through real `pwb` subprocesses: `items --state`,
the HTML and PDF report's "Deleted and recovered files" section (the PDF read back with
poppler's pdftotext), the CSV's state column, and CASE/UCO's allocationStatus (case_validate)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from tests.app.test_carve_cli import _ingest, _pwb
from tests.forensics.carving import card_with_hidden_files
from tests.forensics.exchange.test_exports import _validator

GONE = b"erased minutes " * 300


@pytest.fixture
def carved_case(tmp_path: Path, corpus: Path) -> tuple[Path, dict[int, bytes]]:
    image, written = card_with_hidden_files(tmp_path, corpus, deleted={"GONE.BIN": GONE})
    case = tmp_path / "case"
    done = _ingest(case, image, "--carve")
    assert done.returncode == 0, done.stdout + done.stderr
    return case, written


def _items(case: Path, *args: str) -> list[dict[str, Any]]:
    done = _pwb("items", case, "--json", *args)
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout)["items"])


def test_items_state_filter(carved_case: tuple[Path, dict[int, bytes]]) -> None:
    case, written = carved_case
    (gone,) = _items(case, "--state", "deleted")
    assert gone["sha256"] == hashlib.sha256(GONE).hexdigest()
    assert gone["state"] == "deleted"
    carved = [i for i in _items(case, "--state", "carved") if i["kind"] == "file"]
    assert sorted(i["attributes"]["carving"]["offset"] for i in carved) == sorted(written)
    live = {i["name"] for i in _items(case, "--state", "live")}
    assert "live.txt" in live
    assert gone["name"] not in live
    assert _items(case, "--state", "recovered") == []
    assert _pwb("items", case, "--state", "gone").returncode == 2


def test_report_html_and_pdf_list_deleted_and_carved_files(
    carved_case: tuple[Path, dict[int, bytes]], tmp_path: Path
) -> None:
    case, written = carved_case
    html_out, pdf_out = tmp_path / "report.html", tmp_path / "report.pdf"
    assert _pwb("report", case, html_out).returncode == 0
    html = html_out.read_text("utf-8")
    section = html[html.index("Deleted and recovered files") :]
    assert "deleted" in section
    assert "_ONE.BIN" in section  # FAT overwrote the first letter of GONE.BIN
    for offset in written:
        assert f"at byte offset {offset}" in section
    assert "PhotoRec" in section
    # Marked where the reader meets them: beside the name, in the items table too.
    items = html[
        html.index('<table class="items"') : html.index(
            "</table>", html.index('<table class="items"')
        )
    ]
    assert '<b>_ONE.BIN</b> <span class="state">DELETED</span>' in items
    # Each carved file, and the "Carved" folder that holds them.
    assert items.count('<span class="state">CARVED</span>') == len(written) + 1
    assert "<b>live.txt</b><br>" in items  # a live file has no mark

    if shutil.which("pdftotext") is None:
        pytest.skip("needs pdftotext (apt-get install poppler-utils)")
    done = _pwb("report", case, pdf_out)
    assert done.returncode == 0, done.stderr
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf_out), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = unicodedata.normalize("NFKC", text)  # the PDF's fonts set "fi" as one ligature
    title = "Deleted and recovered files"
    body = text[text.index(title, text.index(title) + 1) :]  # past the table of contents
    assert "were not live when found: 1 deleted, 3 carved" in " ".join(body.split())
    assert "Deleted" in body
    assert "_ONE.BIN" in body
    assert re.search(r"_ONE\.BIN DELETED", text)  # the mark beside the name in the PDF too
    # The heading and its introduction stay on the page where the table starts.
    (page,) = [p for p in text.split("\f") if title in p and "were not live" in p]
    assert re.search(r"_ONE\.BIN DELETED", page)
    assert len(re.findall(r"\.\w+ CARVED", text)) >= len(written)


def test_csv_and_case_uco_carry_the_state(
    carved_case: tuple[Path, dict[int, bytes]], tmp_path: Path
) -> None:
    case, written = carved_case
    out_csv = tmp_path / "items.csv"
    assert _pwb("export", case, "--format", "csv", out_csv).returncode == 0
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text("utf-8"))))
    states = {r["name"]: r["state"] for r in rows}
    assert states["_ONE.BIN"] == "deleted"
    assert states["live.txt"] == "live"
    carved = [r for r in rows if r["state"] == "carved" and r["kind"] == "file"]
    assert sorted(int(r["carved_offset"]) for r in carved) == sorted(written)

    out_uco = tmp_path / "case.jsonld"
    assert _pwb("export", case, "--format", "case-uco", out_uco).returncode == 0
    graph = json.loads(out_uco.read_text("utf-8"))["@graph"]
    status: dict[str, str] = {}
    for node in graph:
        for facet in node.get("uco-core:hasFacet", []):
            if facet.get("@type") == "uco-observable:FileFacet":
                status[facet["uco-observable:fileName"]] = facet["uco-observable:allocationStatus"]
    assert status["_ONE.BIN"] == "Deleted"
    assert status["live.txt"] == "Allocated"
    assert sorted(v for k, v in status.items() if k.startswith("f")) == ["Carved"] * len(written)
    run = subprocess.run(
        [_validator(), str(out_uco)], capture_output=True, text=True, timeout=600, check=False
    )
    assert run.returncode == 0, run.stdout[-3000:]
    assert "Conforms: True" in run.stdout
