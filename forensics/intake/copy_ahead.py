"""Copying the small files of an ingest in a process of its own, a few files ahead of their
recording.

On a card of small photos the ingesting thread did everything one file after the other:
open, read, hash and write the copy, then the item row and its signed custody entry. A
second core sat idle. Here a child process (`copier.py`) copies the next files into the
store's `tmp/` while the ingesting thread records the ones before, so the two halves
overlap. A thread did the copying before; it spent as much time waiting for the GIL, held
by the recording, as copying (see `copier.py`).

Nothing is recorded ahead: the ingesting thread takes each copy in the inputs' order and
decides (item, duplicate, rejection) as if it had just made it, with the rules it applies
to its own copies (`host_files.host_copy`), so the custody chain and the outcomes are the
same as one by one. At most `AHEAD_FILES` copies (and `AHEAD_BYTES`) are asked for ahead;
files of `LARGE` bytes or more are left to the ingesting thread, whose copy of a large file
already uses several threads. An ingest of fewer than `PROCESS_FROM` small files copies
them itself (a process costs more to start than it would save). When the ingest ends early
(cancelled, failed, or a file skipped), the copies not taken are removed, and so is any
copy the process had begun: the copies' names are chosen here, so each is known. If the
process cannot start or dies, the ingesting thread copies the rest itself.

The same process runs the syncs and renames of each committed batch (`place`, for
`batch.IngestBatch`), and the duplicate check asks once about the contents it copied ahead
(`upcoming`, for `IngestBatch.surely_new`).
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import logging
import os
import subprocess
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from forensics.case import Case
from forensics.intake import copier
from forensics.intake.host_files import HostCopy, host_copy
from forensics.intake.pipe_frames import FrameReader, write_frames
from forensics.intake.walk import Entry
from forensics.jobs import CancelToken
from forensics.store.durable import BlobMoves

log = logging.getLogger(__name__)

AHEAD_FILES = 512
AHEAD_BYTES = 128 << 20
LARGE = 8 << 20
"""From this size a file is copied by the ingesting thread itself (see the module doc)."""
PROCESS_FROM = 32
"""Fewest small files for which the copying process is started."""
_ROOT = str(Path(copier.__file__).resolve().parents[2])
"""The folder holding the `forensics` package, for the copier's imports."""
_LAUNCH = (
    "import sys; sys.path.insert(0, sys.argv[1]); from forensics.intake.copier import main; main()"
)
"""The copier's program: no site packages, only our two modules it needs (see copier.py)."""
_ASK_AT_ONCE = 64
"""Copies asked for in one message once that many have been taken."""
_PIPE_SIZE = 1 << 20
"""Room asked for in the pipe of answers (each carries a file's first 4 KiB)."""


def start_copier() -> subprocess.Popen[bytes] | None:
    """Start a copying process, which waits for its header (`CopyAhead` sends it); None
    where no interpreter can be started (a frozen build: the ingesting thread copies).

    `ingest_paths` starts it before walking a folder: the ~40 ms the interpreter takes to
    start then pass during the walk, not before the first copy."""
    try:
        proc = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _LAUNCH, _ROOT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
    except OSError as exc:
        log.warning("copying in the ingesting thread: cannot start the copier (%s)", exc)
        return None
    assert proc.stdout is not None
    with contextlib.suppress(OSError, AttributeError):  # Linux: fewer, larger reads
        fcntl.fcntl(proc.stdout.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
    return proc


def end_copier(proc: subprocess.Popen[bytes], *, unused: bool = False) -> None:
    """End a copying process (after the copy it is making) and wait for it; one never
    told its folder (`unused`) has done nothing and is killed, not waited on to start."""
    if unused:
        proc.kill()
    assert proc.stdin is not None
    with contextlib.suppress(OSError):
        proc.stdin.close()  # its next read ends: it stops
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:  # stuck on an unresponsive device
        proc.kill()
        proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


class CopyAhead:
    """Copies `entries`' small regular files in a child process, in order, ahead of `take`.

    Args:
        case: the case whose store receives the copies.
        entries: the ingest's inputs, in the order they are recorded.
        cancel: the ingest's token (a copy under way when it is set finishes; the ingest
            stops before recording it and `close` removes it).
        sync: fsync each copy (False when a batch makes them durable together).
        started: a copier `start_copier` began while the inputs were walked (used if there
            are enough files for it, else ended).
    """

    def __init__(
        self,
        case: Case,
        entries: Sequence[Entry],
        cancel: CancelToken,
        *,
        sync: bool,
        started: subprocess.Popen[bytes] | None = None,
    ) -> None:
        self._case = case
        self._cancel = cancel
        self._todo = [(n, e) for n, e in enumerate(entries) if e.kind == "file" and e.size < LARGE]
        self._next = 0
        """Position in `_todo` of the next file to ask for."""
        self._asked: dict[int, tuple[str, int]] = {}
        """Entry index -> the copy's name in `tmp/` and the file's size, asked for and not
        yet answered."""
        self._answers: dict[int, copier.Facts] = {}
        self._placing: dict[int, BlobMoves] = {}
        """Token -> a batch's moves the copier was asked to run and has not answered for."""
        self._placed: dict[int, tuple[Any, ...] | None] = {}
        """Token -> its answer: None when done, else (errno, strerror, filename)."""
        self._tokens = itertools.count()
        self._bytes = 0
        self._prefix = uuid.uuid4().hex[:20]
        self._tmp_dir = str(case.evidence.tmp_dir)
        self._proc: subprocess.Popen[bytes] | None = None
        self._reader: FrameReader | None = None
        if len(self._todo) >= PROCESS_FROM:
            self._start(sync, started or start_copier())
        elif started is not None:
            end_copier(started, unused=True)

    def _start(self, sync: bool, proc: subprocess.Popen[bytes] | None) -> None:
        if proc is None:
            return  # copied here
        self._proc = proc
        assert proc.stdout is not None
        self._reader = FrameReader(proc.stdout.fileno())
        if self._send([(os.fsencode(self._case.evidence.tmp_dir), sync)]):
            self._ask()

    def _name(self, index: int) -> str:
        """The temporary copy's name (chosen here: a copy begun when the copier stops is
        known, and removed)."""
        return self._case.evidence.part_name(f"{self._prefix}{index:x}")

    def _send(self, requests: Sequence[object]) -> bool:
        """Send requests to the copier; False when it is gone (then `_lost` has run)."""
        assert self._proc is not None
        assert self._proc.stdin is not None
        try:
            write_frames(self._proc.stdin.fileno(), requests)
        except OSError:
            self._lost("it stopped taking requests")
            return False
        return True

    def _ask(self) -> None:
        """Ask for copies until `AHEAD_FILES` (or `AHEAD_BYTES`) are asked for ahead."""
        requests = []
        while (
            self._next < len(self._todo)
            and len(self._asked) < AHEAD_FILES
            and self._bytes < AHEAD_BYTES
        ):
            index, entry = self._todo[self._next]
            self._next += 1
            name = self._name(index)
            self._asked[index] = (name, entry.size)
            self._bytes += entry.size
            requests.append(("copy", index, entry.path, os.fsencode(name)))
        if requests:
            self._send(requests)

    def _receive(self, *, wait: bool) -> None:
        """File the answers that have arrived (with `wait`, at least one)."""
        assert self._reader is not None
        try:
            got = [self._reader.read()] if wait else []
            got += self._reader.ready()
        except (EOFError, OSError):
            self._lost("it ended")
            return
        for answer in got:
            if answer[0] == "copy":
                self._answers[answer[1]] = answer[2]
            else:
                self._placing.pop(answer[1], None)
                self._placed[answer[1]] = answer[2]

    def upcoming(self) -> list[str]:
        """The sha256s of the files copied ahead and not yet taken (what the next duplicate
        checks will ask about)."""
        if self._reader is not None:
            self._receive(wait=False)
        return [facts[2] for facts in self._answers.values() if facts[0] == "copied"]

    # a batch's moves ----------------------------------------------------------------------
    def place(self, moves: BlobMoves) -> int | None:
        """Ask the copier to run a batch's moves (`BlobMoves`, after its marker is written)
        beside this process; None when there is no copier (run them here).

        Returns:
            The token `placed` and `wait_placed` take.
        """
        if self._reader is None:
            return None
        token = next(self._tokens)
        self._placing[token] = moves
        if not self._send([("place", token, moves)]):
            return token  # `wait_placed` runs them here
        return token

    def placed(self, token: int) -> bool:
        """True once the moves asked for with `token` are done (or failed), without waiting."""
        if token not in self._placed and self._reader is not None:
            self._receive(wait=False)
        return token in self._placed or self._reader is None

    def wait_placed(self, token: int) -> None:
        """Wait for the moves asked for with `token`; if the copier died first, they are
        run here (a move it made already is skipped).

        Raises:
            OSError: a sync, a folder or a rename failed.
        """
        while token not in self._placed and self._reader is not None:
            self._receive(wait=True)
        if token not in self._placed:
            self._placing.pop(token).run()
            return
        failed = self._placed.pop(token)
        if failed is not None:
            errno_, strerror, filename = failed
            if errno_ is None:
                raise OSError(strerror)
            raise OSError(errno_, strerror, filename)

    def take(self, index: int) -> HostCopy | None:
        """The copy of entry `index` (waiting for it), or None when it is not copied ahead
        (the caller copies it)."""
        facts = self._collect(index)
        if facts is None:
            return None
        if facts[0] == "failed":
            log.warning("the copier could not copy entry %d (%s): copied here", index, facts[1])
            self._remove(index)
            return None
        return host_copy(self._case, facts, Path(self._tmp_dir, self._name(index)))

    def skip(self, index: int) -> None:
        """Entry `index` is not recorded after all (already ingested with another): its
        copy, if one is made, is removed."""
        facts = self._collect(index)
        if facts is not None:
            self._remove(index)

    def _collect(self, index: int) -> copier.Facts | None:
        """Wait for entry `index`'s answer and hand it over, asking for the next file; None
        when it is not copied ahead (or the copier is gone)."""
        if index not in self._asked:
            return None
        while index not in self._answers and self._reader is not None:
            self._receive(wait=True)
        facts = self._answers.pop(index, None)
        if facts is None:
            return None  # the copier died first: any copy it began is removed by `_lost`
        _name, size = self._asked.pop(index)
        self._bytes -= size
        if self._reader is not None and len(self._asked) <= AHEAD_FILES - min(
            _ASK_AT_ONCE, AHEAD_FILES // 2
        ):
            self._ask()  # many at a time: a request each was a write and a wake-up each
        return facts

    def _lost(self, why: str) -> None:
        """The copier is gone: what it was asked and did not answer is copied here."""
        log.warning("the copier stopped (%s): the ingesting thread copies the rest", why)
        self._stop()
        for index in list(self._asked):
            if index not in self._answers:
                self._bytes -= self._asked.pop(index)[1]
                self._remove(index)
        self._next = len(self._todo)

    def _remove(self, index: int) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._case.evidence.tmp_dir / self._name(index))

    def _stop(self) -> None:
        """End the copier (after the copy it is making) and wait for it."""
        proc, self._proc, self._reader = self._proc, None, None
        if proc is not None:
            end_copier(proc)

    def close(self) -> None:
        """Stop copying and remove every copy not taken (and any the copier had begun)."""
        self._stop()
        for index in list(self._asked):
            self._remove(index)
        self._asked.clear()
        self._answers.clear()
        self._bytes = 0
