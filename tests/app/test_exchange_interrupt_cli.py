"""Ctrl-C stops `pwb unpack` and `pwb merge` in every stage and leaves nothing behind (issue 14).

A real `pwb` process receives an archive of 1,500 files; the test watches its working folder
and, the moment a stage shows (members inflating, records streaming into the new case, the
checks after them), freezes the process (SIGSTOP), sends it SIGINT as a terminal's Ctrl-C
does, and lets it go on (SIGCONT), so the interrupt lands in that stage. The process must
exit 130 with a message saying nothing was unpacked (or the case is unchanged), and leave no
folder, lock or file behind, and, for a merge, our case exactly as it was.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.exchange.pack import pack_case
from forensics.intake.ingest import IngestOptions, ingest_paths
from tests.app.cli_process import PWB, REPO

FILES = 1500


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An unsigned archive of a case holding FILES small files."""
    root = tmp_path_factory.mktemp("interrupt")
    src = root / "src"
    src.mkdir()
    for n in range(FILES):
        (src / f"f{n}.txt").write_bytes(b"file %d\n" % n * 20)
    with Case.create(root / "case", title="many files", examiner="Team B") as case:
        ingest_paths(case, [str(src)], IngestOptions(post_ingest=()))
        return pack_case(case, root / "many.pwbcase", actor="Team B").archive


def _working(parent: Path, pattern: str) -> Path | None:
    found = [p for p in parent.glob(pattern) if p.is_dir()]
    return found[0] if found else None


def _extracting(case: Path) -> bool:
    evidence = case / "evidence"
    return evidence.is_dir() and any(evidence.iterdir()) and not (case / "case.db").exists()


def _streaming(case: Path) -> bool:
    return (case / "case.db").exists() and (case / "records").is_dir()


def _checking(case: Path) -> bool:
    return (case / "case.db").exists() and not (case / "records").exists()


STAGES: dict[str, Callable[[Path], bool]] = {
    "inflating": _extracting,
    "streaming records": _streaming,
    "checking": _checking,
}


def _interrupt_when(
    argv: list[str], find: Callable[[], Path | None], stage: Callable[[Path], bool]
) -> subprocess.CompletedProcess[str]:
    """Run `pwb ARGV`; when `find()` names the working case and `stage` holds for it, deliver
    SIGINT in that stage. Returns what the process did."""
    proc = subprocess.Popen(
        [*PWB, *argv],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    hit = False
    while proc.poll() is None and time.monotonic() < deadline:
        where = find()
        try:
            hit = where is not None and stage(where)
        except OSError:
            hit = False  # the folder went away while looked at
        if hit:
            os.kill(proc.pid, signal.SIGSTOP)
            os.kill(proc.pid, signal.SIGINT)
            os.kill(proc.pid, signal.SIGCONT)
            break
        time.sleep(0.0005)
    out, err = proc.communicate(timeout=60)
    assert hit, f"the stage was never seen (exit {proc.returncode}): {err[-500:]}"
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_ctrl_c_stops_unpack_and_leaves_nothing(stage, archive, tmp_path):
    parent = tmp_path / "out"
    parent.mkdir()
    done = _interrupt_when(
        ["unpack", str(archive), str(parent / "dest"), "--accept-unsigned"],
        lambda: _working(parent, ".dest.unpack-*"),
        STAGES[stage],
    )
    assert done.returncode == 130, done.stderr
    assert "interrupted: nothing was unpacked" in done.stderr
    assert list(parent.iterdir()) == []


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_ctrl_c_stops_merge_and_our_case_is_unchanged(stage, archive, tmp_path):
    ours = tmp_path / "ours"
    with Case.create(ours, title="ours", examiner="Team A") as case:
        case.add_item(kind="hardware", name="our drone", actor="Team A")
        head = case.custody.head()
        ids = set(case.items.all_ids())
    files = {p.relative_to(ours) for p in ours.rglob("*") if "tmp" not in p.parts}
    done = _interrupt_when(
        ["merge", str(ours), str(archive), "--accept-unsigned"],
        lambda: next(
            (p / "case" for p in (ours / "tmp").glob("merge-*") if (p / "case").is_dir()), None
        ),
        STAGES[stage],
    )
    assert done.returncode == 130, done.stderr
    assert "interrupted: the case is unchanged" in done.stderr
    _assert_unchanged(ours, head, ids, files)


def _assert_unchanged(ours: Path, head: object, ids: set[str], files: set[Path]) -> None:
    assert list((ours / "tmp").glob("merge-*")) == []
    with Case.open(ours) as case:
        assert case.custody.head() == head
        assert set(case.items.all_ids()) == ids
    now = {p.relative_to(ours) for p in ours.rglob("*") if "tmp" not in p.parts}
    assert {p for p in now - files if not p.name.startswith("case.db")} == set()


def test_ctrl_c_while_a_merge_moves_files_into_our_case_gives_them_back(archive, tmp_path):
    ours = tmp_path / "ours"
    with Case.create(ours, title="ours", examiner="Team A") as case:
        case.add_item(kind="hardware", name="our drone", actor="Team A")
        head = case.custody.head()
        ids = set(case.items.all_ids())
    files = {p.relative_to(ours) for p in ours.rglob("*") if "tmp" not in p.parts}

    def moving(root: Path) -> bool:
        return any(p.is_file() for p in (root / "evidence").rglob("*"))

    done = _interrupt_when(
        ["merge", str(ours), str(archive), "--accept-unsigned"],
        lambda: ours if any((ours / "tmp").glob("merge-*")) else None,
        moving,
    )
    assert done.returncode == 130, done.stderr
    assert "interrupted: the case is unchanged" in done.stderr
    _assert_unchanged(ours, head, ids, files)
