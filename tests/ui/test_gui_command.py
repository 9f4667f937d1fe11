"""`pwb gui`: the screenshot mode a documentation script or a check without a screen uses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from forensics.case import Case
from tests.ui.helpers import populate


def _pwb(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PWB_DATA_DIR": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_screenshot_writes_a_1440x900_png_of_the_case(
    case: Case, corpus: Path, tmp_path: Path
) -> None:
    populate(case, corpus)
    root = case.root
    case.close()
    out = tmp_path / "shot.png"
    done = _pwb("gui", str(root), "--screenshot", str(out), data=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1440, 900)
    # the catalogue is on it: not one flat colour
    colours = {image.pixel(x, y) for x in range(300, 1000, 25) for y in range(40, 300, 10)}
    assert len(colours) > 3


def test_a_folder_that_is_not_a_case_is_a_usage_error(tmp_path: Path) -> None:
    done = _pwb(
        "gui", str(tmp_path), "--screenshot", str(tmp_path / "x.png"), data=tmp_path / "data"
    )
    assert done.returncode == 2
    assert "not a case folder" in done.stderr
    assert not (tmp_path / "x.png").exists()


def test_no_argument_opens_a_default_case_in_the_data_folder(tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    done = _pwb("gui", "--screenshot", str(out), data=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    assert out.is_file()
    cases = [p for p in (tmp_path / "data").iterdir() if (p / "case.db").is_file()]
    assert len(cases) == 1
