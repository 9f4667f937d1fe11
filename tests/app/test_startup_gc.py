"""`pwb gui` pauses the cyclic garbage collector until its window has painted, then freezes
what the start made and collects again (app/startup_gc.py)."""

from __future__ import annotations

import gc
import os
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import startup_gc
from forensics.case import Case
from tests.python_probe import run_probe


@pytest.fixture
def _collector_restored() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    startup_gc.resume()
    gc.unfreeze()
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("_collector_restored")
def test_pause_and_resume_freeze_what_was_made_and_collect_again() -> None:
    gc.enable()
    gc.unfreeze()
    startup_gc.pause()
    assert not gc.isenabled()
    assert startup_gc.paused()
    startup_gc.resume()
    assert gc.isenabled()
    assert not startup_gc.paused()
    frozen = gc.get_freeze_count()
    assert frozen > 1000  # this process's modules and objects
    startup_gc.resume()  # a second call changes nothing
    assert gc.get_freeze_count() == frozen


@pytest.mark.usefixtures("_collector_restored")
def test_a_collector_someone_else_turned_off_stays_off() -> None:
    gc.disable()
    startup_gc.pause()
    assert not startup_gc.paused()
    startup_gc.resume()
    assert not gc.isenabled()


def test_pwb_gui_collects_nothing_before_its_first_paint_and_collects_again_after(
    case: Case, tmp_path: Path
) -> None:
    """The real command, with the start-up probe (the benchmark's: it quits once the window
    has painted with the case open)."""
    root = case.root
    case.close()
    script = textwrap.dedent(
        f"""
        import gc, json
        from PySide6.QtCore import QTimer
        import app.gui as gui
        from app import startup_gc
        runs = []
        gc.callbacks.append(lambda phase, info: phase == "start" and runs.append(1))
        seen = {{}}
        pause = startup_gc.pause
        def paused():
            runs.clear()  # what this script's own imports made before `pwb gui` starts
            pause()
        startup_gc.pause = paused
        resume = startup_gc.resume
        def resumed():
            seen.setdefault("collections_before_the_first_paint", len(runs))
            resume()
        startup_gc.resume = resumed
        report = gui._report_shown
        def shown(app):
            # A moment after the first paint, before the window closes.
            def later():
                seen["collecting_after_the_paint"] = gc.isenabled() and not startup_gc.paused()
                report(app)
            QTimer.singleShot(200, later)
        gui._report_shown = shown
        from app.cli import main
        code = main(["gui", {str(root)!r}])
        print(json.dumps({{"code": code, "frozen": gc.get_freeze_count(),
                           "collecting": gc.isenabled(), **seen}}))
        """
    )
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PWB_DATA_DIR": str(tmp_path / "data"),
        "PWB_STARTUP_PROBE": "1",
    }
    got, _output = run_probe(script, env)
    assert got["code"] == 0
    assert got["collections_before_the_first_paint"] == 0  # without the pause: ~70
    assert got["collecting_after_the_paint"] is True
    assert got["collecting"] is True
    assert got["frozen"] > 10_000  # the start's modules, classes and widgets
