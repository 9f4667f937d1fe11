"""Help and polish through the window `pwb gui` builds: F1's user guide, Add evidence after a
Cancel, no literal mnemonics, exports that ask before overwriting, the remembered window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication

from forensics.case import Case
from ui.ingest_dialog import IngestDialog
from ui.user_guide import SECTIONS, UserGuideDialog


def _action(window, name: str) -> QAction:
    action = window.findChild(QAction, name)
    assert action is not None, name
    return action


def test_f1_opens_the_user_guide_and_help_keeps_about(qtbot, make_window) -> None:
    window = make_window()
    guide_action = _action(window, "action_user_guide")
    assert guide_action.shortcut() == QKeySequence("F1")
    help_menu = window.menu("&Help")
    assert [a.objectName() for a in help_menu.actions()] == ["action_user_guide", "action_about"]
    assert _action(window, "action_about").shortcut().toString() != "F1"

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    guide = window.findChild(UserGuideDialog, "user_guide_dialog")
    assert guide is not None
    qtbot.waitUntil(guide.isVisible, timeout=5000)
    assert not guide.isModal()  # read while working
    text = guide.text()
    assert text.startswith("Provenance Workbench: a guide for investigators")
    for heading in (
        "Case",
        "Ingest",
        "Viewer",
        "Annotate",
        "Geolocate",
        "Provenance",
        "Exchange",
        "Verify",
    ):
        assert f"\n{heading}\n" in text, heading
    # What it teaches is what the menus hold: every command it names with its key exists.
    keys = {a.shortcut().toString() for a in window.findChildren(QAction)}
    for key in ("Ctrl+I", "Ctrl+Shift+V", "Ctrl+Alt+H", "Ctrl+Alt+A", "Ctrl+Shift+L", "Ctrl+R"):
        assert key in text, key
        assert key in keys, key
    html = guide.browser.toHtml()
    for section in SECTIONS:
        assert f'href="#{section}"' in html, section
        guide.show_section(section)  # each contents link has its anchor
    guide.show_section("verify")
    assert guide.browser.verticalScrollBar().value() > 0

    # F1 again raises the same window rather than stacking copies.
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert window.findChildren(UserGuideDialog) == [guide]


def test_after_a_cancel_ingest_is_enabled_and_no_problem_list_pops_up(
    qtbot, make_window, case: Case, tmp_path: Path, corpus: Path
) -> None:
    small = corpus / "synthetic" / "gps_control_eiffel.jpg"
    big = tmp_path / "card.bin"
    with big.open("wb") as f:
        f.truncate(768 * 1024 * 1024)  # sparse: long to hash, cheap to make
    window = make_window()
    assert window.open_case(case.root)
    add_evidence = _action(window, "action_add_evidence")

    def ingest(paths: list[Path]):  # type: ignore[no-untyped-def]
        add_evidence.trigger()
        dialog = window.actions_.ingest_dialog
        assert isinstance(dialog, IngestDialog)
        dialog.add_paths(paths)
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
        assert dialog.ingest_job is not None
        row = window.jobs_panel.row_of(dialog.ingest_job.job)
        assert row is not None
        return dialog.ingest_job, row

    job, row = ingest([small, big])
    percents: list[int] = []
    job.job.signals.progress.connect(lambda p, _m: percents.append(p))
    qtbot.waitUntil(lambda: any(0 < p < 90 for p in percents), timeout=60000)
    with qtbot.waitSignal(job.job.signals.ended, timeout=60000):
        qtbot.mouseClick(row.cancel_button, Qt.MouseButton.LeftButton)
    assert job.report is not None
    assert job.report.cancelled
    assert add_evidence.isEnabled()
    assert row.problems_button.isHidden()  # nothing was refused: nothing to list

    # Ingest again without the big file: the photo is a duplicate, nothing is rejected.
    job, row = ingest([small])
    qtbot.waitUntil(lambda: not job.running(), timeout=30000)
    assert row.phase.text().startswith("Done. 0 ingested, 1 already in the case")
    assert row.problems_button.text() == "Warnings (1)…"  # the duplicate, not a problem
    assert not [w for w in QApplication.topLevelWidgets() if w.objectName() == "error_list"]


def literal_mnemonics(root) -> list[str]:
    """Plain-text labels showing a "&" literally: a mnemonic with no buddy to go to."""
    import re

    from PySide6.QtGui import Qt as QtGui_Qt
    from PySide6.QtWidgets import QLabel

    found = []
    for label in root.findChildren(QLabel):
        text = label.text()
        if QtGui_Qt.mightBeRichText(text) or label.textFormat() == Qt.TextFormat.RichText:
            continue
        if re.search(r"&[^&\s]", text.replace("&&", "")) and label.buddy() is None:
            found.append(text)
    return found


def test_no_label_shows_its_mnemonic_literally(qtbot, make_window, case: Case) -> None:
    from ui.case_dialogs import NewCaseDialog

    window = make_window()
    assert window.open_case(case.root)
    for dock in window.docks():  # every panel built
        dock.raise_()
    qtbot.wait(50)
    # The panels' own loading jobs finish first: New case would otherwise (rightly) ask
    # whether to stop them, and the question is not what this test looks at.
    qtbot.waitUntil(lambda: window.runner.active == 0, timeout=60_000)
    assert literal_mnemonics(window) == []
    seen: dict[str, list[str]] = {}

    def look_and_close(kind: type, key: str) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QMessageBox):  # an unexpected question: fail, never hang
            seen[key] = [f"asked instead: {dialog.text()}"]
            dialog.reject()
            return
        if not isinstance(dialog, kind):
            QTimer.singleShot(50, lambda: look_and_close(kind, key))
            return
        seen[key] = literal_mnemonics(dialog)
        seen[key + " buddies"] = [
            label.text() for label in dialog.findChildren(QLabel) if label.buddy() is not None
        ]
        dialog.reject()

    from PySide6.QtWidgets import QLabel, QMessageBox

    QTimer.singleShot(0, lambda: look_and_close(NewCaseDialog, "new case"))
    _action(window, "action_new_case").trigger()
    assert seen["new case"] == []
    assert "&Folder" in seen["new case buddies"]  # Alt+F goes to the folder field
    _action(window, "action_add_evidence").trigger()  # not modal: it opens and returns
    dialog = window.actions_.ingest_dialog
    assert isinstance(dialog, IngestDialog)
    assert literal_mnemonics(dialog) == []
    dialog.reject()


def _when_modal(kind: type, then) -> None:
    """Run `then(widget)` once a modal `kind` is up (a dialog's exec() blocks the test)."""
    widget = QApplication.activeModalWidget()
    if isinstance(widget, kind):
        then(widget)
    else:
        QTimer.singleShot(50, lambda: _when_modal(kind, then))


def test_export_asks_before_replacing_a_file(
    qtbot, make_window, case: Case, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    case.add_item(kind="hardware", name="Gerbera drone", exhibit="EX-001")
    existing = tmp_path / "items.csv"
    existing.write_text("kept\n")
    window = make_window()
    assert window.open_case(case.root)
    asked: list[str] = []

    def answer(button: QMessageBox.StandardButton):
        def click(box: QMessageBox) -> None:
            asked.append(box.text())
            box.button(button).click()

        return click

    def pick_existing(dialog: QFileDialog, button: QMessageBox.StandardButton) -> None:
        dialog.selectFile(str(existing))
        QTimer.singleShot(0, lambda: _when_modal(QMessageBox, answer(button)))
        dialog.accept()  # the question is asked here, inside the file dialog
        if dialog.isVisible():  # "No": the file dialog stays for another name
            dialog.reject()

    # No: nothing is written and the file keeps its bytes.
    QTimer.singleShot(
        0,
        lambda: _when_modal(QFileDialog, lambda d: pick_existing(d, QMessageBox.StandardButton.No)),
    )
    _action(window, "export_csv").trigger()
    assert len(asked) == 1
    assert "already exists" in asked[0]
    assert "replace" in asked[0]
    assert window.case_exports.last_job is None
    assert existing.read_text() == "kept\n"

    # Yes: the export runs and replaces it.
    QTimer.singleShot(
        0,
        lambda: _when_modal(
            QFileDialog, lambda d: pick_existing(d, QMessageBox.StandardButton.Yes)
        ),
    )
    _action(window, "export_csv").trigger()
    assert len(asked) == 2
    job = window.case_exports.last_job
    assert job is not None
    qtbot.waitUntil(lambda: "Gerbera drone" in existing.read_text(), timeout=30000)


def test_pack_never_writes_over_an_archive_and_keeps_the_dialog_open(
    qtbot, make_window, case: Case, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

    from ui.exchange.pack_dialog import PackDialog

    existing = tmp_path / "sent.pwbcase"
    existing.write_bytes(b"an archive already sent")
    window = make_window()
    assert window.open_case(case.root)
    seen: dict[str, object] = {}

    def fill(dialog: PackDialog) -> None:
        dialog.out.setText(str(existing))

        def warned(box: QMessageBox) -> None:
            seen["warning"] = box.text()
            box.close()

        QTimer.singleShot(0, lambda: _when_modal(QMessageBox, warned))
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        seen["still open"] = dialog.isVisible()
        dialog.reject()

    QTimer.singleShot(0, lambda: _when_modal(PackDialog, fill))
    _action(window, "exchange_pack").trigger()
    assert "already exists" in str(seen["warning"])
    assert seen["still open"]
    assert existing.read_bytes() == b"an archive already sent"


def test_maximised_on_first_start_then_as_it_was_left(qtbot, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from app.gui import build_window

    ini = tmp_path / "settings.ini"

    def start():
        window = build_window(QSettings(str(ini), QSettings.Format.IniFormat), tmp_path / "data")
        qtbot.addWidget(window)
        window.show_as_remembered()
        qtbot.waitExposed(window)
        return window

    first = start()
    assert first.first_start()
    qtbot.waitUntil(first.isMaximized, timeout=5000)
    first.close()  # closed maximised: comes back maximised
    second = start()
    assert not second.first_start()
    qtbot.waitUntil(second.isMaximized, timeout=5000)
    second.showNormal()
    second.resize(760, 560)  # the offscreen screen is 800x600
    qtbot.waitUntil(lambda: not second.isMaximized(), timeout=5000)
    qtbot.wait(100)
    left = second.geometry()
    second.docks()[0].hide()
    second.close()
    third = start()
    qtbot.wait(100)
    assert not third.isMaximized()
    assert third.geometry() == left
    assert not third.docks()[0].isVisible()  # the docks as they were left
    third.close()


def test_settings_stay_in_the_workbench_folder_given(tmp_path: Path, monkeypatch) -> None:
    """With PWB_DATA_DIR set (tests, portable installs), no setting reaches the user's own."""
    from app import gui

    monkeypatch.setenv(gui.DATA_ENV, str(tmp_path / "home"))
    settings = gui._settings(gui.data_dir())
    assert Path(settings.fileName()) == tmp_path / "home" / "settings.ini"


def test_every_menu_entry_submenu_and_toolbar_action_has_a_status_tip(
    make_window, case: Case
) -> None:
    """The status bar says what every entry does, menus and submenus included; every command
    has a key."""
    from PySide6.QtWidgets import QToolBar

    window = make_window()
    assert window.open_case(case.root)
    no_tip: list[str] = []
    no_key: list[str] = []
    walked = 0
    pending = [window.menuBar()]
    while pending:
        for action in pending.pop().actions():
            if action.isSeparator():
                continue
            walked += 1
            if not action.statusTip().strip():
                no_tip.append(action.text())
            if action.menu() is not None:
                pending.append(action.menu())
            elif action.shortcut().isEmpty():
                no_key.append(action.text())
    toolbars = window.findChildren(QToolBar)
    assert toolbars  # the read-only banner's bar at least
    for bar in toolbars:
        for action in [*bar.actions(), bar.toggleViewAction()]:
            walked += 1
            if not action.statusTip().strip():
                no_tip.append(f"{bar.windowTitle()}: {action.text()}")
    assert no_tip == []
    assert no_key == []
    assert walked >= 60
    # A menu's own tip describes it, not a placeholder.
    assert window.menu("&File").menuAction().statusTip().startswith("Cases: new, open")
