"""Exchange in the GUI as a user does it, in the window `pwb gui` builds: make a team key and
trust it, pack signed, import the archive into a folder that does not exist yet through the
import dialog, see the copy open with a title that tells it from the original, and see a
refused import shown in the GUI without a traceback."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from forensics.case import Case
from forensics.exchange.trust_store import TrustStore
from ui.exchange.contribution import ExchangeContribution
from ui.exchange.import_dialog import ImportDialog


def _exchange(window) -> ExchangeContribution:  # type: ignore[no-untyped-def]
    return next(c for c in window.contributions if isinstance(c, ExchangeContribution))


def _trigger(window, name: str) -> None:  # type: ignore[no-untyped-def]
    action = window.findChild(QAction, name)
    assert action is not None, name
    assert action.isEnabled(), name
    action.trigger()


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What message boxes told the user (information and errors), instead of blocking."""
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *_a: told.append(text))
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *_a: told.append(text))
    return told


def test_make_a_team_key_pack_signed_and_import_into_a_new_folder(
    qtbot, make_window, case: Case, tmp_path: Path, said: list[str]
) -> None:
    case.add_item(kind="hardware", name="Gerbera drone", exhibit="EX-001")
    original = case.root
    title = case.info.title
    window = make_window()
    assert window.open_case(original)
    assert window.windowTitle() == (
        f"{title} — {original} — original — examiner Test Examiner (Test Lab) — "
        "Provenance Workbench"
    )
    exchange = _exchange(window)

    # File > Trusted team keys… > Make team key: the key files, trusted at once.
    _trigger(window, "exchange_trust")
    keys = exchange.trust_dialog
    key_file = tmp_path / "keys" / "team-a.key"
    key_file.parent.mkdir()
    made = keys.make_key(key_file, "Team A")
    assert made is not None
    assert key_file.is_file()
    assert Path(f"{key_file}.pub").is_file()
    assert keys.model.rowCount() == 1
    assert keys.model.index(0, 0).data() == "Team A"
    assert made.fingerprint in said[-1]
    # A key file is never written over.
    assert keys.make_key(key_file, "Team B") is None
    assert "already exists" in said[-1]
    assert keys.model.rowCount() == 1

    out = tmp_path / "sent" / "drone.pwbcase"
    out.parent.mkdir()
    packed = exchange.pack(out, key=key_file, reason="to team B")
    assert packed is not None
    with qtbot.waitSignal(packed.job.signals.ended, timeout=60000):
        pass
    assert out.is_file()

    # File > Import case archive…: the case goes in a folder that does not exist yet.
    _trigger(window, "exchange_import")
    dialog = exchange.import_dialog
    assert isinstance(dialog, ImportDialog)
    qtbot.waitUntil(dialog.isVisible)
    dialog.archive.setText(str(out))
    received = tmp_path / "received" / "cases"  # neither exists
    dialog.folder.setText(str(received))
    assert dialog.name.text() == "drone"  # the archive's name by default
    assert dialog.ok.isEnabled()
    assert dialog.target.text() == f"The case will be made in {received / 'drone'}"
    # A name already taken (the original's folder) is refused before anything runs.
    dialog.folder.setText(str(original.parent))
    dialog.name.setText(original.name)
    assert not dialog.ok.isEnabled()
    assert dialog.target.text() == f"{original} already exists: choose another name."
    dialog.folder.setText(str(received))
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, "drone-from-a")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    job = exchange.last_job
    assert job is not None
    with qtbot.waitSignal(job.job.signals.ended, timeout=60000):
        pass
    assert job.error is None, job.error

    # The imported copy is open, and the title says so.
    dest = received / "drone-from-a"
    opened = window.current_case()
    assert opened is not None
    assert opened.root == dest
    assert window.windowTitle() == (
        f"{title} — {dest} — imported copy of drone.pwbcase — "
        "examiner Test Examiner (Test Lab) — Provenance Workbench"
    )
    assert "signed by Team A (trusted key" in window.statusBar().currentMessage()
    row = window.jobs_panel.row_of(job.job)
    assert row is not None
    assert row.state.text() == "done"
    assert row.phase.text().startswith(f"imported {dest}")

    # Untrust: the key is gone from the store and the list.
    keys.view.selectRow(0)
    qtbot.mouseClick(keys.remove_button, Qt.MouseButton.LeftButton)
    assert keys.model.rowCount() == 0
    assert TrustStore().keys() == []


def test_a_refused_import_is_shown_in_the_gui_without_a_traceback(
    qtbot,
    make_window,
    case: Case,
    tmp_path: Path,
    bad_files: Path,
    said: list[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    window = make_window()
    assert window.open_case(case.root)
    exchange = _exchange(window)
    _trigger(window, "exchange_import")
    dialog = exchange.import_dialog
    assert isinstance(dialog, ImportDialog)
    dialog.archive.setText(str(bad_files / "zip_slip_and_bomb.zip"))
    dialog.folder.setText(str(tmp_path / "new"))
    caplog.set_level(logging.DEBUG)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    job = exchange.last_job
    assert job is not None
    with qtbot.waitSignal(job.job.signals.ended, timeout=60000):
        pass
    assert job.error is not None
    assert "refused" in said[-1]
    assert "../../evil.txt" in said[-1]
    assert not (tmp_path / "new" / "zip_slip_and_bomb").exists()
    assert not [r for r in caplog.records if r.exc_info]  # nothing dumped on stderr
    assert window.current_case() is not None
    assert window.current_case().root == case.root  # the open case stays open
    row = window.jobs_panel.row_of(job.job)
    assert row is not None
    assert row.state.text() == "failed"
    assert not row.problems_button.isHidden()


def test_the_title_names_the_examiner_after_a_switch(
    qtbot, make_window, case: Case, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    window = make_window()
    assert window.open_case(case.root)
    assert "examiner Test Examiner (Test Lab)" in window.windowTitle()
    _trigger(window, "action_switch_examiner")
    dialog = window.examiner.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    qtbot.keyClicks(dialog.name, "B. Reviewer")
    qtbot.keyClicks(dialog.organisation, "Lab B")
    box = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert "examiner B. Reviewer (Lab B)" in window.windowTitle()
    assert str(case.root) in window.windowTitle()
    window.close_case()
    assert window.windowTitle() == "Provenance Workbench — examiner B. Reviewer (Lab B)"


def test_the_import_dialog_names_what_is_wrong_before_anything_runs(
    qtbot, make_window, tmp_path: Path
) -> None:
    from ui.exchange.import_dialog import problem_with

    archive = tmp_path / "a.pwbcase"
    archive.write_bytes(b"PK")
    a_file = tmp_path / "note.txt"
    a_file.write_text("x")
    assert problem_with(tmp_path / "gone.pwbcase", tmp_path / "new") == (
        f"{tmp_path / 'gone.pwbcase'}: no such file."
    )
    assert problem_with(archive, a_file / "sub" / "new") == f"{a_file} is a file, not a folder."
    assert problem_with(archive, tmp_path / "deeper" / "still" / "new") is None
    (tmp_path / "empty").mkdir()
    assert problem_with(archive, tmp_path / "empty") is None  # an empty folder is fine

    window = make_window()
    window.findChild(QAction, "exchange_import").trigger()  # no case open: import still works
    dialog = _exchange(window).import_dialog
    assert isinstance(dialog, ImportDialog)
    dialog.archive.setText(str(archive))
    dialog.folder.setText(str(tmp_path))
    assert dialog.name.text() == "a"
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x").write_text("taken")
    dialog.archive.clear()
    dialog.archive.setText(str(archive))  # chosen again: the name moves past the taken one
    assert dialog.name.text() == "a-2"
    assert dialog.ok.isEnabled()
    dialog.reject()


def test_the_pack_dialog_makes_a_team_key_and_signs_with_it(
    qtbot, make_window, case: Case, tmp_path: Path, said: list[str]
) -> None:
    import zipfile

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    from forensics.exchange import archive as fmt
    from forensics.exchange.signing import check
    from ui.exchange.pack_dialog import PackDialog

    case.add_item(kind="hardware", name="Gerbera drone", exhibit="EX-001")
    window = make_window()
    assert window.open_case(case.root)
    out = tmp_path / "signed.pwbcase"
    key_file = tmp_path / "team-a.key"
    seen: dict[str, object] = {}

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PackDialog):
            QTimer.singleShot(50, fill)
            return
        dialog.out.setText(str(out))
        seen["made"] = dialog.new_key(key_file, "Team A")
        seen["key field"] = dialog.key.text()
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fill)
    _trigger(window, "exchange_pack")
    assert seen["made"] == key_file
    assert seen["key field"] == str(key_file)
    job = _exchange(window).last_job
    assert job is not None
    with qtbot.waitSignal(job.job.signals.ended, timeout=60000):
        pass
    assert job.error is None, job.error
    with zipfile.ZipFile(out) as zf:
        signature = check(zf.read(fmt.MANIFEST), zf.read(fmt.SIGNATURE))
    assert signature.valid
    [trusted] = TrustStore().keys()
    assert (trusted.name, trusted.fingerprint) == ("Team A", signature.fingerprint)
