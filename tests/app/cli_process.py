"""Running `pwb` the way users do: the installed console script, in its own process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
_SCRIPT = Path(sys.executable).with_name("pwb")
PWB = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-m", "app"]
"""The venv's `pwb` entry point (what README runs), else the same `main` via `python -m app`."""


def pwb(
    *args: str | Path,
    cwd: Path = REPO,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run one `pwb` command in a fresh process and return what it did."""
    return subprocess.run(
        [*PWB, *(str(a) for a in args)],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def pwb_json(*args: str | Path, code: int = 0) -> Any:
    """Run `pwb ARGS --json`, check its exit code and return the parsed document."""
    done = pwb(*args, "--json")
    assert done.returncode == code, f"exit {done.returncode}: {done.stderr[-2000:]}"
    return json.loads(done.stdout)
