"""The outcomes of one ingest, kept in a temporary file instead of memory.

A card of 100,000 photos has 100,000 outcomes, each with its item (about 2.3 KB in memory):
kept in a list they grew the ingest past 450 MB, and only the end of the run reads them (the
CLI prints one line per input, the GUI lists the problems). Here each outcome is pickled to
an anonymous temporary file as it comes, and memory holds only its place in the file: 16
bytes an outcome. Reading one back costs a seek and an unpickle; the report is read once.

Pickle is safe here: the file is made by `tempfile.TemporaryFile` (unlinked at once, mode
0600, never named), written and read only by this process; nothing from elsewhere is ever
unpickled.

An outcome is pickled as a tuple of its fields, its item as a tuple of the item's
(`_pack`): a dataclass pickles as a dict naming every field, and the item's 31 names were
most of the bytes and of the time. A card's every outcome is written once as it comes and
read once as the CLI prints it at the end, with nothing else left to do: 5.7 -> 2.6 us to
write and 7.6 -> 3.6 us to read, ~35 ms on 5,020 files.
"""

from __future__ import annotations

import dataclasses
import operator
import pickle
import tempfile
from array import array
from collections.abc import Iterable, Iterator, MutableSequence
from typing import IO, Any, overload

from forensics.intake.records import IngestOutcome
from forensics.records.core import Item

_BLOCK = 1 << 20
"""Bytes read at a time when the outcomes are read in order."""

_FIELDS = tuple(f.name for f in dataclasses.fields(IngestOutcome))
_ITEM_AT = _FIELDS.index("item")
_ITEM_FIELDS = tuple(f.name for f in dataclasses.fields(Item))
_outcome_values = operator.attrgetter(*_FIELDS)
_item_values = operator.attrgetter(*_ITEM_FIELDS)


def _pack(outcome: IngestOutcome) -> bytes:
    """An outcome's bytes in the file: its fields' values, its item's as a tuple."""
    values = list(_outcome_values(outcome))
    item = values[_ITEM_AT]
    if item is not None:
        if type(item) is not Item:
            raise TypeError(f"an outcome's item is an Item, not {type(item).__name__}")
        values[_ITEM_AT] = _item_values(item)
    return pickle.dumps(tuple(values), protocol=pickle.HIGHEST_PROTOCOL)


def _unpack(data: bytes) -> IngestOutcome:
    """The outcome `_pack` wrote. The item is rebuilt as pickle rebuilds a dataclass (its
    attributes set, `__init__` not run): the values are the ones it had."""
    values: list[Any] = list(pickle.loads(data))  # our own bytes (see the module doc)
    if values[_ITEM_AT] is not None:
        item = object.__new__(Item)
        item.__dict__.update(zip(_ITEM_FIELDS, values[_ITEM_AT], strict=True))
        values[_ITEM_AT] = item
    return IngestOutcome(*values)


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
        data = _pack(outcome)
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
        return _unpack(self._file.read(self._lengths[index]))

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
            yield _unpack(block[offset - start : offset - start + length])

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
