"""A `pwb` command killed with SIGKILL is finished or cleaned up by the next run: an ingest
killed between storing an item and extracting its metadata gets it on the re-run, and the
working folders of killed ingests, packs, unpacks and merges are removed at the next open."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.media.extractors import applicable
from forensics.store.media import MediaRepository
from forensics.verify import verify_case
from tests.app.test_cli_interrupt import _big_file
from tests.conftest import pwb_executable


def _pwb(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [pwb_executable(), *map(str, args)], capture_output=True, text=True, timeout=600
    )


def _start(*args: str | Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [pwb_executable(), *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _kill_when(proc: subprocess.Popen[bytes], ready: Callable[[], bool]) -> None:
    """SIGKILL the process as soon as `ready()` holds (polled; a guard against a hang)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if ready():
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
            assert proc.returncode == -signal.SIGKILL
            return
        if proc.poll() is not None:
            pytest.fail(f"the command ended before it could be killed: {proc.stderr!r}")
        time.sleep(0.002)
    proc.kill()
    pytest.fail("the command never reached the point where it was to be killed")


def _without_metadata(db: Path) -> list[str]:
    """Stored files that no extraction has answered for yet, read as another process sees them."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.05)
        try:
            rows = conn.execute(
                "SELECT name FROM items WHERE kind = 'file' AND id NOT IN "
                "(SELECT item_id FROM media_metadata)"
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return []
    return [str(r[0]) for r in rows]


def _missing_extractions(root: Path) -> list[str]:
    with Case.open(root, readonly=True) as case:
        repo = MediaRepository(case.db)
        missing = []
        for item in case.items.search():
            if item.kind != "file" or item.mime is None:
                continue
            done = {r.extractor for r in repo.records(item.id)}
            wanted = {e.name for e in applicable(item.mime, item.name)}
            if wanted - done:
                missing.append(item.name)
        return missing


@pytest.mark.slow
def test_kill_9_between_store_and_extraction_is_finished_by_the_rerun(
    tmp_path: Path, corpus: Path
) -> None:
    source = tmp_path / "card"
    shutil.copytree(corpus / "exif-samples" / "jpg", source, ignore=shutil.ignore_patterns("*/"))
    for sub in [p for p in source.iterdir() if p.is_dir()]:
        shutil.rmtree(sub)  # the flat folder of camera JPEGs is enough
    assert len(list(source.iterdir())) > 20
    # The precondition the re-run must repair: a stored file without its metadata. The kill
    # lands between a file's commit and its extraction's; should the extraction win the race,
    # the kill is tried again on a new case (a few tries: the window is a whole extraction).
    for attempt in range(4):
        root = tmp_path / f"case{attempt}"
        assert _pwb("init", root, "--title", "kill -9 mid-extraction").returncode == 0
        proc = _start("ingest", root, source)
        _kill_when(proc, lambda root=root: len(_without_metadata(root / "case.db")) > 0)
        if _missing_extractions(root):
            break
    else:
        pytest.fail("no kill landed between a file's storing and its extraction")

    again = _pwb("ingest", root, source, "--json")

    assert again.returncode in (0, 3), again.stderr
    assert _missing_extractions(root) == []
    with Case.open(root, readonly=True) as case:
        names = [i.name for i in case.items.search() if i.kind == "file"]
        assert len(names) == len(set(names)) == len(list(source.iterdir()))  # each once
        assert verify_case(case, record_result=False).ok


def _case_with_big_file(tmp_path: Path, name: str = "case", mib: int = 120) -> Path:
    root = tmp_path / name
    assert _pwb("init", root, "--title", name).returncode == 0
    big = tmp_path / f"{name}-big.bin"
    _big_file(big, mib)
    done = _pwb("ingest", root, big, "--no-extract")
    assert done.returncode == 0, done.stderr
    return root


def _grows(pattern: Callable[[], list[Path]], at_least: int) -> Callable[[], bool]:
    def ready() -> bool:
        for path in pattern():
            try:
                size = (
                    sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
                    if path.is_dir()
                    else path.stat().st_size
                )
            except OSError:
                continue
            if size >= at_least:
                return True
        return False

    return ready


def _recovered_entry(root: Path) -> dict[str, object]:
    done = _pwb("log", root, "--json")
    assert done.returncode == 0, done.stderr
    entries = json.loads(done.stdout)["entries"]
    recovered = [e for e in entries if e["action"] == "recovered_interrupted_ingest"]
    assert recovered
    details: dict[str, object] = recovered[-1]["details"]
    return details


@pytest.mark.slow
def test_killed_pack_leaves_nothing_after_the_next_open(tmp_path: Path) -> None:
    root = _case_with_big_file(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()

    proc = _start("pack", root, out_dir / "case.pwbcase")
    _kill_when(proc, _grows(lambda: list(out_dir.glob(".*.pwbcase.part")), 8 << 20))
    assert list(out_dir.glob(".*.pwbcase.part"))
    assert [p for p in (root / "tmp").iterdir() if p.is_dir()]

    assert _pwb("verify", root).returncode == 0  # the next open

    assert not list(out_dir.iterdir())
    assert not list((root / "tmp").iterdir())
    details = _recovered_entry(root)
    assert details["temporary_folders_removed"]
    assert details["outside_temporary_files_removed"]


@pytest.mark.slow
def test_killed_unpack_and_merge_leave_nothing(tmp_path: Path) -> None:
    theirs = _case_with_big_file(tmp_path, "theirs")
    archive = tmp_path / "theirs.pwbcase"
    done = _pwb("pack", theirs, archive)
    assert done.returncode == 0, done.stderr
    dest = tmp_path / "received"

    proc = _start("unpack", archive, dest, "--accept-unsigned")
    _kill_when(proc, _grows(lambda: list(tmp_path.glob(".received.unpack-*")), 8 << 20))
    assert [p for p in tmp_path.glob(".received.unpack-*") if p.is_dir()]

    done = _pwb("unpack", archive, dest, "--accept-unsigned")  # the same unpack again
    assert done.returncode == 0, done.stderr
    assert not list(tmp_path.glob(".received.unpack-*"))
    with Case.open(dest, readonly=True) as case:
        assert verify_case(case, record_result=False).ok

    mine = tmp_path / "mine"
    assert _pwb("init", mine, "--title", "mine").returncode == 0
    proc = _start("merge", mine, archive, "--accept-unsigned")
    _kill_when(proc, _grows(lambda: list((mine / "tmp").glob("merge-*")), 8 << 20))
    assert list((mine / "tmp").glob("merge-*"))

    assert _pwb("verify", mine).returncode == 0  # the next open (read-write, as alone)

    assert not list((mine / "tmp").iterdir())
    assert "merge-" in str(_recovered_entry(mine)["temporary_folders_removed"])
    done = _pwb("merge", mine, archive, "--accept-unsigned")  # and the merge can be run again
    assert done.returncode == 0, done.stderr
    assert _pwb("verify", mine).returncode == 0
    assert not list((mine / "tmp").iterdir())
    os.sync()
