"""Running extractors in a worker process that can be killed, many files per round trip.

Why a process and not a thread: a decoder stuck in C code (a crafted JPEG, a container with a
billion boxes) cannot be interrupted from Python, and a thread that is merely abandoned keeps
burning a core and holding memory. A process can be killed, and a segfault in a native library
kills only the worker: the file gets a "timeout" or "crashed" result and the rest of the batch
goes to a fresh worker. The worker is started once and reused (a `forkserver` child: forking
the GUI process, with its threads, is unsafe).

Why batches: one pipe round trip per file cost more than exifread itself on a small JPEG. The
parent sends tasks in chunks and keeps up to `WINDOW` of them queued in the worker, which
answers each task as it finishes it. So the worker never waits for the parent (the parent
stores results while the worker reads the next files: two cores busy), and the parent still
knows which file the worker is on: results come back in order, so the file after the last
answer is the one running. Its deadline counts from that answer.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import signal
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
WINDOW = 128
"""Tasks sent but not yet answered, at most. Bounded so the tasks queued in the pipe stay well
under its buffer (about 200 KB) while the worker blocks on answers the parent has not read."""
_POLL_S = 0.05

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


def _serve(conn: Connection, registry: Mapping[str, Extractor] | None) -> None:
    # Ctrl-C reaches the whole process group: the parent decides (it kills us when cancelled).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    extractors = REGISTRY if registry is None else registry
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        for index, name, source in message:
            conn.send((index, run_inline(name, source, extractors)))


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

    def _start(self) -> Connection:
        if self._conn is not None and self._proc is not None and self._proc.is_alive():
            return self._conn
        self._stop()
        ctx = multiprocessing.get_context("forkserver")
        parent, child = ctx.Pipe()
        proc = ctx.Process(
            target=_serve, args=(child, self._registry), name="pwb-extractor", daemon=True
        )
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
        waiting: deque[_Sent] = deque()  # taken from `feed`, not sent yet (or to resend)
        sent: deque[_Sent] = deque()  # sent, not answered, in order
        fed_all = False
        mark = 0.0  # when the head of `sent` started at the latest (an answer or a send)
        try:
            while True:
                if cancel is not None and cancel.cancelled:
                    raise CancelledError("cancelled by the user")
                if not fed_all and len(waiting) < CHUNK:
                    more = [_Sent(i, n, s) for i, (n, s) in itertools.islice(feed, CHUNK)]
                    fed_all = len(more) < CHUNK
                    waiting.extend(more)
                if waiting and len(sent) + min(CHUNK, len(waiting)) <= WINDOW:
                    if not sent:
                        mark = time.monotonic()
                    chunk = [waiting.popleft() for _ in range(min(CHUNK, len(waiting)))]
                    self._start().send([(t.index, t.name, t.source) for t in chunk])
                    sent.extend(chunk)
                    continue  # keep the worker's queue full before waiting on it
                if not sent:
                    return
                head = sent[0]
                output = self._answer(head, mark, cancel, on_wait)
                mark = time.monotonic()
                sent.popleft()
                if self._conn is None:  # the worker was killed: send the rest again
                    waiting.extendleft(reversed(sent))
                    sent.clear()
                yield head.index, output
        finally:
            if sent:  # abandoned or cancelled with answers pending: they must not leak
                self._kill()

    def _answer(
        self,
        head: _Sent,
        mark: float,
        cancel: CancelToken | None,
        on_wait: Callable[[], None] | None,
    ) -> Output:
        """The worker's answer to the oldest task sent, or why there is none."""
        conn = self._conn
        assert conn is not None
        limit = self._timeout if self._timeout is not None else timeout_for(head.source.size)
        while not conn.poll(_POLL_S):
            if on_wait is not None:
                on_wait()
                on_wait = None
            if cancel is not None and cancel.cancelled:
                self._kill()
                raise CancelledError("cancelled by the user")
            if time.monotonic() - mark > limit:
                self._kill()
                path = escape_name(head.source.path)
                log.warning("extractor %s timed out on %s", head.name, path)
                return Output.failure(
                    f"{head.name} took longer than {limit:.0f} s on "
                    f"{escape_name(head.source.name)} and was stopped",
                    status="timeout",
                )
            if self._proc is not None and not self._proc.is_alive():
                break
        try:
            index, result = conn.recv()
        except (EOFError, OSError):
            code = None
            if self._proc is not None:
                self._proc.join(1)  # its exit code is known once it is reaped
                code = self._proc.exitcode
            self._kill()
            log.warning("extractor %s crashed on %s", head.name, escape_name(head.source.path))
            return Output.failure(
                f"{head.name} crashed the extraction worker on "
                f"{escape_name(head.source.name)} (exit code {code})"
            )
        if index != head.index:  # cannot happen unless the protocol is broken: never guess
            self._kill()
            raise RuntimeError(f"extraction worker answered task {index}, expected {head.index}")
        output: Output = result
        return output

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
