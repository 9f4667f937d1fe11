"""The feature list walked through the window `pwb gui` builds (`app.gui.build_window`):
every contribution installs, every export format runs from File > Export, the annotation
formats are offered, and the GUI's ingest runs the same post-ingest steps as `pwb ingest`
(the same extraction records, the same hypotheses from metadata, once only).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from app.features import annotation_exports, export_formats, gui_contributions, load
from tests.app.test_export_formats_cli import check_output
from tests.app.test_features import (
    GEO_INPUTS,
    check_hypotheses_from_metadata,
    extraction_records,
    ingest_geo_inputs,
    metadata_hypotheses,
    pwb,
    pwb_json,
)


def test_every_declared_contribution_installs_in_the_window(make_window) -> None:
    window = make_window()
    assert window.contribution_errors == []
    declared = [load(target) for target in gui_contributions()]
    assert [type(c) for c in window.contributions] == declared


def test_every_export_format_runs_from_file_export(
    make_window, qtbot, demo_case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    assert window.open_case(demo_case)
    menu_export = window.actions_.export_menu
    for name, fmt in export_formats().items():
        action = window.findChild(QAction, f"export_{name}")
        assert action is not None, name
        assert action in menu_export.actions()
        assert action.isEnabled()
        assert not action.shortcut().isEmpty()
        assert action.statusTip()
        out = tmp_path / f"gui{fmt.suffix}"
        monkeypatch.setattr(
            "ui.case_export.QFileDialog.getSaveFileName", lambda *_a, o=out: (str(o), "")
        )
        # Other features write to the status bar too (a label pick, say): keep every message.
        shown: list[str] = []
        window.statusBar().messageChanged.connect(shown.append)
        action.trigger()
        dialog = window.case_exports.last_job
        assert dialog is not None
        with qtbot.waitSignal(dialog.job.signals.ended, timeout=120000):
            pass
        assert dialog.error is None, dialog.error
        summary = dialog.result_value
        assert summary is not None
        check_output(name, out, summary, demo_case)
        assert any(name in message for message in shown), shown
        window.statusBar().messageChanged.disconnect(shown.append)
    window.close_case()
    assert pwb("verify", str(demo_case)).returncode == 0


def test_the_annotation_menu_offers_the_declared_formats(
    make_window, case, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = case.root
    case.close()
    window = make_window()
    assert window.open_case(root)
    offered: list[list[str]] = []

    def get_item(_parent, _title, _label, items, *_a):  # type: ignore[no-untyped-def]
        offered.append(list(items))
        return "", False

    monkeypatch.setattr("ui.annotate.exchange_jobs.QInputDialog.getItem", get_item)
    action = next(a for a in window.findChildren(QAction) if a.text() == "E&xport annotations…")
    action.trigger()
    assert offered == [list(annotation_exports())]


def ingest_through_the_window(window: Any, qtbot, paths: list[Path]) -> None:  # type: ignore[no-untyped-def]
    """Case > Add evidence, as a user does: the dialog opens, the files are added, Ingest
    hands the job to the Jobs panel and the dialog closes; then wait for the job."""
    from ui.ingest_dialog import IngestDialog

    window.actions_.actions["add_evidence"].trigger()
    dialog = window.actions_.ingest_dialog
    assert isinstance(dialog, IngestDialog)
    dialog.add_paths(paths)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    job = dialog.ingest_job
    assert job is not None
    qtbot.waitUntil(lambda: not job.running(), timeout=120000)
    assert job.failure is None, job.failure
    report = job.report
    assert report is not None
    assert len(report.items) == len(paths)


def test_gui_ingest_extracts_like_pwb_ingest_and_makes_hypotheses_once(
    make_window, qtbot, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli_case, gui_case = tmp_path / "cli", tmp_path / "gui"
    for root in (cli_case, gui_case):
        assert pwb("init", str(root), "--title", "T").returncode == 0
    ingest_geo_inputs(cli_case, corpus)

    window = make_window()
    assert window.open_case(gui_case)
    ingest_through_the_window(window, qtbot, [corpus / rel for rel, _ in GEO_INPUTS.values()])
    window.close_case()

    expected = extraction_records(cli_case)
    assert all(shown["groups"] for shown in expected.values())  # something was extracted
    assert extraction_records(gui_case) == expected
    check_hypotheses_from_metadata(gui_case)
    assert metadata_hypotheses(gui_case) == metadata_hypotheses(cli_case)

    # Geo > Hypotheses from metadata afterwards finds every one recorded already.
    before = metadata_hypotheses(gui_case)
    assert window.open_case(gui_case)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: told.append(text))
    action = next(
        a for a in window.findChildren(QAction) if a.text() == "Hypotheses from &metadata"
    )
    action.trigger()
    [row] = [r for r in window.jobs_panel.rows() if r.job.name == "Hypotheses from metadata"]
    qtbot.waitUntil(lambda: row.state.text() == "done", timeout=60000)
    assert f"{len(GEO_INPUTS)} already recorded" in row.phase.text()
    assert row.problems_button.isHidden()
    assert told == []  # said in the job's row, not in a box over the work
    window.close_case()
    assert metadata_hypotheses(gui_case) == before
    assert pwb_json("geo", "auto", str(gui_case))["created"] == []
    assert pwb("verify", str(gui_case)).returncode == 0
