"""Running extractors in a worker process that can be killed, many files per round trip.

Why a process and not a thread: a decoder stuck in C code (a crafted JPEG, a container with a
billion boxes) cannot be interrupted from Python, and a thread that is merely abandoned keeps
burning a core and holding memory. A process can be killed, and a segfault in a native library
kills only the worker: the file gets a "timeout" or "crashed" result and the rest of the batch
goes to a fresh worker. The worker is started once and reused (a `forkserver` child: forking
the GUI process, with its threads, is unsafe).

Why batches: one pipe round trip per file cost more than exifread itself on a small JPEG, and
each answer woke the parent (two context switches per file). The parent sends tasks in chunks
and keeps up to `WINDOW` of them queued in the worker, which answers in groups (`GROUP`
answers, or what is done after `GROUP_S`, or the end of a chunk). So the worker never waits
for the parent (the parent stores results while the worker reads the next files: two cores
busy), and neither wakes per file.

The deadline stays per file: the worker writes the index of the task it is running and when
it started into a few bytes of shared memory, which the parent reads while it waits. When a
task runs past its limit (or the worker dies), the parent kills the worker, records the
timeout (or crash) for that task, and sends every other unanswered task again to a fresh
worker, including the few whose answers died unsent with it.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import os
import signal
import socket
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from forensics.errors import CancelledError
from forensics.jobs import CancelToken
from forensics.media.extractors import REGISTRY, Extractor, Output, Source
from forensics.textsafe import escape_name

log = logging.getLogger(__name__)

BASE_TIMEOUT_S = 30.0
"""Seconds an extractor may take on any file, plus `SECONDS_PER_GB` per gigabyte."""
SECONDS_PER_GB = 30.0
CHUNK = 32
"""Tasks sent to the worker per message."""
WINDOW = 256
"""Tasks sent but not yet answered, at most: about 80 ms of small JPEGs, so the worker keeps
reading while the parent commits. Bounded so the tasks queued in the pipe stay well under
`PIPE_BUFFER` while the worker blocks on answers the parent has not read (no deadlock)."""
PIPE_BUFFER = 1 << 20
"""Bytes each end of the pipe may hold unread: room for a window of answers, so a worker
whose parent is busy (committing, or descheduled on a loaded machine) does not stall."""
GROUP = 16
"""Answers the worker sends per message, at most."""
GROUP_S = 0.01
"""Answers older than this are sent before the worker starts its next task."""
_POLL_S = 0.05
_IDLE = -1.0

Task = tuple[str, Source]
"""One unit of work: an extractor's name and the file it reads."""


def timeout_for(size: int) -> float:
    """How long an extractor may take on a file of this size before it is cut off."""
    return BASE_TIMEOUT_S + SECONDS_PER_GB * size / 1e9


def run_inline(name: str, source: Source, registry: Mapping[str, Extractor] = REGISTRY) -> Output:
    """Run one extractor in this process, turning any exception into a failed output."""
    try:
        return registry[name].run(source)
    except Exception as exc:  # an extractor bug must become a recorded result
        log.exception("extractor %s failed on %s", name, escape_name(source.path))
        return Output.failure(f"{name} failed: {type(exc).__name__}: {exc}")


def _serve(conn: Connection, registry: Mapping[str, Extractor] | None, state: Any) -> None:
    """The worker's loop. `state` is shared memory: [task running or -1, when it started]."""
    # Ctrl-C reaches the whole process group: the parent decides (it kills us when cancelled).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    extractors = REGISTRY if registry is None else registry
    while True:
        state[0] = _IDLE
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


def _widen(conn: Connection) -> None:
    """Raise a pipe end's send buffer to `PIPE_BUFFER` (the default is about 200 KB)."""
    try:
        sock = socket.socket(fileno=os.dup(conn.fileno()))
    except OSError:
        return
    with sock, contextlib.suppress(OSError):  # the system maximum may be lower: keep its
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, PIPE_BUFFER)


@dataclass(frozen=True)
class _Sent:
    index: int
    name: str
    source: Source


class ProcessRunner:
    """Runs extractors in one reusable worker process with a per-file time limit.

    Args:
        timeout: seconds per task (default: `timeout_for` the file's size).
        registry: the extractors the worker knows (default: the registered ones); they are
            pickled into the worker, so their classes must be importable.
    """

    def __init__(
        self, timeout: float | None = None, registry: Mapping[str, Extractor] | None = None
    ) -> None:
        self._timeout = timeout
        self._registry = None if registry is None else dict(registry)
        self._proc: Any = None
        self._conn: Connection | None = None
        self._state: Any = None

    def _start(self) -> Connection:
        if self._conn is not None and self._proc is not None and self._proc.is_alive():
            return self._conn
        self._stop()
        ctx = multiprocessing.get_context("forkserver")
        parent, child = ctx.Pipe()
        for end in (parent, child):
            _widen(end)
        state = ctx.RawArray("d", 2)
        state[0] = _IDLE
        proc = ctx.Process(
            target=_serve, args=(child, self._registry, state), name="pwb-extractor", daemon=True
        )
        proc.start()
        child.close()
        self._proc, self._conn, self._state = proc, parent, state
        return parent

    @property
    def pid(self) -> int | None:
        """The worker's process id while it runs (for diagnostics and benchmarks)."""
        return None if self._proc is None else int(self._proc.pid)

    def run(self, name: str, source: Source, cancel: CancelToken | None = None) -> Output:
        """Run one extractor on one file in the worker.

        Returns:
            The extractor's output; a "timeout" output when it ran past its limit, a "failed"
            one when the worker died (a crash in a native library).

        Raises:
            CancelledError: the token was cancelled while the extractor ran (the worker is
                killed; nothing of the file is kept).
        """
        with contextlib.closing(self.run_many([(name, source)], cancel)) as answers:
            for _index, output in answers:
                return output
        raise AssertionError("run_many answers every task")  # pragma: no cover

    def run_many(
        self,
        tasks: Iterable[Task],
        cancel: CancelToken | None = None,
        on_wait: Callable[[], None] | None = None,
    ) -> Generator[tuple[int, Output], None, None]:
        """Run many tasks in the worker, yielding `(task index, output)` in task order.

        `tasks` is read lazily, `WINDOW` tasks ahead of the answers, so the caller may plan
        the next files while the worker reads the current ones. A task that runs past its
        limit, or that kills the worker, gets a "timeout" or "failed" output naming the file;
        the worker is restarted and the tasks after it run as usual. Close the generator
        (`contextlib.closing`) when leaving it early: a worker with answers pending is killed.

        Args:
            tasks: `(extractor name, source)` pairs.
            cancel: checked between answers and while waiting for one.
            on_wait: called when an answer is not ready within `_POLL_S` (a slow file), so
                the caller can commit what it holds instead of keeping a transaction open.

        Raises:
            CancelledError: the token was cancelled (the worker is killed if it was busy;
                tasks not yet answered are dropped).
        """
        feed = enumerate(tasks)
        order: deque[int] = deque()  # taken from `feed`, not yet yielded
        ready: dict[int, Output] = {}  # answered, waiting for the tasks before them
        waiting: deque[_Sent] = deque()  # to send (or to send again, to a fresh worker)
        sent: dict[int, _Sent] = {}  # sent, not answered, in order
        fed_all = False
        mark = 0.0  # last sign of life: an answer, or a send to an idle worker
        try:
            while True:
                while order and order[0] in ready:
                    if cancel is not None and cancel.cancelled:
                        raise CancelledError("cancelled by the user")
                    index = order.popleft()
                    yield index, ready.pop(index)
                if cancel is not None and cancel.cancelled:
                    raise CancelledError("cancelled by the user")
                if not fed_all and len(waiting) < CHUNK:
                    more = [_Sent(i, n, s) for i, (n, s) in itertools.islice(feed, CHUNK)]
                    fed_all = len(more) < CHUNK
                    waiting.extend(more)
                    order.extend(t.index for t in more)
                if waiting and len(sent) + min(CHUNK, len(waiting)) <= WINDOW:
                    if not sent:
                        mark = time.monotonic()
                    chunk = [waiting.popleft() for _ in range(min(CHUNK, len(waiting)))]
                    self._start().send([(t.index, t.name, t.source) for t in chunk])
                    sent.update((t.index, t) for t in chunk)
                    continue  # keep the worker's queue full before waiting on it
                if not order:
                    return
                ready.update(self._receive(sent, mark, cancel, on_wait))
                mark = time.monotonic()
                if self._conn is None:  # the worker was killed: send the rest again
                    waiting.extendleft(reversed(list(sent.values())))
                    sent.clear()
        finally:
            if sent:  # abandoned or cancelled with answers pending: they must not leak
                self._kill()

    def _receive(
        self,
        sent: dict[int, _Sent],
        mark: float,
        cancel: CancelToken | None,
        on_wait: Callable[[], None] | None,
    ) -> list[tuple[int, Output]]:
        """The worker's next group of answers, or a timeout or crash for the task it ran.

        Answered tasks (and the one that failed) are removed from `sent`.
        """
        conn = self._conn
        assert conn is not None
        while not conn.poll(_POLL_S):
            if on_wait is not None:
                on_wait()
                on_wait = None
            if cancel is not None and cancel.cancelled:
                self._kill()
                raise CancelledError("cancelled by the user")
            task, since = self._running(sent, mark)
            limit = self._timeout if self._timeout is not None else timeout_for(task.source.size)
            if time.monotonic() - since > limit:
                self._kill()
                del sent[task.index]
                log.warning(
                    "extractor %s timed out on %s", task.name, escape_name(task.source.path)
                )
                message = (
                    f"{task.name} took longer than {limit:.0f} s on "
                    f"{escape_name(task.source.name)} and was stopped"
                )
                return [(task.index, Output.failure(message, status="timeout"))]
            if self._proc is not None and not self._proc.is_alive():
                break
        try:
            group: list[tuple[int, Output]] = conn.recv()
        except (EOFError, OSError):
            task, _since = self._running(sent, mark)
            code = None
            if self._proc is not None:
                self._proc.join(1)  # its exit code is known once it is reaped
                code = self._proc.exitcode
            self._kill()
            del sent[task.index]
            log.warning("extractor %s crashed on %s", task.name, escape_name(task.source.path))
            message = (
                f"{task.name} crashed the extraction worker on "
                f"{escape_name(task.source.name)} (exit code {code})"
            )
            return [(task.index, Output.failure(message))]
        for index, _output in group:
            if index != next(iter(sent), None):  # only a broken protocol does this: never guess
                self._kill()
                raise RuntimeError(f"extraction worker answered task {index} out of order")
            del sent[index]
        return group

    def _running(self, sent: dict[int, _Sent], mark: float) -> tuple[_Sent, float]:
        """The task the worker is on and when it started (the oldest unanswered one and the
        last sign of life when the worker says it is idle)."""
        running, started = int(self._state[0]), float(self._state[1])
        if running in sent:
            return sent[running], started
        return next(iter(sent.values())), mark

    def _kill(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            self._proc.kill()
            self._proc.join(5)
        self._stop()

    def _stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
            self._state = None
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
