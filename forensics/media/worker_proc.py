"""One extraction worker process: its loop, and the parent's handle on it.

The worker receives chunks of tasks and answers in groups (`GROUP` answers, or what is done
after `GROUP_S`, or the end of a chunk), so neither side wakes per file. It writes the index
of the task it is running and when it started into a few bytes of shared memory, which the
parent reads while it waits, so the deadline stays per file (see `worker.py`). It keeps the
bytes and the decoded image of the file its extractors are taking turns on (`shared_read`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from forensics.media import shared_read
from forensics.media.extractors import REGISTRY, Extractor, Output, Source
from forensics.textsafe import escape_name

log = logging.getLogger(__name__)

PIPE_BUFFER = 1 << 20
"""Bytes each end of the pipe may hold unread: room for a window of answers, so a worker
whose parent is busy (committing, or descheduled on a loaded machine) does not stall."""
GROUP = 16
"""Answers the worker sends per message, at most."""
GROUP_S = 0.01
"""Answers older than this are sent before the worker starts its next task."""
IDLE = -1.0


def run_inline(name: str, source: Source, registry: Mapping[str, Extractor] = REGISTRY) -> Output:
    """Run one extractor in this process, turning any exception into a failed output."""
    try:
        return registry[name].run(source)
    except Exception as exc:  # an extractor bug must become a recorded result
        log.exception("extractor %s failed on %s", name, escape_name(source.path))
        return Output.failure(f"{name} failed: {type(exc).__name__}: {exc}")


def serve(conn: Connection, registry: Mapping[str, Extractor] | None, state: Any) -> None:
    """The worker's loop. `state` is shared memory: [task running or -1, when it started]."""
    # Ctrl-C reaches the whole process group: the parent decides (it kills us when cancelled).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    extractors = REGISTRY if registry is None else registry
    shared_read.enable()
    while True:
        state[0] = IDLE
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        answers: list[tuple[int, Output]] = []
        first = 0.0
        for index, name, source in message:
            now = time.monotonic()
            if answers and (len(answers) >= GROUP or now - first >= GROUP_S):
                conn.send(answers)
                answers = []
            state[1] = now  # start first: a torn read then sees a later start, never an earlier
            state[0] = index
            output = run_inline(name, source, extractors)
            if not answers:
                first = time.monotonic()
            answers.append((index, output))
        if answers:
            conn.send(answers)
        if not conn.poll():
            shared_read.forget()  # idle: hold no file while waiting


def widen(conn: Connection) -> None:
    """Raise a pipe end's send buffer to `PIPE_BUFFER` (the default is about 200 KB)."""
    try:
        sock = socket.socket(fileno=os.dup(conn.fileno()))
    except OSError:
        return
    with sock, contextlib.suppress(OSError):  # the system maximum may be lower: keep its
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, PIPE_BUFFER)


@dataclass(frozen=True)
class Sent:
    """A task as the parent keeps it: its index in the caller's stream, extractor, file."""

    index: int
    name: str
    source: Source


class WorkerProcess:
    """The parent's handle on one worker: process, pipe, shared state, tasks not answered."""

    def __init__(self, ctx: Any, registry: Mapping[str, Extractor] | None) -> None:
        parent, child = ctx.Pipe()
        for end in (parent, child):
            widen(end)
        self.state = ctx.RawArray("d", 2)
        self.state[0] = IDLE
        self.proc = ctx.Process(
            target=serve, args=(child, registry, self.state), name="pwb-extractor", daemon=True
        )
        self.proc.start()
        child.close()
        self.pipe: Connection = parent
        self.sent: dict[int, Sent] = {}
        """Sent and not answered, in order."""
        self.mark = 0.0
        """The last sign of life: an answer, or a send while it was idle."""

    def send(self, chunk: list[Sent]) -> None:
        """Queue a chunk of tasks in the worker."""
        if not self.sent:
            self.mark = time.monotonic()
        self.pipe.send([(t.index, t.name, t.source) for t in chunk])
        self.sent.update((t.index, t) for t in chunk)

    def running(self) -> tuple[Sent, float]:
        """The task the worker is on and when it started (the oldest unanswered one and the
        last sign of life when the worker says it is idle)."""
        running, started = int(self.state[0]), float(self.state[1])
        if running in self.sent:
            return self.sent[running], started
        return next(iter(self.sent.values())), self.mark

    def alive(self) -> bool:
        """True while the process runs."""
        return bool(self.proc.is_alive())

    def exit_code(self) -> int | None:
        """The process's exit code, once it is reaped (waits up to a second)."""
        self.proc.join(1)
        code = self.proc.exitcode
        return None if code is None else int(code)

    def kill(self) -> list[Sent]:
        """Kill the process; returns the tasks it had not answered (to send elsewhere)."""
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)
        self.pipe.close()
        self.proc.join(0)
        lost, self.sent = list(self.sent.values()), {}
        return lost

    def close(self) -> None:
        """Ask the worker to exit; killed if it does not within a second."""
        with contextlib.suppress(OSError):
            self.pipe.send(None)
        self.proc.join(1)
        self.kill()
