"""Fixtures for driving the real main window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def make_window(qtbot, tmp_path: Path) -> Iterator[object]:
    """Build main windows with settings in a temporary ini file; closed after the test."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app.gui import build_window
    from ui.main_window import MainWindow
    from ui.style import apply_style

    # The look `pwb gui` gives the application (Fusion, its font size, the style sheet): sizes
    # and clipping measured in tests are then the ones users see.
    app = QApplication.instance()
    if isinstance(app, QApplication) and not app.property("pwb_styled"):
        apply_style(app)
        app.setProperty("pwb_styled", True)

    made: list[MainWindow] = []

    def make(contributions=None, settings_name: str = "settings.ini") -> MainWindow:
        """The window `pwb gui` builds (every feature) or, given `contributions`, a window
        with only those."""
        settings = QSettings(str(tmp_path / settings_name), QSettings.Format.IniFormat)
        if contributions is None:
            window = build_window(settings, tmp_path / "data", restore_layout=True)
        else:
            window = MainWindow(
                settings,
                data_dir=tmp_path / "data",
                contributions=contributions,
                restore_layout=True,
            )
        qtbot.addWidget(window)
        window.resize(1440, 900)
        window.show()
        made.append(window)
        return window

    yield make
    for window in made:
        window.close()
