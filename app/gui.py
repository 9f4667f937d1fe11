"""Starting the GUI: the application object, its look, which case opens, and screenshot mode.

With no case named, the workbench opens the last case, else the demo case in the user's data
folder (built on first start when the demo builder is installed; an empty case otherwise).
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, QStandardPaths, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app import startup_gc
from app.features import (
    FEATURES,
    Feature,
    export_formats,
    gui_contributions,
    install,
    load,
    post_ingest_steps,
)
from app.profiles import ProfileStore
from forensics.case import Case, is_case
from forensics.jobs import CancelToken, ProgressFn
from forensics.store.location import ServerLocation
from ui.after_paint import after_first_paint
from ui.style import apply_style

if TYPE_CHECKING:
    from ui.main_window import MainWindow

log = logging.getLogger(__name__)

ORG = "ProvenanceWorkbench"
APP = "Provenance Workbench"
DATA_ENV = "PWB_DATA_DIR"
SCREENSHOT_SIZE = (1440, 900)
IDLE_CHECKS = 3
"""Consecutive quiet polls (100 ms apart) before the window counts as idle."""
IDLE_TIMEOUT_MS = 120_000
STARTUP_PROBE_ENV = "PWB_STARTUP_PROBE"
"""When set, the GUI writes `shown <CPU seconds>` to stdout once its window has painted with
the case open, and quits: how `bench/gui_startup.py` times the real start-up path."""


def application() -> QApplication:
    """The process's QApplication, created and styled once."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORG)
    app.setApplicationName(APP)
    apply_style(app)
    return app


def data_dir() -> Path:
    """Where the workbench keeps its own cases and settings: `PWB_DATA_DIR`, else the
    platform's application data folder."""
    env = os.environ.get(DATA_ENV)
    if env:
        path = Path(env)
    else:
        location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
        path = Path(location) if location else Path.home() / ".provenance-workbench"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _settings(folder: Path) -> QSettings:
    if os.environ.get(DATA_ENV):
        return QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    return QSettings(ORG, APP)


def demo_builder() -> Callable[..., Any] | None:
    """`app.demo.build.build_demo` when the demo feature is installed."""
    try:
        from app.demo.build import build_demo
    except ImportError:
        return None
    return build_demo


def default_case(folder: Path) -> tuple[Path, Callable[..., Any] | None]:
    """The case to open with no argument and, when it must be built first, how."""
    builder = demo_builder()
    if builder is not None:
        # Always through the builder: it returns at once when the demo is up to date and
        # rebuilds it when a feature added its part.
        return folder / "demo-case", builder
    root = folder / "my-case"
    if not is_case(root):
        Case.create(root, title="My case").close()
    return root, None


def build_window(
    settings: QSettings,
    folder: Path,
    *,
    restore_layout: bool = True,
    features: Sequence[Feature] = FEATURES,
) -> MainWindow:
    """The main window with what the feature list gives the GUI: each feature's
    contribution, the post-ingest steps (metadata extraction, hypotheses from it) and the
    case's export formats. The one place a window is built, for `pwb gui` and the tests.
    """
    from ui.main_window import MainWindow

    install(features)
    return MainWindow(
        settings,
        data_dir=folder,
        contributions=[load(target) for target in gui_contributions(features)],
        restore_layout=restore_layout,
        post_ingest=lambda: post_ingest_steps(features=features),
        export_formats=list(export_formats(features).values()),
        profiles=ProfileStore(),
    )


def run_gui(case_dir: Path | ServerLocation | None, screenshot: Path | None = None) -> int:
    """Run the workbench until its window closes (or, with `screenshot`, until it is idle and
    the picture is saved). Returns the process exit code."""
    app = application()
    folder = data_dir()
    if screenshot is None:
        return _run(app, folder, case_dir, _settings(folder), None)
    # A screenshot must not depend on, nor change, the user's layout: its settings live in a
    # scratch folder, removed however the run ends (picture saved or not, an error, or a
    # signal: SIGTERM, SIGINT or SIGHUP close the window and end the run).
    scratch = Path(tempfile.mkdtemp(prefix="pwb-shot-"))
    try:
        settings = QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat)
        with _StopOnSignals(app) as stop:
            code = _run(app, folder, case_dir, settings, screenshot, stop)
        return stop.code if stop.code is not None else code
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


class _StopOnSignals:
    """While a screenshot is taken, a termination signal closes the window (its jobs stop,
    its settings are written) and ends the event loop, so `run_gui` can clean up; Python runs
    the handler at the next poll of `when_idle` (every 100 ms), or at once before the loop.

    `code` is the exit code the signal asks for (128 + its number), None without one."""

    SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)

    def __init__(self, app: QApplication) -> None:
        self._app = app
        self._previous: dict[int, Any] = {}
        self.window: QWidget | None = None
        self.code: int | None = None

    def __enter__(self) -> _StopOnSignals:
        for signum in self.SIGNALS:
            self._previous[signum] = signal.signal(signum, self._stop)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)

    def _stop(self, signum: int, _frame: object) -> None:
        log.warning("screenshot stopped by signal %d", signum)
        self.code = 128 + signum
        if self.window is not None:
            self.window.close()
        self._app.quit()


def _run(
    app: QApplication,
    folder: Path,
    case_dir: Path | ServerLocation | None,
    settings: QSettings,
    screenshot: Path | None,
    stop: _StopOnSignals | None = None,
) -> int:
    window = build_window(settings, folder, restore_layout=screenshot is None)
    if stop is not None:
        stop.window = window
    try:
        if stop is not None and stop.code is not None:
            return stop.code  # stopped while the window was being built
        return _show(app, window, folder, case_dir, screenshot)
    finally:
        if window.isVisible():  # an error on the way: jobs stopped, settings written
            window.close()


def _show(
    app: QApplication,
    window: MainWindow,
    folder: Path,
    case_dir: Path | ServerLocation | None,
    screenshot: Path | None,
) -> int:
    if screenshot is not None:
        window.resize(*SCREENSHOT_SIZE)
        window.show()
    else:
        window.show_as_remembered()
    # The collector paused by `pwb gui` runs again once the window has painted.
    after_first_paint(window, startup_gc.resume)
    if screenshot is None:
        # Who is examining: the last profile, else the first-start question.
        window.examiner.start()

    build: Callable[..., Any] | None = None
    last = window.last_case()
    target: Path | ServerLocation | None
    if case_dir is not None:
        target = case_dir
    elif (
        screenshot is None
        and last is not None
        and (isinstance(last, ServerLocation) or is_case(last))
    ):
        target = last
    else:
        target, build = default_case(folder)
    if isinstance(target, Path) and build is not None:
        _build_then_open(window, target, build)
    elif target is not None:
        window.open_case(target)

    if os.environ.get(STARTUP_PROBE_ENV):
        after_first_paint(window, lambda: _report_shown(app))
    if screenshot is None:
        return int(app.exec())
    result: dict[str, int] = {}
    when_idle(window, lambda: _save_screenshot(window, screenshot, result))
    app.exec()
    return result.get("code", 1)


def _report_shown(app: QApplication) -> None:
    sys.stdout.write(f"shown {time.process_time()}\n")
    sys.stdout.flush()
    app.quit()


def _build_then_open(window: Any, root: Path, build: Callable[..., Any]) -> None:
    """Build the demo case in the background, then open it."""

    def work(progress: ProgressFn, cancel: CancelToken) -> Path:
        progress(0, 0, "checking the demo case")
        build(root, progress=progress, cancel=cancel)
        return root

    job = window.runner.start("Demo case", work)
    job.signals.finished.connect(lambda _r: window.open_case(root))
    job.signals.failed.connect(
        lambda message, _tb: QMessageBox.critical(
            window, "The demo case could not be built", f"{root}\n\n{message}"
        )
    )


def when_idle(window: Any, then: Callable[[], None], timeout_ms: int = IDLE_TIMEOUT_MS) -> None:
    """Call `then` once no job runs and the viewer has nothing pending, a few polls in a row
    (so work that a finished job starts is waited for too)."""
    state = {"quiet": 0, "waited": 0}
    timer = QTimer(window)
    timer.setInterval(100)

    def poll() -> None:
        state["waited"] += 100
        busy = window.runner.active > 0 or window.is_busy()
        state["quiet"] = 0 if busy else state["quiet"] + 1
        if state["quiet"] >= IDLE_CHECKS or state["waited"] >= timeout_ms:
            if state["waited"] >= timeout_ms:
                log.warning("the window was still busy after %d ms", timeout_ms)
            timer.stop()
            then()

    timer.timeout.connect(poll)
    timer.start()


def _save_screenshot(window: Any, out: Path, result: dict[str, int]) -> None:
    # Whatever happens here, the window closes and the loop ends: an exception escaping a
    # slot would leave the process waiting for ever.
    ok = False
    try:
        QApplication.processEvents()
        pixmap = window.grab()
        out.parent.mkdir(parents=True, exist_ok=True)
        ok = pixmap.save(str(out), "PNG")
        if not ok:
            log.error("could not write %s", out)
    except OSError as exc:
        log.error("could not write %s: %s", out, exc.strerror or exc)
    finally:
        result["code"] = 0 if ok else 1
        window.close()
        app = QApplication.instance()
        if app is not None:
            app.quit()
