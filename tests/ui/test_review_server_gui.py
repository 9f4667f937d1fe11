"""A team case on PostgreSQL in the window: a reviewer reads and comments (banner, every other
editing action off, the Comments box on), sees another examiner's comment arrive live; the
case's admin lists the team and adds a person in File > Team…, whose refusals are shown in
words; a folder case has no Team entry."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QWidget

from forensics.case import Case
from forensics.comments import comments, resolve
from tests.app.cli_process import pwb, pwb_json
from tests.pg_server import PgServer
from tests.ui.helpers import show_dock
from ui.actions import WRITES_CASE
from ui.detail_panel import DetailPanel


@pytest.fixture
def team_case(pg_server: PgServer, tmp_path: Path):
    url = pg_server.new_database()
    pwb_json("init", url, "--title", "Team case", "--evidence", tmp_path / "share")
    pwb_json("add", url, "--name", "Gerbera drone")
    assert pwb("team", "setup", url).returncode == 0
    yield url
    pg_server.drop_database(url)


def _login(pg_server: PgServer, name: str) -> tuple[str, str]:
    login, password = f"{name}_{uuid.uuid4().hex[:6]}", uuid.uuid4().hex
    pg_server.admin_sql(f"CREATE ROLE {login} LOGIN PASSWORD '{password}'")
    return login, password


def _as(pg_server: PgServer, url: str, login: str, password: str, monkeypatch) -> str:
    monkeypatch.setenv("PGPASSFILE", os.devnull)
    monkeypatch.setenv("PGPASSWORD", password)
    return pg_server.url(url.rsplit("/", 1)[-1], user=login)


def test_a_reviewer_reads_and_comments_live(
    qtbot, make_window, team_case: str, pg_server: PgServer, monkeypatch
) -> None:
    rita, password = _login(pg_server, "rita")
    assert pwb("team", "add", team_case, rita, "--role", "reviewer").returncode == 0
    owner_env = {"PGPASSWORD": pg_server.password}  # the window's process acts as rita
    drone_id = pwb_json("items", team_case)["items"][0]["id"]
    pwb_json(
        "geo", "add", team_case, "--item", drone_id, "--lat", "22.54", "--lon", "113.93",
        "--method", "visual landmark",
    )  # fmt: skip
    as_rita = _as(pg_server, team_case, rita, password, monkeypatch)

    window = make_window()
    assert window.open_case(as_rita)
    case = window.current_case()
    assert case.readonly
    assert case.may_comment
    banner = window.findChild(QLabel, "readonly_banner")
    qtbot.waitUntil(banner.isVisible)
    assert banner.text().startswith("Reviewer: you can read and comment")
    assert "[reviewer: read and comment]" in window.windowTitle()
    writes = [a for a in window.findChildren(QAction) if a.property(WRITES_CASE)]
    assert writes
    assert not any(a.isEnabled() for a in writes)
    assert not window.findChild(QAction, "action_read_text").isEnabled()  # records a read
    annotate = show_dock(window, "Annotations").widget().contribution
    annotate.manage_labels()
    labels = window.findChild(QWidget, "label_manager")
    assert not labels.add_button.isEnabled()
    assert not labels.rename_button.isEnabled()
    labels.close()

    # The docks' own editing buttons are off too, not only the menus' actions.
    prov = show_dock(window, "Provenance graph").widget()._contribution
    show_dock(window, "Component")
    assert not prov.component.add_button.isEnabled()
    show_dock(window, "Manufacturers")
    assert not prov.manufacturers.add_button.isEnabled()
    show_dock(window, "Map")
    geo = show_dock(window, "Hypotheses").widget().contribution
    geo.panel.reload()
    assert not any(b.isEnabled() for b in geo.panel.write_buttons)
    assert geo.panel.new_at(22.5, 113.9) is None
    geo.panel.reload()
    geo.panel.view.selectRow(0)
    editor = geo.panel.open_hypothesis(geo.panel.selected_id())
    save = editor.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    assert not save.isEnabled()
    editor.reject()

    drone = resolve(case, "Gerbera drone")
    box = window.findChild(DetailPanel, "detail_panel").comments
    window.signals.item_selected.emit(drone.id)
    box.edit.setPlainText("Which card was this from?")
    assert box.add_button.isEnabled()
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    assert box.texts()[0].endswith("Which card was this from?")
    (mine,) = comments(case)
    assert mine.login == rita

    # Another examiner answers from another process: the box shows it when it commits.
    said = pwb(
        "comment",
        "add",
        team_case,
        "--on",
        mine.id,
        "The SD card EX-002",
        "--examiner",
        "Examiner B",
        env=owner_env,
    )
    assert said.returncode == 0, said.stderr
    qtbot.waitUntil(lambda: len(box.texts()) == 2, timeout=20000)
    assert box.texts()[1].split("\n")[0].strip().startswith("↳ Examiner B · ")
    window.close_case()
    assert pwb("verify", team_case, env=owner_env).returncode == 0


def test_the_team_dialog_lists_and_adds_people(
    qtbot, make_window, team_case: str, pg_server: PgServer, monkeypatch, tmp_path: Path
) -> None:
    from ui.team import dialog as team_dialog

    errors: list[str] = []
    monkeypatch.setattr(
        team_dialog.QMessageBox, "critical", lambda _p, _title, text: errors.append(text)
    )
    alan, alan_password = _login(pg_server, "alan")
    eve, eve_password = _login(pg_server, "eve")
    assert pwb("team", "add", team_case, alan, "--role", "admin").returncode == 0

    window = make_window()
    folder = tmp_path / "folder-case"
    with Case.create(folder, title="Folder"):
        pass
    assert window.open_case(folder)
    action = window.findChild(QAction, "action_team")
    assert not action.isVisible()  # a folder case has no team

    assert window.open_case(_as(pg_server, team_case, alan, alan_password, monkeypatch))
    assert action.isVisible()
    assert action.isEnabled()
    action.trigger()
    dialog = window.findChild(team_dialog.TeamDialog, "team_dialog")
    assert dialog.add_button.isEnabled()
    assert dialog.rows() == [(alan, "case administrator (adds people, seals)")]
    dialog.login.setText(eve)
    dialog.role.setCurrentIndex(dialog.role.findData("examiner"))
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert errors == []
    assert sorted(dialog.rows()) == sorted(
        [(alan, "case administrator (adds people, seals)"), (eve, "examiner (writes)")]
    )
    dialog.login.setText("nobody_here")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert len(errors) == 1
    assert "no login 'nobody_here'" in errors[0]
    dialog.close()
    done = pwb("log", team_case, "--json", env={"PGPASSWORD": pg_server.password})
    log = json.loads(done.stdout)["entries"]
    assert [e["details"]["login"] for e in log if e["action"] == "team_member_added"] == [
        alan,
        eve,
    ]

    # An examiner sees the team; only the admin adds people.
    assert window.open_case(_as(pg_server, team_case, eve, eve_password, monkeypatch))
    action.trigger()
    dialog = window.findChildren(team_dialog.TeamDialog, "team_dialog")[-1]
    assert len(dialog.rows()) == 2
    assert not dialog.add_button.isEnabled()
    assert "Only the case's administrator" in dialog.note.text()
    dialog.close()
    window.close_case()


def test_pwb_gui_takes_a_server_case_url(team_case: str, tmp_path: Path) -> None:
    """`pwb gui URL --screenshot` opens the server case, as every command takes its URL."""
    out = tmp_path / "shot.png"
    done = pwb("gui", team_case, "--screenshot", out, env={"QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
