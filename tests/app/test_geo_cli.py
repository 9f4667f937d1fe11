"""`pwb geocode`, `pwb geo ...` and `pwb export` from the command line."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from app.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def case_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    path = str(tmp_path / "case")
    assert _run(capsys, "init", path, "--title", "Geo", "--examiner", "A. Analyst")[0] == 0
    code, out, _ = _run(capsys, "add", path, "--name", "footage", "--json")
    assert code == 0
    return path, json.loads(out)["id"]


def test_geocode_forward_and_reverse(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "geocode", "Nanshan, Shenzhen", "--json")
    assert code == 0
    first = json.loads(out)["results"][0]
    assert (first["name"], round(first["lat"], 2), round(first["lon"], 2)) == (
        "Nanshan District",
        22.53,
        113.93,
    )
    code, out, _ = _run(capsys, "geocode", "--reverse", "50.45", "30.52", "--json")
    assert code == 0
    names = [r["name"] for r in json.loads(out)["results"]]
    assert "Kyiv" in names
    code, out, _ = _run(capsys, "geocode", "Kiev")
    assert code == 0
    assert "Kyiv, Ukraine" in out


def test_geocode_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "geocode", "Qwxzyville")
    assert code == 1
    assert "does not know 'Qwxzyville'" in err
    code, _, err = _run(capsys, "geocode", "--reverse", "95", "0")
    assert code == 2
    assert "latitude 95.0 is out of range" in err
    assert _run(capsys, "geocode")[0] == 2


def test_add_list_check_sun_export(
    case_dir: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, item = case_dir
    code, out, _ = _run(
        capsys,
        "geo",
        "add",
        path,
        "--item",
        item[:8],
        "--place",
        "Nanshan, Shenzhen",
        "--method",
        "visual landmark",
        "--method",
        "reported_by_source",
        "--status",
        "confirmed",
        "--confidence",
        "strong possibility",
        "--radius-m",
        "2500",
        "--json",
    )
    assert code == 0
    h = json.loads(out)
    assert (h["lat"], h["lon"], h["radius_m"]) == (22.53, 113.93, 2500.0)
    code, out, _ = _run(
        capsys,
        "geo",
        "add",
        path,
        "--item",
        item,
        "--lat",
        "34.26",
        "--lon",
        "108.93",
        "--method",
        "sun_shadow",
        "--status",
        "confirmed",
    )
    assert code == 0
    code, out, _ = _run(capsys, "geo", "list", path, "--json")
    listed = json.loads(out)["hypotheses"]
    assert [x["status"] for x in listed] == ["confirmed", "confirmed"]
    assert all(x["weak_support"] for x in listed)
    code, out, _ = _run(capsys, "geo", "list", path)
    assert "(weak)" in out
    assert "Nanshan, Shenzhen" in out
    code, out, _ = _run(capsys, "geo", "check", path, "--json")
    assert code == 1
    kinds = sorted(f["kind"] for f in json.loads(out)["flags"])
    assert kinds == ["confirmed_disagree", "weak_support", "weak_support"]
    code, out, _ = _run(
        capsys, "geo", "sun", path, h["id"][:8], "--time", "2003-10-17T12:30:30-07:00", "--json"
    )
    assert code == 0
    assert 0 <= json.loads(out)["azimuth_deg"] < 360
    assert _run(capsys, "geo", "sun", path, h["id"][:8], "--time", "2003-10-17T12:30")[0] == 2
    geojson, kml = tmp_path / "out.geojson", tmp_path / "out.kml"
    assert _run(capsys, "export", path, "--format", "geojson", str(geojson))[0] == 0
    assert json.loads(geojson.read_text())["features"][0]["geometry"]["coordinates"] == [
        113.93,
        22.53,
    ]
    assert _run(capsys, "export", path, "--format", "kml", str(kml))[0] == 0
    assert ET.parse(kml).getroot().tag.endswith("kml")
    code, _, err = _run(capsys, "export", path, "--format", "shapefile", str(tmp_path / "x"))
    assert code == 2
    assert "geojson" in err
    assert _run(capsys, "verify", path)[0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lat", "91", "--lon", "0"], "latitude 91.0 is out of range"),
        (["--lat", "nan", "--lon", "0"], "latitude must be a finite number"),
        (["--lat", "1", "--lon", "-181"], "longitude -181.0 is out of range"),
        (["--lat", "1", "--lon", "1", "--radius-m", "-3"], "negative"),
        (["--place", "Qwxzyville"], "does not know the place"),
        (["--lat", "1"], "give --place"),
    ],
)
def test_add_bad_input_exit_2_nothing_stored(
    case_dir: tuple[str, str], args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path, item = case_dir
    code, _, err = _run(capsys, "geo", "add", path, "--item", item, "--method", "exif_gps", *args)
    assert code == 2
    assert message in err
    assert json.loads(_run(capsys, "geo", "list", path, "--json")[1])["hypotheses"] == []


def test_link_and_show_history(
    case_dir: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    path, item = case_dir
    code, out, _ = _run(
        capsys,
        "geo",
        "add",
        path,
        "--item",
        item,
        "--lat",
        "1",
        "--lon",
        "2",
        "--method",
        "reflection",
        "--json",
    )
    assert code == 0
    hid = json.loads(out)["id"]
    assert (
        _run(
            capsys,
            "geo",
            "link",
            path,
            hid[:8],
            "--supporting",
            "--kind",
            "item",
            "--target",
            item,
            "--clue",
            "reflection",
        )[0]
        == 0
    )
    assert (
        _run(
            capsys,
            "geo",
            "edit",
            path,
            hid[:8],
            "--status",
            "supported",
            "--reason",
            "a second clue",
        )[0]
        == 0
    )
    _code, out, _ = _run(capsys, "geo", "show", path, hid[:8], "--json")
    shown = json.loads(out)
    assert [e["version"] for e in shown["history"]] == [1, 2]
    assert shown["evidence"][0]["clue"] == "reflection"
    assert shown["status"] == "supported"
