"""Cases with real corpus media ingested, for the annotation tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from forensics.annotations.service import AnnotationService
from forensics.case import Case
from forensics.intake.ingest import ingest_paths
from forensics.models import Item

COUNTER = "video/pyscenedetect/counter.mp4"
VFR = "video/pyscenedetect/goldeneye-vfr-drop3.mp4"
STILL = "exif-samples/jpg/Canon_40D.jpg"


def ingest(case: Case, path: Path) -> Item:
    """Ingest one corpus file and return its item."""
    report = ingest_paths(case, [path])
    assert report.items, report.to_json()
    return report.items[0]


@pytest.fixture
def counter(case: Case, corpus: Path) -> Item:
    """counter.mp4 (30 frames, 1920x1080, frame number burnt in) ingested into `case`."""
    return ingest(case, corpus / COUNTER)


@pytest.fixture
def svc(case: Case) -> Iterator[AnnotationService]:
    """The annotation service on the test case."""
    service = AnnotationService(case, actor="Analyst A")
    yield service
    service.close()


@pytest.fixture
def fresh_case(tmp_path: Path) -> Iterator[Case]:
    """A second, empty case (the other machine of a round trip)."""
    c = Case.create(tmp_path / "fresh", title="Fresh case", examiner="Analyst B")
    yield c
    c.close()
