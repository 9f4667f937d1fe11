"""The job progress shown on a bar: a percentage, or busy when the total is unknown."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar

from ui.jobs import show_percent


def test_a_percentage_fills_the_bar_and_an_unknown_total_makes_it_busy(qtbot) -> None:
    bar = QProgressBar()
    qtbot.addWidget(bar)
    show_percent(bar, -1)
    assert (bar.minimum(), bar.maximum()) == (0, 0)
    show_percent(bar, 42)
    assert (bar.minimum(), bar.maximum(), bar.value()) == (0, 100, 42)
    show_percent(bar, -1)
    assert (bar.minimum(), bar.maximum()) == (0, 0)
