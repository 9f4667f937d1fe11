"""`pwb figure list`: the same figures, claims and graded sources the GUI charts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from forensics.case import Case
from forensics.provenance.figures import reported_figures


def run_json(capsys: pytest.CaptureFixture[str], *args: str | Path) -> dict[str, Any]:
    assert main([str(a) for a in (*args, "--json")]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def test_figure_list_json_matches_the_core(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = tmp_path / "case"
    assert main(["init", str(case), "--title", "T", "--examiner", "E"]) == 0
    capsys.readouterr()
    source = run_json(
        capsys, "source", "add", case, "--kind", "report", "--title", "Intel", "--grade", "B3"
    )
    claim = run_json(
        capsys, "claim", "add", case, "--source", source["id"], "--text", "About 80 %."
    )
    run_json(
        capsys,
        "figure", "add", case, "--what", "components from China", "--value", "80",
        "--unit", "%", "--claim", claim["id"], "--source", source["id"],
    )  # fmt: skip
    run_json(
        capsys,
        "figure", "add", case, "--what", "batteries", "--value", "47000000",
        "--unit", "USD", "--as-of", "2025-08", "--source", source["id"],
    )  # fmt: skip
    listed = run_json(capsys, "figure", "list", case)["figures"]
    with Case.open(case, readonly=True) as opened:
        assert listed == [f.to_json() for f in reported_figures(opened)]
    by_what = {f["what"]: f for f in listed}
    share = by_what["components from China"]
    assert share["is_percentage"] is True
    assert share["claim"]["text"] == "About 80 %."
    assert share["sources"][0]["title"] == "Intel"
    assert share["sources"][0]["grade"] == "B3"
    assert (by_what["batteries"]["value"], by_what["batteries"]["unit"]) == (47000000, "USD")
    assert by_what["batteries"]["is_percentage"] is False

    assert main(["figure", "list", str(case)]) == 0
    table = capsys.readouterr().out
    assert "US$47 million" in table
    assert "Intel [B3]" in table
