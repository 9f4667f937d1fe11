"""What long-running core work needs from its caller: a progress callback and a cancel token.

The same function runs from the CLI (terminal bar, Ctrl-C) and the GUI (progress bar, Cancel
button in a QRunnable), so neither tqdm nor Qt appears here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from forensics.errors import CancelledError

ProgressFn = Callable[[int, int, str], None]
"""`progress(done, total, message)`; total is 0 when unknown."""


def no_progress(done: int, total: int, message: str) -> None:
    """A progress callback that ignores every report."""


class CancelToken:
    """A thread-safe flag that asks long work to stop at the next safe point."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the work to stop."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """True once `cancel()` was called."""
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        """Raise `CancelledError` when cancellation was requested.

        Raises:
            CancelledError: the token was cancelled.
        """
        if self._event.is_set():
            raise CancelledError("cancelled by the user")
