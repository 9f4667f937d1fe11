"""Run a snippet in a fresh Python process, as a start-up guard needs (what a real start
imports, collects or paints cannot be seen from inside the test's own, already loaded,
process), and read the JSON line it prints last."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def run_probe(script: str, env: dict[str, str] | None = None) -> tuple[Any, str]:
    """The last line of the snippet's output parsed as JSON, and the whole output.

    Args:
        script: Python source; it prints one JSON document on its last line.
        env: the process's environment (None: this one's).
    """
    run = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1]), run.stdout
