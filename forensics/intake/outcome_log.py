"""The outcomes of one ingest, kept in a temporary file instead of memory.

A card of 100,000 photos has 100,000 outcomes, each with its item (about 2.3 KB in memory):
kept in a list they grew the ingest past 450 MB, and only the end of the run reads them (the
CLI prints one line per input, the GUI lists the problems). Here each outcome is pickled to
an anonymous temporary file as it comes, and memory holds only its place in the file: 16
bytes an outcome. Reading one back costs a seek and an unpickle; the report is read once.

Pickle is safe here: the file is made by `tempfile.TemporaryFile` (unlinked at once, mode
0600, never named), written and read only by this process; nothing from elsewhere is ever
unpickled.
"""

from __future__ import annotations

import pickle
import tempfile
from array import array
from collections.abc import Iterable, Iterator, MutableSequence
from typing import IO, overload

from forensics.intake.records import IngestOutcome

_BLOCK = 1 << 20
"""Bytes read at a time when the outcomes are read in order."""


class OutcomeLog(MutableSequence[IngestOutcome]):
    """A list of outcomes whose contents live in an anonymous temporary file.

    Replacing an outcome appends its new version and points to it (the file only grows);
    inserting or deleting moves positions in memory, never bytes in the file.
    """

    def __init__(self, outcomes: Iterable[IngestOutcome] = ()) -> None:
        self._file: IO[bytes] | None = None
        self._offsets = array("q")
        self._lengths = array("q")
        self._end = 0
        self._at_end = True
        """The file's position is its end (nothing was read since the last write)."""
        self.extend(outcomes)

    def _write(self, outcome: IngestOutcome) -> tuple[int, int]:
        if not isinstance(outcome, IngestOutcome):
            raise TypeError(f"an OutcomeLog holds IngestOutcome, not {type(outcome).__name__}")
        if self._file is None:
            # Lives as long as the log (closed by `close` or with the object), not a block.
            self._file = tempfile.TemporaryFile(prefix="pwb-outcomes-")  # noqa: SIM115
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        if not self._at_end:  # a seek flushes the file's buffer: only after a read
            self._file.seek(self._end)
            self._at_end = True
        self._file.write(data)
        start, self._end = self._end, self._end + len(data)
        return start, len(data)

    def _read(self, index: int) -> IngestOutcome:
        assert self._file is not None
        self._at_end = False
        self._file.seek(self._offsets[index])
        outcome = pickle.loads(self._file.read(self._lengths[index]))  # our own bytes
        assert isinstance(outcome, IngestOutcome)
        return outcome

    def __len__(self) -> int:
        return len(self._offsets)

    @overload
    def __getitem__(self, index: int) -> IngestOutcome: ...

    @overload
    def __getitem__(self, index: slice) -> list[IngestOutcome]: ...

    def __getitem__(self, index: int | slice) -> IngestOutcome | list[IngestOutcome]:
        if isinstance(index, slice):
            return [self._read(i) for i in range(*index.indices(len(self)))]
        return self._read(range(len(self))[index])

    @overload
    def __setitem__(self, index: int, value: IngestOutcome) -> None: ...

    @overload
    def __setitem__(self, index: slice, value: Iterable[IngestOutcome]) -> None: ...

    def __setitem__(
        self, index: int | slice, value: IngestOutcome | Iterable[IngestOutcome]
    ) -> None:
        if isinstance(index, slice):
            raise TypeError("an OutcomeLog replaces one outcome at a time")
        assert isinstance(value, IngestOutcome)
        position = range(len(self))[index]
        self._offsets[position], self._lengths[position] = self._write(value)

    def __delitem__(self, index: int | slice) -> None:
        del self._offsets[index]
        del self._lengths[index]

    def insert(self, index: int, value: IngestOutcome) -> None:
        """Insert an outcome before `index` (the list's rule for an index past either end)."""
        start, length = self._write(value)
        self._offsets.insert(index, start)
        self._lengths.insert(index, length)

    def append(self, value: IngestOutcome) -> None:
        """Add an outcome at the end (what an ingest does as each input finishes)."""
        start, length = self._write(value)
        self._offsets.append(start)
        self._lengths.append(length)

    def __iter__(self) -> Iterator[IngestOutcome]:
        # Outcomes mostly lie in the file in order: read it in blocks, not one seek and one
        # read an outcome (the CLI reads a card's report twice as it prints it).
        block, start = b"", 0
        for i in range(len(self)):
            offset, length = self._offsets[i], self._lengths[i]
            if not (start <= offset and offset + length <= start + len(block)):
                assert self._file is not None
                self._at_end = False
                self._file.seek(offset)
                block, start = self._file.read(max(length, _BLOCK)), offset
            outcome = pickle.loads(block[offset - start : offset - start + length])  # ours
            assert isinstance(outcome, IngestOutcome)
            yield outcome

    def __eq__(self, other: object) -> bool:
        if isinstance(other, OutcomeLog | list):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return f"OutcomeLog({len(self)} outcomes)"

    def close(self) -> None:
        """Free the temporary file (the outcomes are gone)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._offsets = array("q")
        self._lengths = array("q")
        self._end = 0
