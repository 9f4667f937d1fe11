"""The Qt binding must not leak references to None.

PySide6 6.12.0 on Python 3.11 drops one reference to `None` on every call of a method that
returns nothing (`setText`, `moveTo`…): None is not immortal before Python 3.12, so a long
session (or drawing the map's basemap, a few thousand calls) ends in "Fatal Python error:
none_dealloc". pyproject.toml excludes that release; this test catches any other that does it.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QPointF
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import QLabel

CALLS = 1000


def test_calls_returning_nothing_keep_none_alive(qtbot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    point, obj, path = QPointF(), QObject(), QPainterPath()
    for call in (
        lambda: point.setX(1.0),
        lambda: obj.setObjectName("x"),
        lambda: label.setText("x"),
        lambda: path.moveTo(1.0, 2.0),
    ):
        before = sys.getrefcount(None)
        for _ in range(CALLS):
            call()
        # A leak costs one reference per call; ordinary churn is a handful either way.
        assert sys.getrefcount(None) - before > -CALLS // 2
