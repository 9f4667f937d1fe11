"""Shared fixtures: Qt offscreen, the shared corpus, fresh cases, no leaked threads.

The suite runs in parallel processes (`make test`: pytest-xdist, `-n auto`), each with its own
session: a session fixture runs once per worker process, not once per run. So a session
fixture must either be private to its process (its own folder from `tmp_path_factory`, its own
free port chosen at run time, its own server: `pg_server`), or, when it builds something
expensive that the tests only read (`demo_case_master`, `bad_files`), build it once for the
whole run under a file lock in the run's shared folder (`built_once`). Nothing may use a fixed
path, a fixed port or the user's own config; environment changes go through `monkeypatch`.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import fcntl
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.features import install
from app.profiles import PASSPHRASE_ENV, PROFILE_ENV, ProfileStore
from forensics.identity import HOME_ENV, use_examiner

# Never the real user's config folder: not even the session fixtures that run `pwb` before any
# test's own folder is set (the demo case). Each test gets its own folder below.
os.environ[HOME_ENV] = tempfile.mkdtemp(prefix="pwb-home-session-")
for _name in (PROFILE_ENV, PASSPHRASE_ENV, "PWB_EXAMINER"):
    os.environ.pop(_name, None)
DEFAULT_PROFILE = "examiner"
DEFAULT_EXAMINER = "Test Examiner"
ProfileStore().create(DEFAULT_PROFILE, name=DEFAULT_EXAMINER, organisation="Test Lab")

# What the application does at start (`pwb`, `pwb gui`): hand the core the schema components
# and formats the feature list declares. Tests that use the core directly need them too.
install()

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


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]
) -> Path:
    """A folder `build(folder)` fills once for the whole run, whatever the number of
    pytest-xdist workers: the first worker builds it under a file lock in the run's shared
    folder, the others wait for it and reuse it. For things tests only read.

    A build that fails leaves no folder behind: the next worker tries again (and fails the
    same way, with its own message).
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:  # one process: its own temporary folder
        folder = tmp_path_factory.mktemp(name)
        build(folder)
        return folder
    # Every worker's base folder is `<run>/popen-gwN`: `<run>` is the run's own, shared.
    run = tmp_path_factory.getbasetemp().parent
    folder, done = run / name, run / f"{name}.done"
    with open(run / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                if folder.exists():  # a build that failed half-way
                    shutil.rmtree(folder)
                folder.mkdir()
                build(folder)
                done.touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return folder


@pytest.fixture(scope="session")
def bad_files(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 34 malformed and hostile inputs, built once per run by the corpus's make_bad.py."""

    def build(dest: Path) -> None:
        subprocess.run(
            [sys.executable, str(corpus / "make_bad.py"), str(dest)],
            check=True,
            capture_output=True,
        )

    dest = built_once(tmp_path_factory, "bad", build)
    return dest / "bad" if (dest / "bad").is_dir() else dest


@pytest.fixture
def case(tmp_path: Path) -> Iterator[object]:
    """A new, empty case in a temporary folder."""
    from forensics.case import Case

    c = Case.create(tmp_path / "case", title="Test case", examiner="Test Examiner")
    yield c
    c.close()


@pytest.fixture(autouse=True)
def pwb_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A config folder of the test's own (`PWB_HOME`) holding one profile, "Test Examiner",
    the current one: `pwb` subprocesses act as it, and so does this process (its key signs
    every case the test opens), as an examiner at the keyboard would."""
    home = tmp_path_factory.mktemp("pwb-home")
    monkeypatch.setenv(HOME_ENV, str(home))
    store = ProfileStore(home)
    profile = store.create(DEFAULT_PROFILE, name=DEFAULT_EXAMINER, organisation="Test Lab")
    use_examiner(store.examiner(profile))
    yield home
    use_examiner(None)


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


def pwb_executable() -> str:
    """The `pwb` console script of the venv running the tests (how users start it)."""
    exe = Path(sys.executable).with_name("pwb")
    assert exe.is_file(), f"{exe}: the pwb console script is not installed (pip install -e .)"
    return str(exe)


@pytest.fixture(scope="session")
def demo_case_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo case, built once per run with `pwb demo` (once for all xdist workers);
    never write to it: copy it (`demo_case`) to change it."""

    def build(folder: Path) -> None:
        done = subprocess.run(
            [pwb_executable(), "demo", str(folder / "demo-case")],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]

    return built_once(tmp_path_factory, "demo-master", build) / "demo-case"


@pytest.fixture
def demo_case(demo_case_master: Path, tmp_path: Path) -> Path:
    """A private copy of the demo case, for a test that writes to it."""
    return Path(shutil.copytree(demo_case_master, tmp_path / "demo-case", symlinks=True))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """A PostgreSQL server of this test process's own (tests/pg_server.py), for the session.

    One per process, so pytest-xdist workers never share one. Its password reaches libpq
    (this process and every `pwb` it starts) through `PGPASSFILE`, as a user's would. Outside
    CI a machine without PostgreSQL skips the test with the reason; under CI it fails.
    """
    from tests.pg_server import start_server

    server = start_server()
    if isinstance(server, str):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(server)
        pytest.skip(server)
    saved = {k: os.environ.get(k) for k in ("PGPASSFILE", "PGPASSWORD", "PGSERVICE", "PGHOST")}
    for k in saved:
        os.environ.pop(k, None)
    os.environ["PGPASSFILE"] = str(server.passfile)
    try:
        yield server
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        server.stop()


ENGINES = ("sqlite", "postgresql")
"""The case store's two engines: a folder case (SQLite) and a server case (PostgreSQL)."""


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each engine in turn: a store test taking this runs against both."""
    return str(request.param)


@pytest.fixture
def case_location(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple]:
    """Where a new case goes on `engine`: `(folder or URL, evidence folder or None)`.

    On PostgreSQL: a new, empty database of the suite's server, dropped after the test."""
    if engine == "sqlite":
        yield str(tmp_path / "case"), None
        return
    server = request.getfixturevalue("pg_server")
    url = server.new_database()
    try:
        yield url, tmp_path / "evidence"
    finally:
        server.drop_database(url)


@pytest.fixture
def any_case(case_location: tuple) -> Iterator[object]:
    """A new, empty case on each engine in turn (the store's tests run on both)."""
    from forensics.case import Case

    where, evidence = case_location
    c = Case.create(where, title="Test case", examiner="Test Examiner", evidence=evidence)
    yield c
    c.close()
