"""The provenance commands end to end: registry, teardown, links, sources, origins, search."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, object]:
    code = main([str(a) for a in args])
    out = capsys.readouterr().out
    return code, (json.loads(out) if "--json" in args and out.strip() else out)


def test_teardown_to_origins(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "case"
    assert main(["init", str(case), "--title", "T", "--examiner", "E"]) == 0
    capsys.readouterr()
    code, drone = run(capsys, "add", case, "--kind", "hardware", "--name", "Drone", "--json")
    assert code == 0
    drone_id = drone["id"]  # type: ignore[index]
    code, maker = run(
        capsys,
        "mfr",
        "add",
        case,
        "Viewpro",
        "--country",
        "CN",
        "--city",
        "Shenzhen",
        "--alias",
        "Viewpro Technology",
        "--json",
    )
    assert code == 0
    assert maker["country_name"] == "China"  # type: ignore[index]
    code, source = run(
        capsys,
        "source",
        "add",
        case,
        "--kind",
        "channel",
        "--title",
        "Chan",
        "--grade",
        "B2",
        "--published",
        "2025",
        "--json",
    )
    assert source["grade_meaning"] == "B2 (usually reliable; probably true)"  # type: ignore[index]
    code, cam = run(
        capsys,
        "component",
        "add",
        case,
        "--parent",
        drone_id[:8],
        "--function",
        "camera",
        "--part",
        "A40 Pro",
        "--marking",
        "VIEWPRO\nA40 PRO",
        "--json",
    )
    assert code == 0
    assert cam["marking"] == "VIEWPRO\nA40 PRO"  # type: ignore[index]
    assert {s["manufacturer"] for s in cam["suggestions"]} == {"Viewpro"}  # type: ignore[index]
    code, mcu = run(
        capsys,
        "component",
        "add",
        case,
        "--parent",
        cam["id"],
        "--function",  # type: ignore[index]
        "MCU",
        "--part",
        "STM32F405RGT6",
        "--json",
    )
    code, link = run(
        capsys,
        "link",
        case,
        cam["id"][:8],
        "--manufacturer",  # type: ignore[index]
        "viewpro technology",
        "--basis",
        "marking observed",
        "--confidence",
        "confirmed",
        "--source",
        source["id"],
        "--json",
    )  # type: ignore[index]
    assert code == 0
    assert link["manufacturer"] == "Viewpro"  # type: ignore[index]
    # a maker only in the reference catalogue is registered from it on first use
    code, link2 = run(
        capsys,
        "link",
        case,
        mcu["id"],
        "--manufacturer",  # type: ignore[index]
        "STMicroelectronics",
        "--basis",
        "external catalogue",
        "--json",
    )
    assert link2["country_code"] == "CH"  # type: ignore[index]
    code, claim = run(
        capsys,
        "claim",
        "add",
        case,
        "--source",
        source["id"][:8],  # type: ignore[index]
        "--text",
        "The camera is Chinese.",
        "--date",
        "2025-07",
        "--json",
    )
    assert claim["claim_date"] == "2025-07"  # type: ignore[index]
    code, report = run(capsys, "origins", case, "--json")
    assert code == 0
    rows = {c["function"]: c for c in report["components"]}  # type: ignore[index]
    assert rows["camera"]["country_code"] == "CN"
    assert rows["camera"]["sources"][0]["grade"] == "B2"
    assert rows["MCU"]["country_code"] == "CH"
    assert {s["key"]: s["count"] for s in report["by_country"]} == {"CN": 1, "CH": 1}  # type: ignore[index]
    code, scoped = run(capsys, "origins", case, "--item", mcu["id"], "--json")  # type: ignore[index]
    assert scoped["total"] == 1  # type: ignore[index]
    code, found = run(
        capsys, "search-parts", case, tmp_path / "missing", "--part-number", "stm32 f405", "--json"
    )
    assert code == 3
    assert [h["component_id"] for h in found["hits"]] == [mcu["id"]]  # type: ignore[index]
    assert found["errors"][0]["case_dir"].endswith("missing")  # type: ignore[index]
    assert main(["verify", str(case)]) == 0


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "case"
    assert main(["init", str(case), "--title", "T", "--examiner", "E"]) == 0
    assert main(["add", str(case), "--kind", "hardware", "--name", "D"]) == 0
    assert main(["mfr", "add", str(case), "X", "--country", "Atlantis"]) == 2
    assert (
        main(["source", "add", str(case), "--kind", "report", "--title", "t", "--grade", "Z9"]) == 2
    )
    assert main(["link", str(case), "nope", "--manufacturer", "X", "--basis", "logo"]) == 2
    assert main(["component", "add", str(case), "--parent", "nope", "--function", "MCU"]) == 2
    assert main(["search-parts", str(case)]) == 2
    assert main(["markings", "STM32F405", "--accept", "st-stm32"]) == 2


def test_markings_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = run(capsys, "markings", "ESP32-WROOM-32E", "--json")
    assert code == 0
    first = doc["suggestions"][0]  # type: ignore[index]
    assert (first["manufacturer"], first["pattern_id"]) == ("Espressif Systems", "espressif-esp32")
    assert first["matched_text"] == "ESP32-WROOM-32E"
