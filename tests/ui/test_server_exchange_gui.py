"""Importing an archive into a server case and merging into an open server case, in the window
`pwb gui` builds: File > Import case archive takes a server URL and an evidence folder (judged
before anything runs), makes the case on the server and opens it; File > Merge team archive
works on the open server case as on a folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from forensics.case import Case
from forensics.exchange.conflicts import conflicts_json
from forensics.exchange.pack import pack_case
from forensics.exchange.unpack import unpack_archive
from forensics.store.location import parse_location
from forensics.verify import verify_case
from tests.forensics.exchange.helpers import UNSIGNED
from tests.pg_server import PgServer
from ui.exchange.contribution import ExchangeContribution
from ui.exchange.import_dialog import ON_SERVER, ImportDialog


@pytest.fixture
def accept_unsigned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The user accepts an unsigned archive when asked; the questions are kept."""
    asked: list[str] = []

    def question(_parent, _title, text, *_a):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


@pytest.fixture
def server_url(pg_server: PgServer):  # type: ignore[no-untyped-def]
    url = pg_server.new_database()
    yield url
    pg_server.drop_database(url)


def _exchange(window) -> ExchangeContribution:  # type: ignore[no-untyped-def]
    return next(c for c in window.contributions if isinstance(c, ExchangeContribution))


def _trigger(window, name: str) -> None:  # type: ignore[no-untyped-def]
    action = window.findChild(QAction, name)
    assert action is not None, name
    assert action.isEnabled(), name
    action.trigger()


def _wait(qtbot, handle) -> None:  # type: ignore[no-untyped-def]
    assert handle is not None
    with qtbot.waitSignal(handle.job.signals.ended, timeout=120000):
        pass
    assert handle.error is None, handle.error


def test_import_into_a_server_then_merge_into_it(
    qtbot, make_window, case: Case, tmp_path: Path, server_url: str, accept_unsigned: list[str]
) -> None:
    drone = case.add_item(kind="hardware", name="Gerbera drone", exhibit="EX-001")
    base = pack_case(case, tmp_path / "sent" / "drone.pwbcase").archive
    with Case.open(unpack_archive(base, tmp_path / "team-b", limits=UNSIGNED).dest) as theirs:
        theirs.add_item(kind="component", name="GNSS module", parent_id=drone.id, actor="B")
        theirs.edit_item(drone.id, {"note": "serial plate photographed"}, actor="B")
        their_archive = pack_case(theirs, tmp_path / "theirs.pwbcase", actor="B").archive
    original = case.root
    case.close()
    window = make_window()
    assert window.open_case(original)
    exchange = _exchange(window)

    # File > Import case archive…, into a database on a server.
    _trigger(window, "exchange_import")
    dialog = exchange.import_dialog
    assert isinstance(dialog, ImportDialog)
    qtbot.waitUntil(dialog.isVisible)
    dialog.archive.setText(str(base))
    dialog.kind.setCurrentText(ON_SERVER)
    assert dialog.url.isVisible()
    assert dialog.evidence.isVisible()
    assert not dialog.name.isVisible()
    assert not dialog.ok.isEnabled()
    assert "URL" in dialog.target.text()
    dialog.url.setText("postgresql://someone:secret@127.0.0.1:5432/case")
    assert not dialog.ok.isEnabled()
    assert "password" in dialog.target.text()
    dialog.url.setText(server_url)
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "a file").write_text("someone's")
    dialog.evidence.setText(str(taken))
    assert not dialog.ok.isEnabled()
    assert dialog.target.text() == f"{taken} already exists: choose another name."
    share = tmp_path / "share" / "drone-evidence"
    dialog.evidence.clear()
    qtbot.keyClicks(dialog.evidence, str(share))
    assert dialog.ok.isEnabled()
    assert dialog.target.text() == (
        f"The case will be made in the database {server_url}, its evidence in {share}"
    )
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    _wait(qtbot, exchange.last_job)
    assert accept_unsigned  # asked before the unsigned archive was taken

    opened = window.current_case()
    assert opened is not None
    assert str(opened.location) == server_url
    assert opened.root == share
    assert [opened.items.get(i).name for i in opened.items.all_ids()] == ["Gerbera drone"]
    assert f"imported {server_url}" in window.statusBar().currentMessage()

    # File > Merge team archive… on the open server case.
    merged = exchange.merge(their_archive)
    _wait(qtbot, merged)
    assert "1 added" in window.statusBar().currentMessage()
    with Case.open(server_url) as served:
        names = sorted(served.items.get(i).name for i in served.items.all_ids())
        assert names == ["GNSS module", "Gerbera drone"]
        # Unsigned: nothing shows which of our states their edit was made from, so it waits
        # as a conflict (the folder case's rule), listed in the dialog the merge opened.
        assert served.items.get(drone.id).note is None
        [conflict] = conflicts_json(served, only_open=True)
        assert (conflict["record_id"], conflict["columns"]) == (drone.id, ["note"])
    assert exchange.conflicts_dialog.isVisible()
    with Case.open(server_url) as served:
        entry = [e for e in served.custody.entries() if e.action == "merged"][-1]
        assert entry.actor == "Test Examiner"
        assert entry.signer is not None
        assert verify_case(served).ok


def test_an_import_into_a_database_that_is_not_empty_writes_nothing(
    qtbot,
    make_window,
    case: Case,
    tmp_path: Path,
    server_url: str,
    accept_unsigned: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *_a: told.append(text))
    case.add_item(kind="hardware", name="Gerbera drone")
    base = pack_case(case, tmp_path / "drone.pwbcase").archive
    case.close()
    Case.create(server_url, title="someone else's", evidence=tmp_path / "theirs").close()
    window = make_window()
    where = parse_location(server_url)
    handle = _exchange(window).import_archive(base, where, tmp_path / "ev")
    assert handle is not None
    with qtbot.waitSignal(handle.job.signals.ended, timeout=120000):
        pass
    assert handle.error is not None
    assert "not empty" in handle.error
    assert told == [handle.error]  # said in a message box, not a traceback
    assert "Traceback" not in handle.error
    assert not (tmp_path / "ev").exists()
    assert window.current_case() is None
    with Case.open(server_url) as served:
        assert served.info.title == "someone else's"
