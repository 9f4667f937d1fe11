"""Long work never blocks the window: jobs run in the Jobs panel while the user keeps working.

Through the window `pwb gui` builds: Add evidence hands its ingest to the panel and closes,
the catalogue fills as batches are stored, items can be selected and shown meanwhile, a
second job that writes to the case waits queued behind the ingest and can be cancelled
before it starts, and each row has its progress, phase text and Cancel.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from forensics.case import Case
from forensics.jobs import CancelToken, ProgressFn
from ui.ingest_dialog import IngestDialog
from ui.jobs import JobRunner, JobState
from ui.jobs_panel import JobsPanel

SMALL_FILES = 300
"""More than a batch (256 files): the catalogue fills in batch by batch."""


def _card(tmp_path: Path) -> Path:
    folder = tmp_path / "card" / "DCIM"
    folder.mkdir(parents=True)
    for n in range(SMALL_FILES):
        (folder / f"NOTE_{n:04d}.txt").write_bytes(f"note {n}\n".encode() * 8)
    return folder.parent


class HeldStep:
    """A post-ingest step (the kind that runs on each item once the copying is done) that
    holds the ingest until released or cancelled: however fast the machine, the ingest is
    still running while the test browses, and its Cancel is what ends it."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.release = threading.Event()

    def __call__(self, _case: Case, _item: object, cancel: CancelToken) -> list[str]:
        self.reached.set()
        while not self.release.wait(0.02):
            cancel.raise_if_cancelled()
        return []


def _counted(window) -> int:  # type: ignore[no-untyped-def]
    """The item count the catalogue shows ("1,234 items"); 0 before the first count."""
    text = window.catalogue.count_label.text()
    return int(text.split()[0].replace(",", "")) if text else 0


def test_ingest_runs_while_the_user_browses_and_a_queued_job_is_cancelled(
    qtbot, make_window, case: Case, tmp_path: Path
) -> None:
    drone = case.add_item(kind="hardware", name="Gerbera drone", exhibit="EX-001")
    window = make_window()
    held = HeldStep()
    window.post_ingest = lambda: (held,)
    assert window.open_case(case.root)
    jobs_dock = window.findChild(QDockWidget, "dock_jobs")
    assert jobs_dock is not None

    # Case > Add evidence: the dialog is not modal; Ingest hands the job over and closes.
    window.actions_.actions["add_evidence"].trigger()
    dialog = window.actions_.ingest_dialog
    assert isinstance(dialog, IngestDialog)
    assert dialog.isVisible()
    assert not dialog.isModal()
    dialog.add_paths([_card(tmp_path)])
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    ingest = dialog.ingest_job
    assert ingest is not None
    row = window.jobs_panel.row_of(ingest.job)
    assert row is not None
    assert jobs_dock.isVisible()
    assert row.title.text() == "Ingest card"

    # The catalogue fills in as batches are stored, while the ingest still runs: the
    # drone, the card and DCIM folders and the files.
    catalogue = window.catalogue.model
    qtbot.waitUntil(lambda: _counted(window) == SMALL_FILES + 3, timeout=60000)
    # The per-item steps start beside the copying, a batch behind it: on a loaded machine
    # the catalogue can count every file before the held step is reached.
    qtbot.waitUntil(held.reached.is_set, timeout=60000)
    assert ingest.running()
    assert row.state.text() == "running"
    qtbot.waitUntil(lambda: row.phase.text() == f"post-ingest steps 0 of {SMALL_FILES}")
    assert not row.cancel_button.isHidden()

    # Browsing meanwhile: pick the drone in the catalogue; Details shows it.
    drone_row = catalogue.row_of(drone.id)
    assert drone_row is not None
    table = window.catalogue.table
    table.scrollTo(catalogue.index(drone_row, 0))
    rect = table.visualRect(catalogue.index(drone_row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.catalogue.selected_item_id() == drone.id
    qtbot.waitUntil(lambda: "Gerbera drone" in window.detail.text(), timeout=5000)
    assert ingest.running()

    # An export writes to the case (its custody entry): it waits for the ingest, queued.
    out = tmp_path / "items.csv"
    export = window.case_exports.export("csv", out)
    assert export is not None
    export_row = window.jobs_panel.row_of(export.job)
    assert export_row is not None
    qtbot.wait(200)
    assert export.job.state == JobState.QUEUED
    assert export_row.state.text().startswith("queued")
    with qtbot.waitSignal(export.job.signals.ended, timeout=5000):
        qtbot.mouseClick(export_row.cancel_button, Qt.MouseButton.LeftButton)
    assert export_row.state.text() == "cancelled"
    assert ingest.running()  # the other job goes on

    with qtbot.waitSignal(ingest.job.signals.ended, timeout=60000):
        qtbot.mouseClick(row.cancel_button, Qt.MouseButton.LeftButton)
    assert row.state.text() == "cancelled"
    assert ingest.report is not None
    assert ingest.report.cancelled
    assert row.phase.text().startswith(f"Cancelled. {SMALL_FILES} ingested")
    assert row.problems_button.isHidden()  # nothing was refused
    assert not out.exists()  # the queued export never ran
    assert export.result_value is None
    assert window.actions_.actions["add_evidence"].isEnabled()

    # What was stored stays in the catalogue; clearing drops the ended rows.
    assert _counted(window) == SMALL_FILES + 3
    qtbot.mouseClick(window.jobs_panel.clear_button, Qt.MouseButton.LeftButton)
    assert window.jobs_panel.rows() == []


def test_write_jobs_run_one_at_a_time_and_reads_beside_them(qtbot) -> None:
    runner = JobRunner(max_threads=3)
    panel = JobsPanel(runner)
    qtbot.addWidget(panel)
    release = threading.Event()
    order: list[str] = []

    def writer(name: str):  # type: ignore[no-untyped-def]
        def work(progress: ProgressFn, cancel: CancelToken) -> str:
            order.append(f"{name} started")
            progress(1, 2, f"{name} halfway")
            while not release.wait(0.01):
                cancel.raise_if_cancelled()
            order.append(f"{name} ended")
            return name

        return work

    first = runner.start("First write", writer("first"), writes=True)
    second = runner.start("Second write", writer("second"), writes=True)
    read = runner.start("A read", lambda _p, _c: order.append("read") or "read")
    qtbot.waitUntil(lambda: "read" in order and "first started" in order, timeout=5000)
    assert second.state == JobState.QUEUED
    assert runner.queued() == [second]
    rows = {r.job.name: r for r in panel.rows()}
    assert rows["Second write"].state.text().startswith("queued")
    qtbot.waitUntil(lambda: rows["First write"].phase.text() == "first halfway", timeout=5000)
    assert rows["First write"].bar.value() == 50
    assert read.state == JobState.DONE
    with qtbot.waitSignal(second.signals.ended, timeout=5000):
        release.set()
    assert order.index("first ended") < order.index("second started")
    assert first.state == second.state == JobState.DONE
    assert rows["Second write"].state.text() == "done"
    assert runner.shutdown()


def test_a_failed_job_lists_its_reason_in_its_row(qtbot) -> None:
    runner = JobRunner()
    panel = JobsPanel(runner)
    qtbot.addWidget(panel)

    def fails(_progress: ProgressFn, _cancel: CancelToken) -> None:
        raise OSError("disk.bin: input/output error")

    job = runner.start("Broken", fails, writes=True)
    with qtbot.waitSignal(job.signals.ended, timeout=5000):
        pass
    [row] = panel.rows()
    assert row.state.text() == "failed"
    assert row.problems_button.text() == "Problems (1)…"
    qtbot.mouseClick(row.problems_button, Qt.MouseButton.LeftButton)
    assert row.problems_dialog is not None
    assert "disk.bin: input/output error" in row.problems_dialog.text.toPlainText()
    assert runner.shutdown()


def test_add_evidence_and_verify_leave_the_window_usable_and_close_with_their_case(
    qtbot, make_window, case: Case
) -> None:
    case.add_item(kind="hardware", name="Gerbera drone", exhibit="EX-001")
    window = make_window()
    assert window.open_case(case.root)
    window.actions_.actions["add_evidence"].trigger()
    ingest_dialog = window.actions_.ingest_dialog
    assert ingest_dialog is not None
    assert ingest_dialog.isVisible()
    window.actions_.actions["verify"].trigger()  # returns at once: nothing modal is up
    verify = window.actions_.verify_dialog
    assert verify is not None
    assert verify.isVisible()
    assert not verify.isModal()
    assert verify.job is not None
    row = window.jobs_panel.row_of(verify.job)
    assert row is not None
    qtbot.waitUntil(lambda: row.state.text() == "done", timeout=30000)
    assert verify.report is not None
    assert verify.report.ok

    window.close_case()  # what the dialogs were about is gone: so are they
    assert not ingest_dialog.isVisible()
    assert not verify.isVisible()


def test_closing_the_case_asks_before_it_stops_running_jobs(
    qtbot, make_window, case: Case, tmp_path: Path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    answers: list[QMessageBox.StandardButton] = []
    asked: list[str] = []

    def question(_parent, _title, text, *_a):  # type: ignore[no-untyped-def]
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    window = make_window()
    held = HeldStep()
    window.post_ingest = lambda: (held,)
    assert window.open_case(case.root)
    close = window.actions_.actions["close_case"]
    close.trigger()  # nothing runs: no question
    assert asked == []
    assert window.current_case() is None
    assert window.open_case(case.root)

    ingest = window.actions_.ingest([_card(tmp_path)])
    qtbot.waitUntil(held.reached.is_set, timeout=60000)
    answers.append(QMessageBox.StandardButton.No)
    close.trigger()
    assert "Ingest card (running)" in asked[-1]
    assert window.current_case() is not None  # kept, and its ingest goes on
    assert ingest.running()

    answers.append(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(ingest.job.signals.ended, timeout=30000):
        close.trigger()
    assert window.current_case() is None
    assert ingest.report is not None
    assert ingest.report.cancelled


def test_the_status_bar_cuts_a_long_phase_in_the_middle_and_keeps_it_whole_in_the_tooltip(
    qtbot,
) -> None:
    from ui.job_status import JobStatusBar

    runner = JobRunner()
    bar = JobStatusBar(runner)
    qtbot.addWidget(bar)
    bar.resize(900, 30)
    bar.show()
    release = threading.Event()
    phase = "copying and hashing " + "/media/card/DCIM/" * 12 + "GOPR0042.MP4"

    def work(progress: ProgressFn, cancel: CancelToken) -> None:
        progress(1, 4, phase)
        while not release.wait(0.01):
            cancel.raise_if_cancelled()

    job = runner.start("Ingest", work, writes=True)
    label = bar.job_label
    qtbot.waitUntil(lambda: label.text().endswith(phase), timeout=5000)
    assert label.toolTip() == label.text() == f"Ingest: {phase}"
    assert label.width() <= 900 // 3
    assert label.is_elided()  # drawn cut in the middle: the file name at the end stays
    with qtbot.waitSignal(job.signals.ended, timeout=5000):
        release.set()
    assert runner.shutdown()
