"""Nothing outside the recorded-write path pairs a write with custody, or speaks SQL.

These scan our source: a custody entry is appended only by `forensics/store/recording.py`
(through `CustodyLog.append`), and statements are run only inside `forensics/store/`.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("app", "forensics", "geoloc", "ui")


def _sources() -> list[Path]:
    return [p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))]


def _offenders(pattern: str, allowed: tuple[str, ...]) -> list[str]:
    found = []
    rx = re.compile(pattern)
    for path in _sources():
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(allowed):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if rx.search(line):
                found.append(f"{rel}:{n}: {line.strip()}")
    return found


def test_only_the_recording_appends_custody_entries() -> None:
    assert _offenders(r"custody\.append\(", ("forensics/store/recording.py",)) == []


def test_only_the_store_runs_sql() -> None:
    pattern = r"\.(execute|executemany|executescript)\(|\bdb\.query\(|\.conn\b(?!\.close)"
    assert _offenders(pattern, ("forensics/store/",)) == []


def test_the_scan_sees_our_code() -> None:
    # The scan must find the store's own statements, or it proves nothing.
    assert _offenders(r"\.execute\(", ()) != []
    assert _offenders(r"custody\.append\(", ()) != []
