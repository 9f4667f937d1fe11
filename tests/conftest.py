"""Shared fixtures: Qt offscreen, the shared corpus, fresh cases, no leaked threads."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS_ENV = "PWB_CORPUS"


def _corpus_dir() -> Path:
    return Path(os.environ.get(CORPUS_ENV) or REPO.parent / "shared" / "corpus").resolve()


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared corpus of real and malformed media (read in place, never copied).

    Outside CI a missing corpus skips the test with the reason; under CI it fails.
    """
    path = _corpus_dir()
    if not (path / "README.md").is_file():
        message = f"the shared corpus is not at {path} (set {CORPUS_ENV} to its folder)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def bad_files(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 34 malformed and hostile inputs, built once per run by the corpus's make_bad.py."""
    dest = tmp_path_factory.mktemp("bad")
    subprocess.run(
        [sys.executable, str(corpus / "make_bad.py"), str(dest)], check=True, capture_output=True
    )
    return dest / "bad" if (dest / "bad").is_dir() else dest


@pytest.fixture
def case(tmp_path: Path) -> Iterator[object]:
    """A new, empty case in a temporary folder."""
    from forensics.case import Case

    c = Case.create(tmp_path / "case", title="Test case", examiner="Test Examiner")
    yield c
    c.close()


@pytest.fixture(autouse=True)
def _no_leaked_threads() -> Iterator[None]:
    """Fail a test that leaves a Python thread running (napari does the same)."""
    before = set(threading.enumerate())
    yield
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive() and not t.daemon]
    for t in leaked:
        t.join(timeout=5)
    leaked = [t for t in leaked if t.is_alive()]
    assert not leaked, f"threads left running: {[t.name for t in leaked]}"
