"""Running extractors in a worker process that can be killed.

Why a process and not a thread: a decoder stuck in C code (a crafted JPEG, a container with a
billion boxes) cannot be interrupted from Python, and a thread that is merely abandoned keeps
burning a core and holding memory. A process can be killed, and a segfault in a native library
kills only the worker: the file gets a "timeout" or "crashed" result and the next file gets a
fresh worker. The worker is started once and reused (a `forkserver` child: forking the GUI
process, with its threads, is unsafe), so the isolation costs one pipe round trip per file.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import signal
import time
from multiprocessing.connection import Connection
from typing import Any

from forensics.errors import CancelledError
from forensics.jobs import CancelToken
from forensics.media.extractors import REGISTRY, Output, Source

log = logging.getLogger(__name__)

BASE_TIMEOUT_S = 30.0
"""Seconds an extractor may take on any file, plus `SECONDS_PER_GB` per gigabyte."""
SECONDS_PER_GB = 30.0


def timeout_for(size: int) -> float:
    """How long an extractor may take on a file of this size before it is cut off."""
    return BASE_TIMEOUT_S + SECONDS_PER_GB * size / 1e9


def run_inline(name: str, source: Source) -> Output:
    """Run one extractor in this process, turning any exception into a failed output."""
    try:
        return REGISTRY[name].run(source)
    except Exception as exc:  # an extractor bug must become a recorded result
        log.exception("extractor %s failed on %s", name, source.path)
        return Output.failure(f"{name} failed: {type(exc).__name__}: {exc}")


def _serve(conn: Connection) -> None:
    # Ctrl-C reaches the whole process group: the parent decides (it kills us when cancelled).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        name, source = message
        conn.send(run_inline(name, source))


class ProcessRunner:
    """Runs extractors in one reusable worker process with a per-file time limit."""

    def __init__(self, timeout: float | None = None) -> None:
        self._timeout = timeout
        self._proc: Any = None
        self._conn: Connection | None = None

    def _start(self) -> Connection:
        if self._conn is not None and self._proc is not None and self._proc.is_alive():
            return self._conn
        self._stop()
        ctx = multiprocessing.get_context("forkserver")
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(child,), name="pwb-extractor", daemon=True)
        proc.start()
        child.close()
        self._proc, self._conn = proc, parent
        return parent

    def run(self, name: str, source: Source, cancel: CancelToken | None = None) -> Output:
        """Run one extractor on one file in the worker.

        Returns:
            The extractor's output; a "timeout" output when it ran past its limit, a "failed"
            one when the worker died (a crash in a native library).

        Raises:
            CancelledError: the token was cancelled while the extractor ran (the worker is
                killed; nothing of the file is kept).
        """
        conn = self._start()
        limit = self._timeout if self._timeout is not None else timeout_for(source.size)
        conn.send((name, source))
        started = time.monotonic()
        while not conn.poll(0.05):
            if cancel is not None and cancel.cancelled:
                self._kill()
                raise CancelledError("cancelled by the user")
            if time.monotonic() - started > limit:
                self._kill()
                return Output.failure(
                    f"{name} took longer than {limit:.0f} s on this file and was stopped",
                    status="timeout",
                )
            if self._proc is not None and not self._proc.is_alive():
                break
        try:
            result: Output = conn.recv()
        except (EOFError, OSError):
            code = self._proc.exitcode if self._proc is not None else None
            self._stop()
            return Output.failure(f"{name} crashed the extraction worker (exit code {code})")
        return result

    def _kill(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            self._proc.kill()
            self._proc.join(5)
        self._stop()

    def _stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._proc is not None:
            self._proc.join(0)
            self._proc = None

    def close(self) -> None:
        """Ask the worker to exit (killed if it does not within a second)."""
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.send(None)
        if self._proc is not None:
            self._proc.join(1)
        self._kill()

    def __enter__(self) -> ProcessRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
