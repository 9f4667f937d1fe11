"""Carving from the Add evidence dialog: the checkbox, the Carved folder, and Cancel mid-carve
from the job's row in the Jobs panel."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from forensics.case import Case
from forensics.models import ItemKind
from tests.forensics.carving import card_with_hidden_files, fake_photorec
from ui.ingest_dialog import IngestDialog
from ui.ingest_job import IngestJob
from ui.jobs import JobRunner
from ui.jobs_panel import JobRow, JobsPanel


def _start(qtbot, case: Case, image: Path) -> tuple[IngestJob, JobRow, JobRunner]:
    """Tick Carve in the dialog and click Ingest: the dialog closes, the job has a row."""
    runner = JobRunner()
    panel = JobsPanel(runner)
    qtbot.addWidget(panel)
    dialog = IngestDialog(runner, case.root)
    qtbot.addWidget(dialog)
    dialog.add_paths([image])
    dialog.show()
    qtbot.mouseClick(dialog.carve, Qt.MouseButton.LeftButton)
    assert dialog.carve.isChecked()
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    job = dialog.ingest_job
    assert job is not None
    row = panel.row_of(job.job)
    assert row is not None
    return job, row, runner


def test_the_carve_checkbox_puts_carved_files_under_a_carved_folder(
    qtbot, case: Case, tmp_path: Path, corpus: Path
) -> None:
    image, written = card_with_hidden_files(tmp_path, corpus)
    job, row, runner = _start(qtbot, case, image)
    qtbot.waitUntil(lambda: not job.running(), timeout=60000)
    (node,) = [i for i in case.items.search() if i.kind == ItemKind.FOLDER and i.name == "Carved"]
    assert node.name == "Carved"
    carved = case.items.children(node.id)
    assert sorted(i.attributes["carving"]["offset"] for i in carved) == sorted(written)
    # The job's summary reaches its row by a queued signal, after the job stops running.
    qtbot.waitUntil(lambda: "0 rejected" in row.phase.text(), timeout=10000)
    assert row.state.text() == "done"
    # Nothing was refused; each carved file carries a warning on what carving cannot tell.
    assert row.problems_button.text() == f"Warnings ({len(written)})…"
    assert runner.shutdown()


def test_carving_shows_photorec_progress_and_cancel_kills_it_keeping_nothing(
    qtbot, case: Case, tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    image, _written = card_with_hidden_files(tmp_path, corpus)
    pid_file = tmp_path / "photorec.pid"
    # PhotoRec's status line, as it draws it for a terminal: a quarter of the partition read.
    env = fake_photorec(
        tmp_path / "bin",
        "printf '\\033[5;1HPass 1 - Reading sector     100/400, 0 files found\\n'; "
        f"echo $$ > {pid_file}.tmp; mv {pid_file}.tmp {pid_file}; exec sleep 120",
    )
    monkeypatch.setenv("PATH", env["PATH"])
    job, row, runner = _start(qtbot, case, image)
    qtbot.waitUntil(pid_file.exists, timeout=60000)
    qtbot.waitUntil(lambda: row.bar.value() == 25, timeout=10000)
    assert "card.img (carving)" in row.phase.text()
    with qtbot.waitSignal(job.job.signals.ended, timeout=30000):
        qtbot.mouseClick(row.cancel_button, Qt.MouseButton.LeftButton)
    assert job.report is not None
    assert job.report.cancelled
    assert row.phase.text().startswith("Cancelled.")
    assert row.state.text() == "cancelled"
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)
    assert not [i for i in case.items.search() if i.kind == ItemKind.FOLDER and i.name == "Carved"]
    assert not any(case.evidence.tmp_dir.iterdir())
    assert runner.shutdown()
