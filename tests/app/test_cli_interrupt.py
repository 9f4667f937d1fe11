"""A large ingest killed with SIGKILL or interrupted with Ctrl-C leaves a sound case."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.cli import main
from forensics.case import Case
from forensics.verify import verify_case

REPO = Path(__file__).resolve().parents[2]
BIG_MIB = 160


def _big_file(path: Path, mib: int = BIG_MIB) -> str:
    """A file of `mib` MiB that no other test has (every MiB differs); returns its sha256."""
    block = os.urandom(1 << 20)
    sha = hashlib.sha256()
    with open(path, "wb") as f:
        for i in range(mib):
            chunk = i.to_bytes(8, "little") + block[8:]
            f.write(chunk)
            sha.update(chunk)
    return sha.hexdigest()


def _start_ingest(root: Path, *paths: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "app", "ingest", str(root), *map(str, paths)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait_mid_copy(root: Path, proc: subprocess.Popen[bytes], at_least: int) -> Path:
    """Wait until a copy in flight holds `at_least` bytes; return its temporary file."""
    deadline = time.monotonic() + 120  # a guard against a hang, not a timing assertion
    while time.monotonic() < deadline:
        for part in (root / "tmp").glob("*.part"):
            try:
                if part.stat().st_size >= at_least:
                    return part
            except FileNotFoundError:
                continue
        if proc.poll() is not None:
            pytest.fail(f"the ingest ended before it could be interrupted: {proc.stderr!r}")
        time.sleep(0.001)
    proc.kill()
    pytest.fail("the ingest never started copying")


@pytest.mark.slow
def test_kill_9_mid_copy_leaves_a_case_that_verifies(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    expected = _big_file(big)
    root = tmp_path / "case"
    assert main(["init", str(root), "--title", "kill -9"]) == 0

    proc = _start_ingest(root, big)
    part = _wait_mid_copy(root, proc, 16 << 20)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    assert part.exists()  # killed mid-copy: the partial copy is still there

    with Case.open(root) as case:  # opening recovers
        assert case.items.count() == 0
        assert not list((root / "tmp").glob("*.part"))
        assert [e.action for e in case.custody.entries()][-1] == "recovered_interrupted_ingest"
        report = verify_case(case)
        assert report.ok, report.findings

    again = _start_ingest(root, big)
    _out, err = again.communicate()
    assert again.returncode == 0, err
    with Case.open(root, readonly=True) as case:
        [item] = case.items.search()
        assert item.sha256 == expected
        assert item.size == BIG_MIB << 20
        assert verify_case(case, record_result=False).ok


@pytest.mark.slow
def test_ctrl_c_keeps_what_finished_and_nothing_else(tmp_path: Path) -> None:
    source = tmp_path / "card"
    source.mkdir()
    (source / "a_small.txt").write_bytes(b"finished before the interruption\n")
    _big_file(source / "b_big.bin", 100)
    root = tmp_path / "case"
    assert main(["init", str(root), "--title", "Ctrl-C"]) == 0

    proc = _start_ingest(root, source)
    _wait_mid_copy(root, proc, 8 << 20)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate()

    assert proc.returncode == 130
    assert b"interrupted" in err
    assert not list((root / "tmp").glob("*.part"))
    with Case.open(root, readonly=True) as case:
        names = [i.name for i in case.items.search() if i.kind != "folder"]
        assert names == ["a_small.txt"]
        stored = [p for p in (root / "evidence").rglob("*") if p.is_file()]
        assert len(stored) == 1
        assert verify_case(case, record_result=False).ok


def _copier_of(pid: int) -> int | None:
    """The ingest's copying process (`intake/copier.py`), once it runs."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return None
    for child in map(int, children):
        try:
            if b"copier" in Path(f"/proc/{child}/cmdline").read_bytes():
                return child
        except OSError:
            continue
    return None


def _ended(status: Path) -> bool:
    """The process of this /proc/PID/stat is gone or a zombie (ended, not yet reaped)."""
    try:
        return status.read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


def _stopped(pid: int) -> bool:
    """Every thread of the process has stopped (SIGSTOP is delivered late), or it is gone."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("T", "t", "Z", "X")


def _stop_when(
    proc: subprocess.Popen[bytes], copier_of: Callable[[], int | None], tmp: Path
) -> int:
    """Let the ingest `proc` run in slices of a few milliseconds, stopped (SIGSTOP) between
    them, until, while it is stopped, its copying process runs and has copies waiting in
    `tmp` (made ahead, not yet moved: they stay while the ingest is stopped); the ingest is
    left stopped and the copier's pid returned. A stopped ingest cannot run past that moment
    however long the test process waits for a core."""
    deadline = time.monotonic() + 300  # a guard against a hang, not a timing assertion
    while time.monotonic() < deadline:
        proc.send_signal(signal.SIGSTOP)
        while not _stopped(proc.pid):
            time.sleep(0.0005)
        if proc.poll() is not None:
            pytest.fail("the ingest ended before it could be killed mid-card")
        copier = copier_of()
        if copier is not None and any(tmp.glob("*.part")):
            return copier
        proc.send_signal(signal.SIGCONT)
        time.sleep(0.003)
    proc.kill()
    pytest.fail("the ingest never had copies made ahead")


def test_kill_9_mid_card_ends_the_copier_too_and_the_next_run_finishes(tmp_path: Path) -> None:
    """An ingest of a card is killed with SIGKILL while its copying process works ahead of
    it: that process ends with it (no copy is made for an ingest that is gone), the next
    open removes the copies neither recorded, and a re-run stores the rest."""
    card = tmp_path / "card"
    card.mkdir()
    for n in range(3000):
        # A JPEG's first bytes: random bytes alone are sniffed as an ext image when their
        # bytes 1080-1081 happen to be its magic (1 file in 65,536: once in ~20 runs, an
        # item short; `intake/sniff.py`).
        data = b"\xff\xd8\xff\xe0" + os.urandom(9_000) + n.to_bytes(4, "big")
        (card / f"IMG_{n:05d}.JPG").write_bytes(data)
    root = tmp_path / "case"
    assert main(["init", str(root), "--title", "kill -9 card"]) == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "ingest", str(root), str(card), "--no-extract"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Caught in slices, not polled: under load the test process can go without a core for
    # longer than the whole card takes (it failed that way once in a loaded full run).
    copier = _stop_when(proc, lambda: _copier_of(proc.pid), root / "tmp")
    proc.send_signal(signal.SIGKILL)  # a stopped process is killed all the same
    proc.wait()
    deadline = time.monotonic() + 30
    status = Path(f"/proc/{copier}/stat")
    while not _ended(status) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _ended(status), "the copying process ended with the ingest"

    with Case.open(root) as case:  # opening recovers
        assert not list((root / "tmp").glob("*.part"))
        assert verify_case(case).ok
    again = subprocess.run(
        [sys.executable, "-m", "app", "ingest", str(root), str(card), "--no-extract"],
        cwd=REPO,
        capture_output=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stderr
    with Case.open(root, readonly=True) as case:
        assert case.items.count(kinds=["file"]) == 3000
        assert not list((root / "tmp").iterdir())
        assert verify_case(case, record_result=False).ok
