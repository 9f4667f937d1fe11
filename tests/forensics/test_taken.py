"""What an ingest keeps of the paths it took (`intake/taken.py`): one input keeps only the
segments taken with a first segment (a card's every path was 0.2 KB a file of memory), and
still knows which files came before; several inputs, which may overlap, keep every path."""

from __future__ import annotations

import os

from forensics.intake.taken import Taken
from forensics.intake.walk import Entry


def _walk(count: int) -> list[Entry]:
    return [Entry(b"/card/DCIM/IMG_%05d.JPG" % n, b"/card", "file", 10) for n in range(count)]


def test_one_input_keeps_only_the_segments_it_took() -> None:
    entries = [
        *_walk(1000),
        Entry(b"/card/disk.E01", b"/card", "file", 10),
        Entry(b"/card/disk.E02", b"/card", "file", 10),
        Entry(b"/card/empty", b"/card", "empty"),
    ]
    taken = Taken(entries, several=False)
    for index, entry in enumerate(entries[:1001]):
        assert not taken.by_earlier(entry.path)
        taken.reach(index)
        taken.add_input(entry.path)
    assert taken._paths == set()  # nothing kept for the 1,001 files ingested
    # At the first segment: a file the walk passed is ingested already, a later one is not.
    assert taken.ingested(b"/card/DCIM/IMG_00007.JPG")
    assert not taken.ingested(b"/card/disk.E02")
    taken.add_segment(b"/card/disk.E02")
    assert taken.ingested(b"/card/disk.E02")
    assert taken.by_earlier(b"/card/disk.E02")  # the walk skips it when it comes to it
    assert taken._paths == {b"/card/disk.E02"}
    taken.reach(1002)
    assert not taken.ingested(b"/card/empty")  # not a file: never ingested


def test_several_inputs_keep_every_path_they_took() -> None:
    entries = _walk(3)
    taken = Taken([*entries, entries[1]], several=True)  # a file given twice
    for index, entry in enumerate(entries):
        taken.reach(index)
        taken.add_input(entry.path)
    assert taken.by_earlier(entries[1].path)
    assert taken.ingested(entries[2].path)
    assert not taken.ingested(os.fsencode("/elsewhere/x.E02"))
