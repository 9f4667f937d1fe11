"""Every format `pwb export --help` lists works in a fresh `pwb` process, as users run it.

The formats once lived in a registry that another command module filled when it was imported;
with lazy command loading `pwb export --format csv` failed in a fresh process while in-process
tests passed. These tests start a real `pwb` per export, on a new case and on the demo case.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import pwb_executable
from tests.forensics.exchange.test_exports import _validator


def pwb(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [pwb_executable(), *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def listed_formats() -> list[str]:
    """The formats `pwb export --help` names (its `--format {a,b,...}` choices)."""
    done = pwb("export", "--help", timeout=60)
    assert done.returncode == 0, done.stderr
    found = re.search(r"--format \{([^}]+)\}", done.stdout)
    assert found, done.stdout
    return found.group(1).split(",")


FORMATS = ("geojson", "kml", "case-uco", "csv")


def test_help_lists_every_declared_format() -> None:
    from app.features import export_formats

    assert listed_formats() == list(export_formats())
    assert set(FORMATS) <= set(listed_formats())


def check_output(fmt: str, out: Path, summary: dict[str, object], root: Path) -> None:
    """The file is what the format promises, and the summary names its digest."""
    data = out.read_bytes()
    assert summary["sha256"] == hashlib.sha256(data).hexdigest()
    if fmt == "geojson":
        assert json.loads(data)["type"] == "FeatureCollection"
    elif fmt == "kml":
        assert ET.fromstring(data).tag.endswith("kml")
    elif fmt == "case-uco":
        assert json.loads(data)["@graph"]
        run = subprocess.run(
            [_validator(), str(out)], capture_output=True, text=True, timeout=600, check=False
        )
        assert run.returncode == 0, run.stdout[-3000:]
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        items = pwb("items", str(root), "--json")
        assert items.returncode == 0, items.stderr
        listed = {item["id"] for item in json.loads(items.stdout)["items"]}
        assert {row["id"] for row in rows} == listed
    else:
        pytest.fail(f"no check written for the export format {fmt!r}: add one here")


def export_each(root: Path, out_dir: Path) -> None:
    from app.features import export_formats

    for fmt in listed_formats():
        out = out_dir / f"export{export_formats()[fmt].suffix}"
        done = pwb("export", str(root), "--format", fmt, str(out), "--json")
        assert done.returncode == 0, f"{fmt}: {done.stderr[-2000:]}"
        check_output(fmt, out, json.loads(done.stdout), root)
    verified = pwb("verify", str(root))
    assert verified.returncode == 0, verified.stdout[-2000:] + verified.stderr[-2000:]


def test_every_format_exports_a_new_case(tmp_path: Path) -> None:
    root = tmp_path / "case"
    done = pwb("init", str(root), "--title", "Fresh")
    assert done.returncode == 0, done.stderr
    export_each(root, tmp_path)


def test_every_format_exports_the_demo_case(demo_case: Path, tmp_path: Path) -> None:
    export_each(demo_case, tmp_path)


def test_an_unknown_format_is_a_usage_error_naming_the_formats(tmp_path: Path) -> None:
    root = tmp_path / "case"
    assert pwb("init", str(root), "--title", "T").returncode == 0
    done = pwb("export", str(root), "--format", "docx", str(tmp_path / "x"))
    assert done.returncode == 2
    assert "docx" in done.stderr
    assert "csv" in done.stderr
