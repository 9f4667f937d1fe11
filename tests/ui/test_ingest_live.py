"""Usable while it works: the ingest dialog shows each phase with counts and time left, and the
views reload while the card is copied and extracted."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from forensics.case import Case
from forensics.media.extract import PostIngestExtraction
from ui.ingest_dialog import IngestDialog
from ui.jobs import JobRunner


def _card(tmp_path: Path, corpus: Path, count: int) -> Path:
    folder = tmp_path / "DCIM" / "100CAMERA"
    folder.mkdir(parents=True)
    data = (corpus / "synthetic" / "gps_control_eiffel.jpg").read_bytes()
    for n in range(count):  # each its own content
        (folder / f"IMG_{n:04d}.JPG").write_bytes(data + n.to_bytes(4, "big"))
    return folder.parent


def test_the_dialog_shows_the_phases_and_reloads_the_views_while_it_runs(
    qtbot, case: Case, tmp_path: Path, corpus: Path
) -> None:
    card = _card(tmp_path, corpus, 60)
    runner = JobRunner()
    step = PostIngestExtraction()
    dialog = IngestDialog(runner, case.root, post_ingest=lambda: (step,))
    qtbot.addWidget(dialog)
    dialog.add_paths([card])
    dialog.show()
    shown: list[str] = []
    reloads: list[bool] = []
    dialog.ingested.connect(lambda: reloads.append(dialog.report is None))
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert dialog.job is not None
    dialog.job.signals.progress.connect(lambda _p, _m: shown.append(dialog.status.text()))
    with qtbot.waitSignal(dialog.job.signals.ended, timeout=120000):
        pass
    step.close()
    assert any(t.startswith("copying and hashing ") and " of 60 files" in t for t in shown)
    assert any("extracting " in t and (" left" in t or "done" in t) for t in shown)
    assert reloads[0] is True, "the views reloaded while the ingest ran"
    assert reloads[-1] is False, "and once more at the end"
    assert dialog.status.text().startswith("Done. 60 ingested")
    assert runner.shutdown()
