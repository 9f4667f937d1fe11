"""`pwb --version [--json]` in a real `pwb` process: every decoder's version, each checked
against what the installed package or the library itself reports."""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from forensics import versions
from tests.app.json_types import display_strings

REPO = Path(__file__).resolve().parents[2]
PWB = Path(sys.executable).with_name("pwb")


def _pwb(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PWB), *args], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture(scope="module")
def document() -> dict[str, object]:
    done = _pwb("--version", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


REQUIRED = (
    "python",
    "sqlite",
    "pillow",
    "pillow-heif",
    "libheif",
    "pillow-jxl-plugin",
    "opencv",
    "pyav",
    "libavcodec",
    "libavformat",
    "exifread",
    "pymediainfo",
    "libmediainfo",
    "pytsk3",
    "tsk",
    "libewf",
)


def test_every_python_package_matches_its_installed_distribution(
    document: dict[str, object],
) -> None:
    components = document["components"]
    assert isinstance(components, dict)
    assert set(components) == {c.key for c in versions.COMPONENTS}
    for key in REQUIRED:
        assert isinstance(components[key]["version"], str), key
    assert display_strings(document) == []
    packaged = [c for c in versions.COMPONENTS if c.packages]
    assert len(packaged) >= 8
    for c in packaged:
        entry = components[c.key]
        assert entry["package"] in c.packages
        assert entry["version"] == metadata.version(entry["package"]), c.key


def test_every_native_library_matches_what_the_library_reports(
    document: dict[str, object], corpus: Path
) -> None:
    import av
    import pillow_heif
    import pyewf
    import pytsk3
    from PIL import features
    from pymediainfo import MediaInfo

    found = {k: v["version"] for k, v in document["components"].items()}  # type: ignore[union-attr]
    assert found["python"] == platform.python_version()
    assert found["sqlite"] == sqlite3.sqlite_version
    for lib in av.library_versions:
        assert found[lib] == ".".join(map(str, av.library_versions[lib])), lib
    assert found["tsk"] == pytsk3.TSK_VERSION_STR
    assert found["libewf"] == pyewf.get_version()
    assert found["libheif"] == pillow_heif.libheif_version()
    assert found["libjpeg-turbo"] == features.version("libjpeg_turbo")
    assert found["libavif"] == features.version("avif")
    # MediaInfo names the library that wrote its report: the one pymediainfo loaded.
    report = json.loads(
        MediaInfo.parse(corpus / "video/pyscenedetect/counter.mp4", output="JSON")  # type: ignore[arg-type]
    )
    assert found["libmediainfo"] == report["creatingLibrary"]["version"]
    for key in ("opencv-libavcodec", "opencv-libavformat"):
        assert re.fullmatch(r"\d+\.\d+\.\d+", found[key] or ""), key


def test_the_app_version_and_commit(document: dict[str, object]) -> None:
    assert document["name"] == "pwb"
    assert document["version"] == metadata.version("provenance-workbench")
    git = shutil.which("git")
    if git and (REPO / ".git").exists():
        head = subprocess.run(
            [git, "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        assert document["commit"] == head
    plain = _pwb("--version")
    assert plain.returncode == 0
    assert plain.stdout.startswith(f"pwb {document['version']}")
    if document["commit"]:
        assert str(document["commit"])[:12] in plain.stdout


def test_the_plain_version_loads_no_decoder() -> None:
    probe = (
        "import sys, app.cli\n"
        "code = app.cli.main(['--version'])\n"
        "heavy = [m for m in ('cv2', 'av', 'PIL', 'exifread', 'pymediainfo', 'pytsk3',"
        " 'pyewf', 'numpy') if m in sys.modules]\n"
        "print(code, heavy, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ},
    )
    assert done.stderr.strip().splitlines()[-1] == "0 []"


def test_unknown_options_are_a_usage_error() -> None:
    done = _pwb("--version", "--bogus")
    assert done.returncode == 2
    assert "--bogus" in done.stderr
