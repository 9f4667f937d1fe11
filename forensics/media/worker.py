"""Running extractors in a worker process that can be killed, many files per round trip.

Why a process and not a thread: a decoder stuck in C code (a crafted JPEG, a container with a
billion boxes) cannot be interrupted from Python, and a thread that is merely abandoned keeps
burning a core and holding memory. A process can be killed, and a segfault in a native library
kills only the worker: the file gets a "timeout" or "crashed" result and the rest of the batch
goes to a fresh worker. Workers are started once and reused (`forkserver` children: forking
the GUI process, with its threads, is unsafe), one per core at most, the second only when the
first has a full chunk queued (one file does not pay for two workers starting). An ingest's
extraction starts the first as the ingest begins (`prestart`), so the fork server's imports
overlap the copying of the first batch instead of following it.

Why batches: one pipe round trip per file cost more than exifread itself on a small JPEG, and
each answer woke the parent (two context switches per file). The parent sends tasks in chunks
and keeps up to `WINDOW` of them queued in the worker, which answers in groups (`GROUP`
answers, or what is done after `GROUP_S`, or the end of a chunk). So the worker never waits
for the parent (the parent stores results while the worker reads the next files: two cores
busy), and neither wakes per file. A file's tasks (EXIF, integrity, thumbnail) go to the same
worker in one chunk, so it reads the file once and decodes it once (`shared_read`).

The deadline stays per file: the worker writes the index of the task it is running and when
it started into a few bytes of shared memory, which the parent reads while it waits. When a
task runs past its limit (or the worker dies), the parent kills the worker, records the
timeout (or crash) for that task, and sends every other task it had not answered again
(to any worker), including the few whose answers died unsent with it. Answers are yielded in
task order whichever worker gave them.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from multiprocessing.connection import Connection, wait

from forensics.errors import CancelledError
from forensics.jobs import CancelToken
from forensics.media.extractors import Extractor, Output, Source
from forensics.media.worker_proc import Sent, WorkerProcess, run_inline
from forensics.textsafe import escape_name

log = logging.getLogger(__name__)

__all__ = ["CHUNK", "WINDOW", "ProcessRunner", "Task", "default_workers", "run_inline"]

BASE_TIMEOUT_S = 30.0
"""Seconds an extractor may take on any file, plus `SECONDS_PER_GB` per gigabyte."""
SECONDS_PER_GB = 30.0
CHUNK = 32
"""Tasks sent to a worker per message (a few more to keep one file's tasks together)."""
WINDOW = 256
"""Tasks sent to one worker but not yet answered, at most: about 80 ms of small JPEGs, so
the worker keeps reading while the parent commits. Bounded so the tasks queued in the pipe
stay well under `PIPE_BUFFER` while the worker blocks on answers the parent has not read."""
_POLL_S = 0.05
_WORKER_MODULE = "forensics.media.worker_proc"
_PRELOAD = (_WORKER_MODULE, "numpy", "pymediainfo")
"""What the fork server imports once for every worker: the extractors, and the libraries
they import only when they run (the ingesting process, which only chooses extractors,
starts without them)."""

Task = tuple[str, Source]
"""One unit of work: an extractor's name and the file it reads."""


def timeout_for(size: int) -> float:
    """How long an extractor may take on a file of this size before it is cut off."""
    return BASE_TIMEOUT_S + SECONDS_PER_GB * size / 1e9


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class ProcessRunner:
    """Runs extractors in reusable worker processes with a per-file time limit.

    Args:
        timeout: seconds per task (default: `timeout_for` the file's size).
        registry: the extractors the workers know (default: the registered ones); they are
            pickled into the workers, so their classes must be importable.
        workers: at most this many worker processes (default: one per core).
    """

    def __init__(
        self,
        timeout: float | None = None,
        registry: Mapping[str, Extractor] | None = None,
        workers: int | None = None,
    ) -> None:
        self._timeout = timeout
        self._registry = None if registry is None else dict(registry)
        self._max = workers or default_workers()
        self._workers: list[WorkerProcess] = []

    @property
    def pid(self) -> int | None:
        """The first worker's process id while it runs (for diagnostics and benchmarks)."""
        return self._workers[0].proc.pid if self._workers else None

    @property
    def pids(self) -> list[int]:
        """Every running worker's process id."""
        return [int(w.proc.pid) for w in self._workers]

    def prestart(self) -> None:
        """Start the first worker now, if none runs: the fork server's imports (0.25 s) then
        overlap whatever the caller does before its first task (an ingest's first batch)."""
        if not self._workers:
            self._spawn()

    def run(self, name: str, source: Source, cancel: CancelToken | None = None) -> Output:
        """Run one extractor on one file in a worker.

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
        tasks: Iterable[Task | None],
        cancel: CancelToken | None = None,
        on_wait: Callable[[], None] | None = None,
        idle: Callable[[], None] | None = None,
    ) -> Generator[tuple[int, Output], None, None]:
        """Run many tasks in the workers, yielding `(task index, output)` in task order.

        `tasks` is read lazily, a window ahead of the answers, so the caller may plan the
        next files while the workers read the current ones. It may yield None for "nothing
        more yet" (a stream fed while it runs); when nothing is in flight either, `idle` is
        called to wait for more (briefly: the loop asks the feed again after it). A task
        that runs past its limit, or that kills its worker, gets a "timeout" or "failed"
        output naming the file; the worker is restarted and the tasks after it run as
        usual. Close the generator
        (`contextlib.closing`) when leaving it early: a worker with answers pending is killed.

        Args:
            tasks: `(extractor name, source)` pairs (None: no task ready yet).
            cancel: checked between answers and while waiting for one.
            on_wait: called when an answer is not ready within `_POLL_S` (a slow file), and
                before `idle`, so the caller can commit what it holds instead of keeping a
                transaction open.
            idle: waits a little for the feed (default: sleeps `_POLL_S`).

        Raises:
            CancelledError: the token was cancelled (busy workers are killed; tasks not yet
                answered are dropped).
        """
        feed = iter(tasks)
        count = 0  # tasks taken from the feed
        order: deque[int] = deque()  # taken, not yet yielded
        ready: dict[int, Output] = {}  # answered, waiting for the tasks before them
        waiting: deque[Sent] = deque()  # to send (or to send again, after a worker died)
        fed_all = False
        try:
            while True:
                while order and order[0] in ready:
                    if cancel is not None and cancel.cancelled:
                        raise CancelledError("cancelled by the user")
                    index = order.popleft()
                    yield index, ready.pop(index)
                if cancel is not None and cancel.cancelled:
                    raise CancelledError("cancelled by the user")
                if not fed_all and len(waiting) < 2 * CHUNK:
                    more, fed_all = _take(feed, 2 * CHUNK - len(waiting))
                    waiting.extend(Sent(count + i, n, s) for i, (n, s) in enumerate(more))
                    order.extend(range(count, count + len(more)))
                    count += len(more)
                if waiting and self._dispatch(waiting, fed_all):
                    continue  # keep the workers' queues full before waiting on them
                if not order or not any(w.sent for w in self._workers):
                    if not order and fed_all:
                        return
                    if on_wait is not None:
                        on_wait()  # about to wait on the feed: hold no transaction open
                    if idle is not None:
                        idle()
                    else:
                        time.sleep(_POLL_S)
                    continue  # then ask the feed again
                answers, lost = self._receive(cancel, on_wait)
                ready.update(answers)
                waiting.extendleft(reversed(sorted(lost, key=lambda t: t.index)))
        finally:
            for worker in list(self._workers):
                if worker.sent:  # abandoned or cancelled with answers pending: no leak
                    worker.kill()
                    self._workers.remove(worker)

    def _dispatch(self, waiting: deque[Sent], fed_all: bool) -> bool:
        """Send one chunk to the least busy worker with room; False when none has room (or
        the chunk is not full yet while the workers are busy and more tasks may come)."""
        size = min(CHUNK, len(waiting))
        while size < len(waiting) and waiting[size].source.path == waiting[size - 1].source.path:
            size += 1  # one file's tasks stay together: one read, one decode
        if size < CHUNK and not fed_all and any(w.sent for w in self._workers):
            return False  # wait for a fuller chunk while the workers have work
        self._workers = [w for w in self._workers if w.sent or w.alive()]  # busy: no waitpid
        roomy = [w for w in self._workers if len(w.sent) + size <= WINDOW]
        target = min(roomy, key=lambda w: len(w.sent), default=None)
        if len(self._workers) < self._max and (
            target is None or (target.sent and len(target.sent) >= CHUNK)
        ):
            target = self._spawn()
        if target is None:
            return False
        chunk = [waiting.popleft() for _ in range(size)]
        try:
            target.send(chunk)
        except OSError:  # it died since: `_receive` records the crash and restarts it
            waiting.extendleft(reversed(chunk))
            if not target.sent:
                target.kill()
                self._workers.remove(target)
                return True  # try again, on another worker
            return False
        return True

    def _spawn(self) -> WorkerProcess:
        ctx = multiprocessing.get_context("forkserver")
        # The fork server imports the decoders once; each worker forks from it ready (a
        # second worker, or one restarted after a crash, then costs no second import).
        ctx.set_forkserver_preload(list(_PRELOAD))
        worker = WorkerProcess(ctx, self._registry)
        self._workers.append(worker)
        return worker

    def _receive(
        self, cancel: CancelToken | None, on_wait: Callable[[], None] | None
    ) -> tuple[list[tuple[int, Output]], list[Sent]]:
        """The next group of answers from any worker, or a timeout or crash for the task a
        worker ran. Returns the answers and the tasks a killed worker had not answered.
        """
        busy = [w for w in self._workers if w.sent]
        by_pipe: dict[Connection, WorkerProcess] = {w.pipe: w for w in busy}
        while True:
            readable = wait(list(by_pipe), _POLL_S)
            if readable:
                worker = by_pipe[readable[0]]  # type: ignore[index]
                break
            if on_wait is not None:
                on_wait()
                on_wait = None
            if cancel is not None and cancel.cancelled:
                for w in busy:
                    w.kill()
                    self._workers.remove(w)
                raise CancelledError("cancelled by the user")
            for w in busy:
                task, since = w.running()
                limit = (
                    self._timeout if self._timeout is not None else timeout_for(task.source.size)
                )
                if time.monotonic() - since > limit:
                    return [(task.index, self._timed_out(w, task, limit))], self._retire(w, task)
            dead = [w for w in busy if not w.alive()]
            if dead:
                worker = dead[0]
                break
        try:
            group: list[tuple[int, Output]] = worker.pipe.recv()
        except (EOFError, OSError):
            task, _since = worker.running()
            code = worker.exit_code()
            log.warning("extractor %s crashed on %s", task.name, escape_name(task.source.path))
            message = (
                f"{task.name} crashed the extraction worker on "
                f"{escape_name(task.source.name)} (exit code {code})"
            )
            return [(task.index, Output.failure(message))], self._retire(worker, task)
        for index, _output in group:
            if index != next(iter(worker.sent), None):  # only a broken protocol does this
                self._retire(worker, None)
                raise RuntimeError(f"extraction worker answered task {index} out of order")
            del worker.sent[index]
        worker.mark = time.monotonic()
        return group, []

    def _timed_out(self, worker: WorkerProcess, task: Sent, limit: float) -> Output:
        log.warning("extractor %s timed out on %s", task.name, escape_name(task.source.path))
        message = (
            f"{task.name} took longer than {limit:.0f} s on "
            f"{escape_name(task.source.name)} and was stopped"
        )
        return Output.failure(message, status="timeout")

    def _retire(self, worker: WorkerProcess, failed: Sent | None) -> list[Sent]:
        """Kill a worker; its unanswered tasks but the one that failed are returned."""
        lost = [t for t in worker.kill() if failed is None or t.index != failed.index]
        self._workers.remove(worker)
        return lost

    def close(self) -> None:
        """Ask the workers to exit (killed if they do not within a second)."""
        for worker in self._workers:
            worker.close()
        self._workers = []

    def __enter__(self) -> ProcessRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _take(feed: Iterator[Task | None], limit: int) -> tuple[list[Task], bool]:
    """Up to `limit` tasks from the feed: stops early at a None; True when it has ended."""
    out: list[Task] = []
    while len(out) < limit:
        task = next(feed, _END)
        if task is _END:
            return out, True
        if task is None:
            break
        out.append(task)  # type: ignore[arg-type]
    return out, False


_END = object()
