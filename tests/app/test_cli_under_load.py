"""Verify under load, concurrent ingests and failed inserts, with real `pwb` processes.

Each test runs `pwb` the way a user does (its own process, the venv's console script) against
real case folders; the other writer is another real process, or a real lock held by another
SQLite connection.
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import subprocess
import time
from pathlib import Path

from tests.app.cli_process import PWB, REPO, pwb, pwb_json


def _start(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*PWB, *(str(a) for a in args)],
        cwd=REPO,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _init(root: Path) -> None:
    done = pwb("init", root, "--title", "load", "--examiner", "E. Xaminer")
    assert done.returncode == 0, done.stderr


def _random_folder(folder: Path, count: int, size: int) -> Path:
    """`count` files of distinct random bytes (no extractor recognises them: fast ingests)."""
    folder.mkdir(parents=True)
    for n in range(count):
        data = bytearray(os.urandom(size))
        data[1080:1082] = b"\0\0"  # never an ext image's magic (`intake/sniff.py`)
        (folder / f"f{n:04d}.bin").write_bytes(data)
    return folder


def _rows(root: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"{(root / 'case.db').as_uri()}?mode=ro", uri=True)
    try:
        return list(conn.execute(sql))
    finally:
        conn.close()


def _evidence_files(root: Path) -> set[str]:
    return {p.name for p in (root / "evidence").rglob("*") if p.is_file()}


def test_two_ingests_of_one_folder_at_once_make_no_duplicate(tmp_path: Path) -> None:
    root = tmp_path / "case"
    _init(root)
    folder = _random_folder(tmp_path / "card" / "DCIM", 60, 20_000)
    procs = [_start("ingest", root, folder.parent, "--no-extract", "--json") for _ in range(2)]
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err[-2000:]
        assert "Traceback" not in err
        reports.append(json.loads(out))
    # Every file is in the case once: one of the two ingests stored it, the other was told so.
    statuses = [o["status"] for r in reports for o in r["outcomes"]]
    assert statuses.count("ingested") == 60
    assert statuses.count("duplicate") == 60
    files = _rows(root, "SELECT sha256, count(*) FROM items WHERE sha256 IS NOT NULL GROUP BY 1")
    assert len(files) == 60
    assert all(n == 1 for _, n in files)
    folders = _rows(
        root, "SELECT source_path, count(*) FROM items WHERE kind = 'folder' GROUP BY 1"
    )
    assert sorted(n for _, n in folders) == [1, 1]  # card/ and card/DCIM/, once each
    assert len(_evidence_files(root)) == 60
    assert not list((root / "tmp").glob("*.inflight"))
    assert not list((root / "tmp").glob("*.batch"))
    assert pwb_json("verify", root)["ok"] is True


def test_verify_during_a_large_ingest_finds_and_logs_nothing(tmp_path: Path) -> None:
    root = tmp_path / "case"
    _init(root)
    folder = _random_folder(tmp_path / "big", 150, 200_000)
    (folder / "large.bin").write_bytes(os.urandom(40 << 20))  # the threaded, fastcopy path
    ingest = _start("ingest", root, folder, "--no-extract", "--json")
    runs: list[dict[str, object]] = []
    while ingest.poll() is None and len(runs) < 40:
        done = pwb("verify", root, "--json")
        assert "Traceback" not in done.stderr
        runs.append(json.loads(done.stdout))
    _out, err = ingest.communicate(timeout=600)
    assert ingest.returncode == 0, err[-2000:]
    assert len(runs) >= 2, "the ingest ended before verify could run during it"
    assert [f for r in runs for f in r["findings"]] == []  # type: ignore[attr-defined]
    # What the log kept of those verifications: each one verified, none with a finding.
    entries = pwb_json("log", root)["entries"]
    verified = [e for e in entries if e["action"] == "verified"]
    assert len(verified) == len(runs)
    assert all(e["details"]["ok"] and e["details"]["findings"] == 0 for e in verified)
    final = pwb_json("verify", root)
    assert final["ok"] is True
    assert final["files_checked"] == 151


def test_a_deleted_frame_png_is_a_finding(tmp_path: Path, corpus: Path) -> None:
    root = tmp_path / "case"
    _init(root)
    clip = corpus / "video/pyscenedetect/counter.mp4"
    (item,) = pwb_json("ingest", root, clip, "--no-extract")["outcomes"]
    (frame,) = pwb_json("frames", root, item["item"]["id"], "--index", "12")["frames"]
    assert pwb_json("verify", root)["ok"] is True
    png = Path(frame["png_path"])
    png.unlink()
    done = pwb("verify", root, "--json")
    assert done.returncode == 1
    findings = json.loads(done.stdout)["findings"]
    assert [f["kind"] for f in findings] == ["derived_missing"]
    assert findings[0]["expected"] == png.name.split(".")[0]
    assert frame["id"] in findings[0]["message"]


def _hold_write_lock(db: Path) -> subprocess.Popen[str]:
    """Another process that takes the database's write lock and keeps it until killed."""
    code = (
        "import sqlite3, sys, time\n"
        f"c = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
        "c.execute('BEGIN IMMEDIATE')\n"
        "c.execute(\"INSERT INTO case_info (key, value) VALUES ('lock-holder', 'x')\")\n"
        "print('locked', flush=True)\n"
        "time.sleep(600)\n"
    )
    proc = subprocess.Popen(
        [os.environ.get("PYTHON", "python3"), "-c", code], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_an_insert_refused_by_a_lock_removes_its_blob_and_says_why(tmp_path: Path) -> None:
    root = tmp_path / "case"
    _init(root)
    evidence = tmp_path / "photo.bin"
    evidence.write_bytes(os.urandom(50_000))
    holder = _hold_write_lock(root / "case.db")
    try:
        started = time.monotonic()
        done = pwb("ingest", root, evidence, "--no-extract", env={"PWB_BUSY_TIMEOUT_MS": "300"})
        assert time.monotonic() - started < 120
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "locked by another program" in done.stderr
    assert _evidence_files(root) == set()  # the copy did not outlive its refused row
    assert not list((root / "tmp").iterdir())
    report = pwb_json("verify", root)
    assert report["ok"] is True
    assert report["findings"] == []


def test_an_insert_refused_by_a_file_size_limit_removes_its_blob(tmp_path: Path) -> None:
    """RLIMIT_FSIZE stands for a full disk: the blob fits, the database's log does not."""
    root = tmp_path / "case"
    _init(root)
    evidence = tmp_path / "small.bin"
    evidence.write_bytes(os.urandom(12_000))
    limit = 40_000  # above the blob and SQLite's 32 KiB shared-memory index, below the log

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        [*PWB, "ingest", str(root), str(evidence), "--no-extract"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=cap,
        check=False,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert "cannot write the case" in done.stderr
    assert _evidence_files(root) == set()
    assert pwb_json("verify", root)["ok"] is True
