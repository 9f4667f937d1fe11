"""Two examiners on one PostgreSQL case, one in the GUI and one with `pwb` in another
process: the window opens the case by its URL (File > Open case on a server…) and remembers
it, sees the other examiner's changes as they commit (LISTEN/NOTIFY into `records_changed`),
and its jobs (an ingest) open their own connections to the server. (An edit from a stale
form is a conflict: tests/ui/test_edit_conflicts.py.)"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog

from forensics.case import Case
from tests.app.cli_process import pwb, pwb_json
from tests.pg_server import PgServer


def _rows(window) -> list[str]:
    model = window.catalogue.model
    return sorted(model.index(r, 0).data() for r in range(model.rowCount()))


@pytest.fixture
def server_case(pg_server: PgServer, tmp_path: Path):
    url = pg_server.new_database()
    pwb_json("init", url, "--title", "Team case", "--evidence", tmp_path / "share")
    pwb_json("add", url, "--name", "Gerbera drone")
    yield url
    pg_server.drop_database(url)


def test_the_window_follows_another_examiner_live(
    qtbot, make_window, server_case: str, corpus: Path, monkeypatch
) -> None:
    window = make_window()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (server_case, True))
    window.actions_.actions["open_server_case"].trigger()
    case = window.current_case()
    assert case is not None
    assert str(case.location) == server_case
    assert server_case in window.windowTitle()
    assert _rows(window) == ["Gerbera drone"]
    assert window.recent_cases()[0] == server_case

    done = pwb("add", server_case, "--name", "camera module", "--examiner", "Examiner B")
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: _rows(window) == ["Gerbera drone", "camera module"], timeout=20000)

    # An ingest from the window runs as a job with its own connection to the server.
    job = window.actions_.ingest([corpus / "exif-samples/jpg/Canon_40D.jpg"])
    assert job is not None
    qtbot.waitUntil(lambda: not job.running(), timeout=60000)
    assert job.failure is None
    qtbot.waitUntil(lambda: "Canon_40D.jpg" in _rows(window), timeout=20000)
    window.close_case()
    with Case.open(server_case) as check:
        assert len(check.items.content_items()) == 1
        assert {e.actor for e in check.custody.entries()} >= {"Examiner B", "Test Examiner"}


def test_a_reviewer_gets_the_case_read_only_in_the_window(
    qtbot, make_window, server_case: str, pg_server: PgServer, monkeypatch
) -> None:
    """A reviewer's window shows the read-only banner with every editing action off; the
    server would refuse their writes anyway (tests/app/test_team_roles_cli.py)."""
    import uuid

    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QLabel

    from ui.actions import WRITES_CASE

    assert pwb("team", "setup", server_case).returncode == 0
    login, password = f"rita_{uuid.uuid4().hex[:6]}", uuid.uuid4().hex
    pg_server.admin_sql(f"CREATE ROLE {login} LOGIN PASSWORD '{password}'")
    assert pwb("team", "add", server_case, login, "--role", "reviewer").returncode == 0
    monkeypatch.setenv("PGPASSFILE", os.devnull)
    monkeypatch.setenv("PGPASSWORD", password)
    as_rita = pg_server.url(server_case.rsplit("/", 1)[-1], user=login)

    window = make_window()
    assert window.open_case(as_rita)
    case = window.current_case()
    assert case is not None
    assert case.readonly
    banner = window.findChild(QLabel, "readonly_banner")
    qtbot.waitUntil(banner.isVisible)
    assert "reviewer" in banner.text()
    assert _rows(window) == ["Gerbera drone"]
    writes = [a for a in window.findChildren(QAction) if a.property(WRITES_CASE)]
    assert writes
    assert not any(a.isEnabled() for a in writes)
    window.close_case()
