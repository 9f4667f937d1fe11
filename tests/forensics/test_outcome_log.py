"""The ingest's outcomes kept in a temporary file behave as the list they replace."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.intake.ingest import IngestOptions, ingest_paths
from forensics.intake.outcome_log import OutcomeLog
from forensics.intake.records import IngestOutcome
from forensics.models import Item, ItemKind


def _outcome(n: int) -> IngestOutcome:
    item = Item(
        id=f"id-{n}",
        kind=ItemKind.FILE,
        name=f"IMG_{n:04d}.JPG",
        attributes={"n": n, "raw": [n, "é"]},
        warnings=(f"warning {n}",),
    )
    return IngestOutcome(f"/card/IMG_{n:04d}.JPG", "ingested", item, warnings=(f"w{n}",))


def test_every_list_operation_gives_what_a_list_gives() -> None:
    log, plain = OutcomeLog(), []
    for n in range(50):
        log.append(_outcome(n))
        plain.append(_outcome(n))
    for n in (0, 17, -1):
        log[n] = plain[n] = IngestOutcome(f"replaced {n}", "duplicate")
    log.insert(3, _outcome(99))
    plain.insert(3, _outcome(99))
    del log[10]
    del plain[10]
    log.extend([_outcome(7), _outcome(8)])
    plain.extend([_outcome(7), _outcome(8)])
    assert len(log) == len(plain) == 52
    assert list(log) == plain
    assert log == plain
    assert log[5] == plain[5]
    assert log[-2] == plain[-2]
    assert log[2:9:3] == plain[2:9:3]
    assert log.index(plain[20]) == 20
    assert plain[1].item is not None
    assert log[1].item == plain[1].item
    with pytest.raises(IndexError):
        log[52]
    with pytest.raises(TypeError):
        log.append("not an outcome")  # type: ignore[arg-type]
    log.close()
    assert len(log) == 0


def test_an_ingest_report_reads_back_whole(tmp_path: Path, corpus: Path) -> None:
    root = tmp_path / "case"
    Case.create(root, title="outcomes", examiner="A. Analyst").close()
    photos = [
        corpus / "exif-samples/jpg/gps/DSCN0010.jpg",
        corpus / "synthetic/gps_control_eiffel.jpg",
        tmp_path / "missing.jpg",
    ]
    with Case.open(root) as case:
        report = ingest_paths(case, photos, IngestOptions())
        assert isinstance(report.outcomes, OutcomeLog)
        assert [o.status for o in report.outcomes] == ["ingested", "ingested", "rejected"]
        assert [i.id for i in report.items] == [i.id for i in case.items.search(kinds=["file"])]
        summary = report.summary()
        assert (summary["ingested"], summary["rejected"]) == (2, 1)
        assert report.to_json()["outcomes"][0]["item"]["sha256"] == report.items[0].sha256


def test_every_field_of_an_outcome_and_its_item_comes_back(tmp_path: Path) -> None:
    """The file holds each outcome as its fields' values (not a dict naming them): every
    field of the outcome and of its item, set to a value of its own, reads back equal."""
    values: dict[str, object] = {}
    for n, f in enumerate(dataclasses.fields(Item)):
        values[f.name] = {
            "kind": ItemKind.DISK_IMAGE,
            "size": 123_456,
            "fs_deleted": True,
            "tags": ("drone", "camera"),
            "attributes": {"lens": "Viewpro A40", "n": [1, 2]},
            "errors": ("e",),
            "warnings": ("w",),
            "source_path_raw": b"/card/\xff.jpg",
            "fs_path_raw": b"/fs/\xfe",
        }.get(f.name, f"{f.name}-{n}")
    item = Item(**values)  # type: ignore[arg-type]
    outcome = IngestOutcome("/card/x.jpg", "duplicate", item, "why", ("w1",), ("finding",))
    log = OutcomeLog([outcome, IngestOutcome("/card/y", "rejected", None, "gone")])
    back = list(log)
    assert back[0] == outcome
    assert type(back[0].item) is Item
    assert dataclasses.asdict(back[0]) == dataclasses.asdict(outcome)
    assert back[1] == IngestOutcome("/card/y", "rejected", None, "gone")
    assert log[0] == outcome
    written = log._file
    assert written is not None
    written.seek(0)
    assert b"source_path_raw" not in written.read()  # values only, no field names
