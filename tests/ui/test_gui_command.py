"""`pwb gui`: the screenshot mode a documentation script or a check without a screen uses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtGui import QImage

from forensics.case import Case
from tests.ui.helpers import populate


def _env(data: Path) -> dict[str, str]:
    # The run's temporary files go to a folder of the test's own (TMPDIR): what is left there
    # afterwards is what `pwb gui` left behind.
    tmp = data.parent / "tmp"
    tmp.mkdir(exist_ok=True)
    return {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PWB_DATA_DIR": str(data),
        "TMPDIR": str(tmp),
    }


def _left_behind(data: Path) -> list[str]:
    return sorted(p.name for p in (data.parent / "tmp").glob("pwb-shot-*"))


def _pwb(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=_env(data),
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
    assert _left_behind(tmp_path / "data") == []  # its scratch settings are gone
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


def test_a_picture_that_cannot_be_written_is_an_error_and_leaves_nothing(
    case: Case, tmp_path: Path
) -> None:
    root = case.root
    case.close()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the picture's folder should be")
    out = blocker / "shot.png"
    done = _pwb("gui", str(root), "--screenshot", str(out), data=tmp_path / "data")
    assert done.returncode == 1
    assert str(out) in done.stderr
    assert not out.exists()
    assert _left_behind(tmp_path / "data") == []


def test_a_screenshot_stopped_by_a_signal_cleans_up(tmp_path: Path) -> None:
    """SIGTERM while the demo case is still being built (a long run): the window closes, the
    process ends with 128 + 15 and its scratch settings folder is removed."""
    data = tmp_path / "data"
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "gui", "--screenshot", str(tmp_path / "shot.png")],
        env=_env(data),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not _left_behind(data) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _left_behind(data), "the scratch settings folder never appeared"
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 128 + signal.SIGTERM, err[-3000:]
    assert not (tmp_path / "shot.png").exists()
    assert _left_behind(data) == []
