"""Merging an archive whose team deleted records, in the real main window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from forensics.case import Case
from forensics.exchange.unpack import unpack_archive
from tests.forensics.exchange.deletions import diverge, make_shared
from tests.forensics.exchange.helpers import UNSIGNED
from ui.exchange.contribution import ExchangeContribution


def test_deleted_there_conflict_taken_and_kept_in_the_dialog(
    make_window, qtbot, qtmodeltester, case: Case, corpus: Path, tmp_path: Path, monkeypatch
):
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    shared = make_shared(case, corpus, tmp_path)
    ours = unpack_archive(shared.base, tmp_path / "ours", limits=UNSIGNED).dest
    with Case.open(ours) as opened:
        diverge(opened, shared)
    made: list[ExchangeContribution] = []

    def factory() -> ExchangeContribution:
        made.append(ExchangeContribution())
        return made[-1]

    window = make_window(contributions=(factory,))
    assert window.open_case(ours)
    contribution = made[0]
    job = contribution.merge(shared.theirs)
    assert job is not None
    with qtbot.waitSignal(job.job.signals.ended, timeout=60000):
        pass
    assert "4 deleted" in window.statusBar().currentMessage()
    assert "not applied" in window.statusBar().currentMessage()
    dialog = contribution.conflicts_dialog
    model = dialog.model
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    # The Record column names the record; its full id is the tooltip.
    tip = Qt.ItemDataRole.ToolTipRole
    rows = {model.index(r, 1).data(tip): r for r in range(model.rowCount())}
    assert all(model.index(r, 1).data() != model.index(r, 1).data(tip) for r in rows.values())
    edited, used = rows[shared.edited], rows[shared.used]
    assert model.index(edited, 2).data() == "deleted there, edited here"
    assert model.index(used, 2).data().startswith("deleted there, edited here; used by")
    assert "deleted in their case by B" in model.index(edited, 4).data()
    assert "wrong frame" in model.index(edited, 4).data()

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: shown.append(text))
    dialog.view.selectRow(used)
    qtbot.mouseClick(dialog.take_theirs, Qt.MouseButton.LeftButton)
    assert "still used here" in shown[0]
    assert model.rowCount() == 2

    dialog.view.selectRow(rows[shared.edited])
    qtbot.mouseClick(dialog.take_theirs, Qt.MouseButton.LeftButton)
    assert model.rowCount() == 1
    assert model.index(0, 1).data(tip) == shared.used
    qtbot.mouseClick(dialog.keep_mine, Qt.MouseButton.LeftButton)
    assert model.rowCount() == 0
    current = window.current_case()
    assert current.custody.entries(subject=("annotation", shared.edited))[-1].action == (
        "merge_deleted"
    )
    assert current.custody.entries(subject=("annotation", shared.used))[-1].action != (
        "merge_deleted"
    )
