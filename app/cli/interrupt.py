"""Ctrl-C during long work: the first press cancels cleanly, a second one aborts."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from app.cli.output import ProgressBar, warn
from forensics.jobs import CancelToken


@contextmanager
def cancel_on_sigint() -> Iterator[CancelToken]:
    """A cancel token set by SIGINT for the duration of the block."""
    token = CancelToken()

    def handler(signum: int, frame: FrameType | None) -> None:
        if token.cancelled:
            raise KeyboardInterrupt
        token.cancel()
        warn("\ninterrupted: finishing cleanly (press Ctrl-C again to abort)")

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield token
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def long_work(label: str) -> Iterator[tuple[ProgressBar, CancelToken]]:
    """A terminal progress bar and a Ctrl-C cancel token for one long core call; the bar's
    line is ended however the block leaves."""
    bar = ProgressBar(label)
    try:
        with cancel_on_sigint() as cancel:
            yield bar, cancel
    finally:
        bar.close()
