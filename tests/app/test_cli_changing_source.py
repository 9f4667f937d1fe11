"""A source that changes while `pwb ingest` reads it is rejected with the reason, exit 3, and
nothing of it is stored; the files that stayed still are ingested."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.intake.host_files import changed_while_read
from forensics.verify import verify_case
from tests.app.test_cli_interrupt import _big_file, _wait_mid_copy
from tests.conftest import pwb_executable


def _shrink(path: Path) -> None:
    os.truncate(path, 1 << 20)


def _rewrite_tail(path: Path) -> None:
    """Same size, new bytes at the end: only the modification time tells."""
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.seek(size - 4096)
        f.write(b"\xee" * 4096)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("change", "said"),
    [(_shrink, "its size went from"), (_rewrite_tail, "modified during the copy")],
)
def test_source_changed_mid_read_is_rejected(tmp_path: Path, change: object, said: str) -> None:
    source = tmp_path / "card"
    source.mkdir()
    (source / "a_small.txt").write_bytes(b"still\n")
    big = source / "b_big.bin"
    _big_file(big, 120)
    root = tmp_path / "case"
    assert subprocess.run([pwb_executable(), "init", str(root), "--title", "t"]).returncode == 0

    proc = subprocess.Popen(
        [pwb_executable(), "ingest", str(root), str(source), "--no-extract", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _wait_mid_copy(root, proc, 8 << 20)
    change(big)  # type: ignore[operator]
    out, err = proc.communicate(timeout=300)

    assert proc.returncode == 3, err  # partial: an input was rejected
    report = json.loads(out)
    outcomes = {Path(o["path"]).name: o for o in report["outcomes"]}
    assert outcomes["a_small.txt"]["status"] == "ingested"
    rejected = outcomes["b_big.bin"]
    assert rejected["status"] == "rejected"
    assert said in rejected["reason"]
    assert "not stored" in rejected["reason"]
    with Case.open(root, readonly=True) as case:
        names = [i.name for i in case.items.search() if i.kind == "file"]
        assert names == ["a_small.txt"]
        stored = [p for p in (root / "evidence").rglob("*") if p.is_file()]
        assert len(stored) == 1  # nothing of the changed file
        assert not list((root / "tmp").glob("*.part"))
        logged = [e for e in case.custody.entries() if e.action == "ingest_rejected"]
        assert said in logged[0].details["reason"]
        assert verify_case(case, record_result=False).ok


def test_short_read_and_replaced_name_are_reasons(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"x" * 100)
    before = os.stat(path)
    assert changed_while_read(before, before, before, 100) is None
    assert "came up short" in (changed_while_read(before, before, before, 60) or "")
    other = tmp_path / "g.bin"
    other.write_bytes(b"y" * 100)
    moved = os.stat(other)
    assert "another file" in (changed_while_read(before, before, moved, 100) or "")
    assert "another file" in (changed_while_read(before, before, None, 100) or "")
