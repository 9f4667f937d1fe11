"""The details panel shows an E01's acquisition record: examiner, case number, the check of its
stored hashes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.app.test_cli_e01_acquisition import _acquire, _ingest


def test_details_panel_shows_the_acquisition(qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    e01 = _acquire(tmp_path)
    root = tmp_path / "case"
    code, report, err = _ingest(root, e01)
    assert code == 0, err
    window = make_window()
    assert window.open_case(root)
    with qtbot.waitSignal(window.signals.item_selected, timeout=10000):
        window.tree.select(report["outcomes"][0]["item"]["id"])
    text = window.detail.text()
    assert "Acquisition (E01)" in text
    assert "A. Analyst" in text
    assert "CASE-7" in text
    assert "Stored hashes match\nyes" in text
