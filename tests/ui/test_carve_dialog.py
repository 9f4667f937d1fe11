"""Carving from the Add evidence dialog: the checkbox, the Carved folder, Cancel mid-carve."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from forensics.case import Case
from forensics.models import ItemKind
from tests.forensics.carving import card_with_hidden_files, fake_photorec
from ui.ingest_dialog import IngestDialog
from ui.jobs import JobRunner


def _dialog(qtbot, case: Case, image: Path) -> tuple[IngestDialog, JobRunner]:
    runner = JobRunner()
    dialog = IngestDialog(runner, case.root)
    qtbot.addWidget(dialog)
    dialog.add_paths([image])
    dialog.show()
    qtbot.mouseClick(dialog.carve, Qt.MouseButton.LeftButton)
    assert dialog.carve.isChecked()
    return dialog, runner


def test_the_carve_checkbox_puts_carved_files_under_a_carved_folder(
    qtbot, case: Case, tmp_path: Path, corpus: Path
) -> None:
    image, written = card_with_hidden_files(tmp_path, corpus)
    dialog, runner = _dialog(qtbot, case, image)
    with qtbot.waitSignal(dialog.ingested, timeout=60000):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running(), timeout=60000)
    (node,) = [i for i in case.items.search() if i.kind == ItemKind.FOLDER and i.name == "Carved"]
    assert node.name == "Carved"
    carved = case.items.children(node.id)
    assert sorted(i.attributes["carving"]["offset"] for i in carved) == sorted(written)
    assert "0 rejected" in dialog.status.text()
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
    dialog, runner = _dialog(qtbot, case, image)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(pid_file.exists, timeout=60000)
    qtbot.waitUntil(lambda: dialog.progress.value() == 25, timeout=10000)
    assert "card.img (carving)" in dialog.status.text()
    with qtbot.waitSignal(dialog.job.signals.ended, timeout=30000):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.report is not None
    assert dialog.report.cancelled
    assert dialog.status.text().startswith("Cancelled.")
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)
    assert not [i for i in case.items.search() if i.kind == ItemKind.FOLDER and i.name == "Carved"]
    assert not any(case.evidence.tmp_dir.iterdir())
    assert runner.shutdown()
