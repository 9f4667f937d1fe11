"""Run work once a window has painted for the first time.

Work that can wait for the user's first look (decoding the first video, which loads OpenCV on
the decoder's thread) must not compete with that first paint: an import holds the GIL that the
paint's Python callbacks (models' `data()`, delegates) need, and made the first paint 2-3x
slower. Qt paints a top-level window when it handles the window's `UpdateRequest`; a call
posted from inside that event runs right after the paint.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

FALLBACK_MS = 1000
"""When no paint comes (nothing on screen changed), the call runs after this long anyway."""


class _FirstPaint(QObject):
    def __init__(self, window: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(window)
        self._window = window
        self._callback: Callable[[], None] | None = callback
        window.installEventFilter(self)
        QTimer.singleShot(FALLBACK_MS, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.UpdateRequest:
            QTimer.singleShot(0, self, self._fire)
        return False

    def _fire(self) -> None:
        if self._callback is None:
            return
        callback, self._callback = self._callback, None
        self._window.removeEventFilter(self)
        self.deleteLater()
        callback()


def after_first_paint(window: QWidget, callback: Callable[[], None]) -> None:
    """Call `callback` once `window` has painted; at once (from the event loop) when the window
    is not on screen, as in tests and before `show()`, since no paint is coming then."""
    if window.isVisible():
        _FirstPaint(window, callback)
    else:
        QTimer.singleShot(0, callback)
