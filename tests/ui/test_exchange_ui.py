"""File > Export (pack, report) / Import / Merge in the real main window, with the conflicts
dialog. The case's export formats (CASE/UCO, CSV...) are tested in tests/app/test_features.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from forensics.case import Case
from forensics.exchange.pack import pack_case
from forensics.exchange.unpack import unpack_archive
from tests.forensics.exchange.helpers import UNSIGNED, fill, legacy_archive
from ui.exchange.contribution import ExchangeContribution


@pytest.fixture
def answers(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """The user accepts an unsigned archive when asked; the questions asked are kept."""
    asked: list[str] = []

    def question(_parent, _title, text, *_a):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


@pytest.fixture
def setup(make_window, case: Case, corpus: Path, answers):  # type: ignore[no-untyped-def]
    filled = fill(case, corpus)
    root = case.root
    case.close()
    made: list[ExchangeContribution] = []

    def factory() -> ExchangeContribution:
        made.append(ExchangeContribution())
        return made[-1]

    window = make_window(contributions=(factory,))
    assert window.open_case(root)
    return window, made[0], filled


def finish(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    assert dialog is not None
    with qtbot.waitSignal(dialog.job.signals.ended, timeout=60000):
        pass


def test_menu_actions_have_shortcuts_and_tips(setup):
    _, contribution, _ = setup
    for action in contribution.actions.values():
        assert not action.shortcut().isEmpty()
        assert action.statusTip()
        assert action.isEnabled()


def test_pack_import_and_report_from_the_gui(setup, qtbot, tmp_path):
    window, contribution, _ = setup
    out = tmp_path / "out" / "a.pwbcase"
    finish(qtbot, contribution.pack(out, reason="gui test"))
    assert out.is_file()
    dest = tmp_path / "imported"
    finish(qtbot, contribution.import_archive(out, dest))
    assert window.current_case().root == dest
    assert "signed" in window.statusBar().currentMessage()
    finish(qtbot, contribution.report(tmp_path / "r.pdf"))
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def test_a_format_1_archive_is_imported_as_data_and_the_gui_says_so(setup, qtbot, tmp_path):
    window, contribution, _ = setup
    out = tmp_path / "out" / "a.pwbcase"
    finish(qtbot, contribution.pack(out, reason="gui test"))
    old = legacy_archive(out, window.current_case(), tmp_path / "old.pwbcase")
    finish(qtbot, contribution.import_archive(old, tmp_path / "imported"))
    assert window.current_case().root == tmp_path / "imported"
    assert "format-1 archive: its records came in a case.db, read read-only as data" in (
        window.statusBar().currentMessage()
    )


def test_refused_archive_is_shown_with_its_reasons(setup, qtbot, bad_files, tmp_path, monkeypatch):
    _, contribution, _ = setup
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: shown.append(text))
    finish(
        qtbot, contribution.import_archive(bad_files / "zip_slip_and_bomb.zip", tmp_path / "dest")
    )
    assert "refused" in shown[0]
    assert "../../evil.txt" in shown[0]
    assert not (tmp_path / "dest").exists()


def test_merge_conflict_resolved_in_the_dialog(setup, qtbot, qtmodeltester, tmp_path):
    window, contribution, filled = setup
    with Case.open(tmp_path / "case") as ours:
        base = pack_case(ours, tmp_path / "base.pwbcase").archive
    with Case.open(unpack_archive(base, tmp_path / "team-b", limits=UNSIGNED).dest) as theirs:
        theirs.edit_item(filled.drone, {"note": "theirs"})
        archive = pack_case(theirs, tmp_path / "theirs.pwbcase").archive
    window.current_case().edit_item(filled.drone, {"note": "ours"})
    finish(qtbot, contribution.merge(archive))
    dialog = contribution.conflicts_dialog
    qtmodeltester.check(dialog.model)
    assert dialog.model.rowCount() == 1
    assert dialog.model.index(0, 2).data() == "note"
    drone_name = window.current_case().items.get(filled.drone).name
    assert dialog.model.index(0, 1).data() == f"{drone_name} ({filled.drone[:8]})"
    qtbot.mouseClick(dialog.take_theirs, Qt.MouseButton.LeftButton)
    assert dialog.model.rowCount() == 0
    assert window.current_case().items.get(filled.drone).note == "theirs"


def test_unsigned_archive_is_imported_only_when_the_user_accepts_it(
    setup, qtbot, tmp_path, answers, monkeypatch
):
    _, contribution, _ = setup
    out = tmp_path / "out" / "plain.pwbcase"
    finish(qtbot, contribution.pack(out, reason="gui test"))
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.No)
    assert contribution.import_archive(out, tmp_path / "declined") is None
    assert contribution.merge(out) is None
    assert not (tmp_path / "declined").exists()


def test_trusted_keys_dialog_adds_lists_and_removes(
    setup, qtbot, qtmodeltester, tmp_path, monkeypatch
):
    from forensics.exchange.signing import generate

    monkeypatch.setenv("PWB_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(QMessageBox, "information", lambda *_a: None)
    _, contribution, _ = setup
    key = generate(tmp_path / "team-a.key", "Team A")
    contribution.actions["trust"].trigger()
    dialog = contribution.trust_dialog
    qtmodeltester.check(dialog.model)
    assert dialog.model.rowCount() == 0
    added = dialog.add(tmp_path / "team-a.key.pub", name="Team A (lab)")
    assert added is not None
    assert added.fingerprint == key.fingerprint
    assert dialog.model.rowCount() == 1
    assert dialog.model.index(0, 1).data() == key.fingerprint
    assert (tmp_path / "home" / "trusted_keys.json").is_file()
    dialog.view.selectRow(0)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert dialog.model.rowCount() == 0


def test_the_gui_report_names_each_examiner_by_their_profile(
    make_window, qtbot, tmp_path, pwb_home
):  # type: ignore[no-untyped-def]
    """File > Export > Report in the window `pwb gui` builds: entries signed by another
    profile on this machine carry its name, the report's own by the examiner at the keyboard."""
    from app.profiles import ProfileStore
    from forensics.identity import session_examiner, use_examiner

    store = ProfileStore(pwb_home)
    me = session_examiner()
    other = store.create("other", name="Olga Other", organisation="Lab B")
    use_examiner(store.examiner(other))
    try:
        with Case.create(tmp_path / "case", title="Two hands") as made:
            made.add_item(kind="hardware", name="Seized drone")
    finally:
        use_examiner(me)
    window = make_window()
    assert window.open_case(tmp_path / "case")
    (contribution,) = [c for c in window.contributions if isinstance(c, ExchangeContribution)]
    finish(qtbot, contribution.report(tmp_path / "r.html"))
    html = (tmp_path / "r.html").read_text("utf-8")
    log = html[html.index('id="custody"') : html.index('id="decoders"')]
    assert "Olga Other" in log  # her profile is on this machine: her key has her name
    assert "Seized drone" in log
    assert "<i>unknown" not in log
    seal = html[html.index('id="seal"') :]
    assert "Test Examiner (your examiner profile)" in seal
