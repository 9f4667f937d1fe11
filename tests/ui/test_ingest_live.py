"""Usable while it works: the ingest's row in the Jobs panel shows each phase with counts and
time left, and the views reload while the card is copied and extracted."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from forensics.case import Case
from forensics.media.extract import PostIngestExtraction
from ui.ingest_dialog import IngestDialog
from ui.jobs import JobRunner
from ui.jobs_panel import JobsPanel


def _card(tmp_path: Path, corpus: Path, count: int) -> Path:
    folder = tmp_path / "DCIM" / "100CAMERA"
    folder.mkdir(parents=True)
    data = (corpus / "synthetic" / "gps_control_eiffel.jpg").read_bytes()
    for n in range(count):  # each its own content
        (folder / f"IMG_{n:04d}.JPG").write_bytes(data + n.to_bytes(4, "big"))
    return folder.parent


def test_the_jobs_panel_shows_the_phases_and_the_views_reload_while_it_runs(
    qtbot, case: Case, tmp_path: Path, corpus: Path
) -> None:
    card = _card(tmp_path, corpus, 60)
    runner = JobRunner()
    panel = JobsPanel(runner)
    qtbot.addWidget(panel)
    step = PostIngestExtraction()
    dialog = IngestDialog(runner, case.root, post_ingest=lambda: (step,))
    qtbot.addWidget(dialog)
    dialog.add_paths([card])
    dialog.show()
    shown: list[str] = []
    reloads: list[bool] = []
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    job = dialog.ingest_job
    assert job is not None
    row = panel.row_of(job.job)
    assert row is not None
    job.ingested.connect(lambda: reloads.append(job.report is None))
    job.job.signals.progress.connect(lambda _p, _m: shown.append(row.phase.text()))
    with qtbot.waitSignal(job.job.signals.ended, timeout=120000):
        pass
    step.close()
    assert any(t.startswith("copying and hashing ") and " of 60 files" in t for t in shown)
    assert any("extracting " in t and (" left" in t or "done" in t) for t in shown)
    assert reloads[0] is True, "the views reloaded while the ingest ran"
    assert reloads[-1] is False, "and once more at the end"
    assert row.phase.text().startswith("Done. 60 ingested")
    assert runner.shutdown()
