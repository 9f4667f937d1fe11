"""Ingest (with a Cancel in the middle), register and edit items, verify: through the dialogs."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from forensics.case import Case
from tests.ui.helpers import populate
from ui.about import AboutDialog
from ui.ingest_dialog import IngestDialog
from ui.item_dialog import ItemDialog
from ui.jobs import JobRunner
from ui.jobs_panel import JobsPanel
from ui.verify_dialog import VerifyDialog


def test_ingest_with_a_cancel_in_the_middle(
    qtbot, case: Case, tmp_path: Path, corpus: Path
) -> None:
    small = corpus / "synthetic" / "gps_control_eiffel.jpg"
    big = tmp_path / "card.bin"
    with big.open("wb") as f:
        f.truncate(768 * 1024 * 1024)  # sparse: big to hash, cheap to make
    runner = JobRunner()
    panel = JobsPanel(runner)
    qtbot.addWidget(panel)
    dialog = IngestDialog(runner, case.root)
    qtbot.addWidget(dialog)
    dialog.add_paths([small, big])
    dialog.show()
    percents: list[int] = []
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    job = dialog.ingest_job
    assert job is not None
    assert job.running()
    [row] = panel.rows()
    job.job.signals.progress.connect(lambda p, _m: percents.append(p))
    qtbot.waitUntil(lambda: any(0 < p < 90 for p in percents), timeout=30000)
    with qtbot.waitSignal(job.job.signals.ended, timeout=30000):
        qtbot.mouseClick(row.cancel_button, Qt.MouseButton.LeftButton)
    report = job.report
    assert report is not None
    assert report.cancelled
    assert [o.status for o in report.outcomes] == ["ingested"]
    assert row.phase.text().startswith("Cancelled. 1 ingested")
    assert not job.running()
    names = [i.name for i in case.items.search()]
    assert names == ["gps_control_eiffel.jpg"]  # nothing half-stored of the big file
    assert not any(case.evidence.tmp_dir.iterdir())
    assert runner.shutdown()


def test_rejected_inputs_are_listed_in_a_copyable_dialog(
    qtbot, case: Case, tmp_path: Path, corpus: Path
) -> None:
    missing = tmp_path / "gone.jpg"
    runner = JobRunner()
    panel = JobsPanel(runner)
    qtbot.addWidget(panel)
    dialog = IngestDialog(runner, case.root)
    qtbot.addWidget(dialog)
    dialog.add_paths([corpus / "synthetic" / "gps_control_rio_sw.jpg", missing])
    job = dialog.start()
    assert job is not None
    qtbot.waitUntil(lambda: not job.running(), timeout=20000)
    [row] = panel.rows()
    assert row.phase.text().startswith("Done. 1 ingested")
    assert row.problems_button.text() == "Problems (1)…"
    qtbot.mouseClick(row.problems_button, Qt.MouseButton.LeftButton)
    errors = row.problems_dialog
    assert errors is not None
    assert errors.windowTitle() == "Ingest: files with problems"
    text = errors.text.toPlainText()
    assert "gone.jpg" in text
    errors.copy()
    assert QGuiApplication.clipboard().text() == text
    assert runner.shutdown()


def test_register_and_edit_a_hardware_item(qtbot, case: Case) -> None:
    dialog = ItemDialog(case)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "Gerbera drone")
    qtbot.keyClicks(dialog.marking, "GRB-01")
    qtbot.keyClicks(dialog.reason, "recovered at site")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    drone = dialog.saved
    assert case.items.get(drone.id).marking == "GRB-01"

    edit = ItemDialog(case, item_id=drone.id)
    qtbot.addWidget(edit)
    assert edit.name.text() == "Gerbera drone"
    edit.name.setText("Gerbera drone (left wing)")
    qtbot.keyClicks(edit.reason, "wing found separately")
    edit.save()
    assert case.items.get(drone.id).name == "Gerbera drone (left wing)"
    last = case.custody.entries(item_id=drone.id)[-1]
    assert last.action == "item_edited"
    assert last.reason == "wing found separately"
    assert last.details["changes"]["name"]["to"] == "Gerbera drone (left wing)"


def test_an_empty_name_is_refused_and_the_dialog_stays(qtbot, case: Case, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]))
    dialog = ItemDialog(case)
    qtbot.addWidget(dialog)
    dialog.save()
    assert dialog.saved is None
    assert "name" in warned[0]


def test_verify_is_green_on_a_clean_case_and_red_after_tampering(
    qtbot, case: Case, corpus: Path
) -> None:
    ids = populate(case, corpus)
    runner = JobRunner()
    dialog = VerifyDialog(runner, case.root)
    qtbot.addWidget(dialog)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20000)
    assert dialog.report.ok
    assert "verifies clean" in dialog.banner.text()
    assert "#2e7d32" in dialog.banner.styleSheet()
    assert not dialog.table.isVisible()

    stored = case.evidence.path_of(case.items.get(ids["gps_control_eiffel.jpg"]).sha256)
    os.chmod(stored, 0o644)
    data = bytearray(stored.read_bytes())
    data[-10] ^= 0xFF
    stored.write_bytes(bytes(data))
    again = VerifyDialog(runner, case.root)
    qtbot.addWidget(again)
    again.start()
    qtbot.waitUntil(lambda: again.report is not None, timeout=20000)
    assert not again.report.ok
    assert again.table.rowCount() >= 1
    assert "finding" in again.banner.text()
    eiffel = ids["gps_control_eiffel.jpg"]
    shown = [again.table.item(r, 2).text() for r in range(again.table.rowCount())]
    assert f"gps_control_eiffel.jpg ({eiffel[:8]})" in shown  # a name, not a bare UUID
    assert runner.shutdown()


def test_about_names_the_data_sources_and_licences(qtbot) -> None:
    about = AboutDialog()
    qtbot.addWidget(about)
    text = about.text()
    for needle in (
        "GeoNames",
        "CC BY 4.0",
        "Natural Earth",
        "public domain",
        "PySceneDetect",
        "CC BY-SA 4.0",
        "LGPL",
    ):
        assert needle in text
