"""`pwb ingest --carve`: PhotoRec carves unallocated space, in real `pwb` subprocesses.

The images are made here with mkfs.fat and mtools; corpus JPEGs and an MP4 are written
straight into free clusters (no directory entry, no FAT chain), so TSK lists none of them and
only carving can find them. The carved items must have the originals' sha256 and the byte
offsets the files were written at; the carver named must be the PhotoRec `photorec /version`
reports.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.forensics.carving import card_with_hidden_files, fake_photorec
from tests.forensics.imaging import make_e01, make_mbr_disk


def _pwb(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *map(str, args)],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _ingest(case: Path, image: Path, *flags: str, env: dict[str, str] | None = None) -> Any:
    assert _pwb("init", case, "--title", "Carving", "--examiner", "A. Analyst").returncode == 0
    return _pwb("ingest", case, image, "--no-extract", "--json", *flags, env=env)


def _carved(case: Path) -> list[dict[str, Any]]:
    listed = _pwb("items", case, "--json")
    assert listed.returncode == 0, listed.stderr
    items = json.loads(listed.stdout)["items"]
    (node,) = [i for i in items if i["kind"] == "folder" and i["name"] == "Carved"]
    assert node["recovery"] == "carved"
    return [i for i in items if i["parent_id"] == node["id"]]


def _photorec_version() -> str:
    out = subprocess.run(["photorec", "/version"], capture_output=True, text=True, check=True)
    return next(
        line.split(":", 1)[1].strip()
        for line in out.stdout.splitlines()
        if line.startswith("Version:")
    )


def _assert_found(carved: list[dict[str, Any]], written: dict[int, bytes], shift: int) -> None:
    import hashlib

    by_offset = {i["attributes"]["carving"]["offset"]: i for i in carved}
    for offset, data in written.items():
        item = by_offset[offset + shift]
        assert item["sha256"] == hashlib.sha256(data).hexdigest()
        assert item["size"] == len(data)
        carving = item["attributes"]["carving"]
        assert carving["carver"] == "PhotoRec"
        assert carving["carver_version"] == _photorec_version()
        assert carving["byte_runs"] == [[offset + shift, len(data)]]
        assert carving["free_space_only"] is True
        assert item["recovery"] == "carved"
        assert item["fs_path"].endswith("$Carved/" + item["name"])
    assert len(carved) == len(written)


def test_carving_finds_the_files_written_into_free_clusters(tmp_path: Path, corpus: Path) -> None:
    image, written = card_with_hidden_files(tmp_path, corpus)
    case = tmp_path / "case"
    plain = _ingest(tmp_path / "plain", image)
    assert plain.returncode == 0, plain.stderr
    names = [o["item"]["name"] for o in json.loads(plain.stdout)["outcomes"] if "item" in o]
    assert sorted(names) == ["card.img", "live.txt"]  # TSK alone sees only the live file

    done = _ingest(case, image, "--carve")
    assert done.returncode == 0, done.stdout + done.stderr
    _assert_found(_carved(case), written, shift=0)
    assert list((case / "tmp").iterdir()) == []
    assert _pwb("verify", case).returncode == 0

    again = _pwb("ingest", case, image, "--carve", "--no-extract", "--json")
    assert again.returncode == 0
    assert json.loads(again.stdout)["ingested"] == 0  # carved already: nothing twice
    assert len(_carved(case)) == len(written)


def test_carving_an_mbr_disk_and_an_e01_gives_image_offsets(tmp_path: Path, corpus: Path) -> None:
    card, written = card_with_hidden_files(tmp_path, corpus)
    disk = make_mbr_disk(tmp_path / "disk.img", card.read_bytes())
    done = _ingest(tmp_path / "mbr", disk, "--carve")
    assert done.returncode == 0, done.stdout + done.stderr
    carved = _carved(tmp_path / "mbr")
    _assert_found(carved, written, shift=2048 * 512)
    assert all(i["fs_path"].startswith("/p") for i in carved)

    (e01_dir := tmp_path / "e01").mkdir()
    segments = make_e01(card, e01_dir / "card")
    done = _ingest(tmp_path / "e01case", segments[0], "--carve")
    assert done.returncode == 0, done.stdout + done.stderr
    _assert_found(_carved(tmp_path / "e01case"), written, shift=0)
    assert list((tmp_path / "e01case" / "tmp").iterdir()) == []


def test_a_failing_carver_is_a_recorded_problem_and_the_rest_is_ingested(
    tmp_path: Path, corpus: Path
) -> None:
    image, _written = card_with_hidden_files(tmp_path, corpus)
    env = fake_photorec(tmp_path / "bin", "kill -SEGV $$")
    case = tmp_path / "case"
    done = _ingest(case, image, "--carve", env=env)
    assert done.returncode == 3, done.stdout + done.stderr
    report = json.loads(done.stdout)
    (rejected,) = [o for o in report["outcomes"] if o["status"] == "rejected"]
    assert "card.img" in rejected["path"]
    assert "PhotoRec failed" in rejected["reason"]
    names = sorted(o["item"]["name"] for o in report["outcomes"] if "item" in o)
    assert names == ["card.img", "live.txt"]
    assert list((case / "tmp").iterdir()) == []
    log = _pwb("log", case, "--json")
    assert "PhotoRec failed" in log.stdout


def test_ctrl_c_kills_photorec_and_leaves_nothing(tmp_path: Path, corpus: Path) -> None:
    image, _written = card_with_hidden_files(tmp_path, corpus)
    pid_file = tmp_path / "photorec.pid"
    started = tmp_path / "started"
    env = fake_photorec(
        tmp_path / "bin",
        f"echo $$ > {pid_file}; mkdir -p recup.1; echo half > recup.1/f0000001.jpg; "
        f"touch {started}; exec sleep 120",
    )
    case = tmp_path / "case"
    assert _pwb("init", case, "--title", "Carving", "--examiner", "A").returncode == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "ingest", str(case), str(image), "--carve", "--no-extract"],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not started.exists():
        assert time.monotonic() < deadline, "the carver never started"
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _out, _err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    carver = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(carver, 0)
    assert list((case / "tmp").iterdir()) == []
    items = json.loads(_pwb("items", case, "--json").stdout)["items"]
    assert not [i for i in items if i["name"] in ("Carved",) or i["name"].startswith("f0")]


def test_kill_9_of_the_workbench_takes_photorec_with_it(tmp_path: Path, corpus: Path) -> None:
    image, _written = card_with_hidden_files(tmp_path, corpus)
    pid_file = tmp_path / "photorec.pid"
    env = fake_photorec(
        tmp_path / "bin", f"echo $$ > {pid_file}.tmp; mv {pid_file}.tmp {pid_file}; exec sleep 120"
    )
    case = tmp_path / "case"
    assert _pwb("init", case, "--title", "Carving", "--examiner", "A").returncode == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "ingest", str(case), str(image), "--carve", "--no-extract"],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not pid_file.exists():
        assert time.monotonic() < deadline, "the carver never started"
        assert proc.poll() is None
        time.sleep(0.1)
    carver = int(pid_file.read_text())
    proc.kill()
    proc.wait(30)
    deadline = time.monotonic() + 30
    try:
        while _alive(carver):
            assert time.monotonic() < deadline, "PhotoRec outlived the killed workbench"
            time.sleep(0.1)
    finally:
        if _alive(carver):
            os.kill(carver, signal.SIGKILL)  # the test failed: leave no stray process behind


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting for init to reap it counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"
