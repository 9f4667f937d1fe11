"""Who is examining, through the window `pwb gui` builds: the first-start question, the status
bar, File > Switch examiner…, the Details panel's custody view, and the seal on closing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from app.profiles import ProfileStore
from forensics.case import Case
from forensics.identity import session_examiner, use_examiner
from tests.app.cli_process import pwb


def _ok(*args: str | Path) -> dict[str, object]:
    done = pwb(*args, "--json")
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout))


def _press_ok(qtbot, dialog: QDialog) -> None:  # type: ignore[no-untyped-def]
    box = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_first_start_asks_who_is_examining_and_the_status_bar_shows_it(
    make_window, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "fresh-home"
    monkeypatch.setenv("PWB_HOME", str(home))
    use_examiner(None)  # nobody yet: a first start
    window = make_window()
    assert window.examiner.label.text() == "Examiner: none (nothing is signed)"

    window.examiner.start()  # the question comes once the window has painted
    qtbot.waitUntil(lambda: window.examiner.dialog is not None)
    dialog = window.examiner.dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.windowTitle() == "Who is examining?"
    qtbot.keyClicks(dialog.name, "A. Analyst")
    qtbot.keyClicks(dialog.organisation, "Lab A")
    qtbot.keyClicks(dialog.role, "examiner")
    _press_ok(qtbot, dialog)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert window.examiner.label.text() == "Examiner: A. Analyst (Lab A, examiner)"
    [profile] = ProfileStore(home).profiles()
    assert (profile.handle, profile.name) == ("a-analyst", "A. Analyst")
    assert ProfileStore(home).current_handle() == "a-analyst"
    acting = session_examiner()
    assert acting is not None
    assert acting.fingerprint == profile.fingerprint

    # A case made now is signed by that key.
    case = Case.create(tmp_path / "case", title="first")
    try:
        assert {e.signer for e in case.custody.entries()} == {profile.fingerprint}
        assert case.info.examiner == "A. Analyst"
    finally:
        case.close()


def test_two_examiners_in_the_custody_view_a_switch_and_a_seal_on_closing(
    make_window, qtbot, tmp_path: Path
) -> None:
    home = Path(os.environ["PWB_HOME"])
    _ok("profile", "create", "alice", "--name", "Alice Analyst", "--org", "Lab A")
    _ok("profile", "create", "bob", "--name", "Bob Bench", "--org", "Lab B")
    root = tmp_path / "case"
    _ok("--profile", "alice", "init", root, "--title", "shared")
    drone = str(
        _ok("--profile", "alice", "add", root, "--kind", "hardware", "--name", "drone")["id"]
    )
    _ok("--profile", "bob", "edit", root, drone, "--note", "checked by Bob")

    window = make_window()
    assert window.examiner.label.text() == "Examiner: Test Examiner (Test Lab)"
    window.open_case(root)
    window.tree.select(drone)
    qtbot.waitUntil(lambda: "Chain of custody" in window.detail.text())
    text = window.detail.text()
    assert "by Alice Analyst" in text
    assert "signed by Alice Analyst, key " in text
    assert "by Bob Bench" in text
    assert "signed by Bob Bench, key " in text

    # File > Switch examiner… : pick Bob from the list
    action = window.actions_.actions["switch_examiner"]
    assert action.shortcut().toString() == "Ctrl+Alt+E"
    action.trigger()
    dialog = window.examiner.dialog
    qtbot.waitUntil(dialog.isVisible)
    rows = {
        dialog.existing.item(i).data(Qt.ItemDataRole.UserRole): i
        for i in range(dialog.existing.count())
    }
    dialog.existing.setCurrentRow(rows["bob"])
    _press_ok(qtbot, dialog)
    assert window.examiner.label.text() == "Examiner: Bob Bench (Lab B)"
    bob = ProfileStore(home).find("bob")
    case = window.current_case()
    assert case is not None
    assert case.signer is not None
    assert case.signer.fingerprint == bob.fingerprint  # the open case signs as Bob now
    case.add_item(kind="hardware", name="bench supply")
    assert case.custody.entries()[-1].actor == "Bob Bench"

    window.close()  # seals the head with Bob's key, in the case and in his journal
    with Case.open(root, readonly=True) as closed:
        head_seq, head_hash = closed.custody.head()
        from forensics.store.seals import stored_seals

        [seal] = stored_seals(closed.db)
    assert (seal["seq"], seal["hash"]) == (head_seq, head_hash)
    assert (seal["examiner"], seal["purpose"]) == ("Bob Bench", "closing the workbench")
    journal = ProfileStore(home).journal("bob").read_text(encoding="utf-8").splitlines()
    assert json.loads(journal[-1])["signature"] == seal["signature"]
    assert pwb("verify", root, "--profile", "bob").returncode == 0


def test_the_verify_dialog_finds_rows_removed_since_the_seal_in_your_journal(
    qtbot, tmp_path: Path
) -> None:
    import sqlite3
    from contextlib import closing

    from forensics.seals import seal_case
    from forensics.store.custody import HEAD_KEY, canonical_json
    from ui.jobs import JobRunner
    from ui.verify_dialog import VerifyDialog

    home = Path(os.environ["PWB_HOME"])
    store = ProfileStore(home)
    use_examiner(store.examiner(store.find("examiner")))  # with its journal
    with Case.create(tmp_path / "case", title="sealed") as case:
        case.add_item(kind="hardware", name="drone")
        case.add_item(kind="hardware", name="battery")
        seal = seal_case(case, "closing the workbench")
        root = case.root
    assert seal is not None
    with closing(sqlite3.connect(root / "case.db")) as conn, conn:
        conn.execute("DELETE FROM custody WHERE seq = ?", (seal["seq"],))
        conn.execute("DELETE FROM items WHERE name = 'battery'")
        conn.execute("DELETE FROM seals")  # the copy kept in the case goes too
        prev = conn.execute("SELECT seq, hash FROM custody ORDER BY seq DESC LIMIT 1").fetchone()
        head = canonical_json({"seq": prev[0], "hash": prev[1]})
        conn.execute("UPDATE case_info SET value = ? WHERE key = ?", (head, HEAD_KEY))
    runner = JobRunner()
    dialog = VerifyDialog(runner, root)
    qtbot.addWidget(dialog)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20000)
    kinds = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert kinds == ["custody_truncated"]
    assert "1 seals checked" in dialog.banner.text()  # the one in the examiner's journal
    assert runner.shutdown()
