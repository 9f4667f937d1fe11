"""The team story (issue 18's "Done when"), on the suite's own PostgreSQL server.

The case's administrator makes a case on the server and its team: two examiners and a
reviewer, each with their own server login and their own examiner profile (key). Examiner A
works in the window `pwb gui postgresql://...` builds; examiner B, at the same time, in real
`pwb` processes. Both see each other's changes (A's window live, without reopening; B through
`pwb` list commands), nothing is lost, the custody log credits each examiner with their own
entries (signed with their own keys), verify is clean, the server refuses the reviewer's
write, and the case packs to an archive that unpacks as a folder case that verifies clean with
the same records.

With `PWB_STORY_SHOTS=<folder>` it saves A's window as `story-team-two-examiners.png`
(`make screenshots`).
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.profiles import ProfileStore
from forensics.identity import use_examiner
from tests.app.cli_process import PWB, pwb, pwb_json
from tests.pg_server import PgServer
from tests.ui.conflict_helpers import answer_conflict, when_shown
from tests.ui.test_stories import (
    SCREEN,
    _no_error_boxes,  # noqa: F401  (a box fails the story)
    action,
    save_shot,
)

ALICE, BOB, RITA = "Alice Martin", "Bob Okafor", "Rita Vance"


class Member:
    """One person of the team: a server login with its password, and a config folder
    holding their examiner profile (what their own `pwb` uses)."""

    def __init__(self, server: PgServer, db: str, tmp: Path, handle: str, name: str) -> None:
        self.login = f"{handle}_{uuid.uuid4().hex[:6]}"
        self.password = uuid.uuid4().hex
        server.admin_sql(f"CREATE ROLE {self.login} LOGIN PASSWORD '{self.password}'")
        self.url = server.url(db, user=self.login)
        self.home = tmp / f"{handle}-home"
        self.env = {
            "PWB_HOME": str(self.home),
            "PGPASSFILE": os.devnull,
            "PGPASSWORD": self.password,
        }
        made = self.pwb("profile", "create", handle, "--name", name, "--json")
        assert made.returncode == 0, made.stderr
        self.fingerprint = json.loads(made.stdout)["fingerprint"]

    def pwb(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        """`pwb ARGS` as this person (their login, their profile)."""
        return pwb(*args, env=self.env)

    def pwb_json(self, *args: str | Path) -> Any:
        done = self.pwb(*args, "--json")
        assert done.returncode == 0, done.stderr[-2000:]
        return json.loads(done.stdout)

    def start(self, *args: str | Path) -> subprocess.Popen[str]:
        """`pwb ARGS` as this person, running while the test goes on."""
        return subprocess.Popen(
            [*PWB, *(str(a) for a in args)],
            env={**os.environ, **self.env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


@pytest.fixture
def team_case(pg_server: PgServer, tmp_path: Path):
    """The server case its administrator made: `(admin URL, database name)`."""
    url = pg_server.new_database("team")
    pwb_json("init", url, "--title", "Downed drone, team case", "--evidence", tmp_path / "share")
    assert pwb("team", "setup", url).returncode == 0
    yield url, url.rsplit("/", 1)[-1]
    pg_server.drop_database(url)


def _catalogue_names(window: Any) -> set[str]:
    model = window.catalogue.model
    return {model.index(r, 0).data() for r in range(model.rowCount())}


def test_two_examiners_and_a_reviewer_on_one_server_case(
    qtbot,
    make_window,
    team_case: tuple[str, str],
    pg_server: PgServer,
    pwb_home: Path,
    corpus: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ui.annotate.controller import AnnotationController
    from ui.item_dialog import ItemDialog

    admin_url, db = team_case
    # The team: each with a login of their own, a role in the case, a profile of their own.
    bob = Member(pg_server, db, tmp_path, "bob", BOB)
    rita = Member(pg_server, db, tmp_path, "rita", RITA)
    alice_login, alice_password = f"alice_{uuid.uuid4().hex[:6]}", uuid.uuid4().hex
    pg_server.admin_sql(f"CREATE ROLE {alice_login} LOGIN PASSWORD '{alice_password}'")
    for login, role in (
        (alice_login, "examiner"),
        (bob.login, "examiner"),
        (rita.login, "reviewer"),
    ):
        added = pwb("team", "add", admin_url, login, "--role", role)
        assert added.returncode == 0, added.stderr
    # Alice works in this process: her profile signs, her password is in her ~/.pgpass.
    store = ProfileStore(pwb_home)
    alice_profile = store.create("alice", name=ALICE)
    store.use("alice")
    use_examiner(store.examiner(alice_profile))
    passfile = tmp_path / "alice.pgpass"
    passfile.write_text(
        Path(os.environ["PGPASSFILE"]).read_text()
        + f"127.0.0.1:{pg_server.port}:*:{alice_login}:{alice_password}\n"
    )
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    alice_url = pg_server.url(db, user=alice_login)

    # A opens the case in the window, as `pwb gui URL` does, and registers the drone.
    window = make_window()
    window.resize(*SCREEN)
    assert window.open_case(alice_url)

    def register() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ItemDialog):
            QTimer.singleShot(50, register)
            return
        qtbot.keyClicks(dialog.name, "Gerbera drone")
        qtbot.keyClicks(dialog.reason, "recovered at the crash site")
        dialog.save()

    QTimer.singleShot(0, register)
    action(window, "Register hardware item…").trigger()
    [drone] = [i for i in window.current_case().items.children(None) if i.name == "Gerbera drone"]

    # B ingests the card's folder in another process while A edits the drone; B also sets
    # the drone's serial while A's edit dialog is open: different fields, both kept.
    card = corpus / "synthetic"
    ingest = bob.start("ingest", bob.url, card, "--json", "--reason", "card from the drone")
    seen: list[dict[str, Any]] = []

    def edit(dialog: ItemDialog) -> None:
        [listed] = bob.pwb_json("items", bob.url, "--search", "Gerbera")["items"]
        assert listed["id"] == drone.id  # B sees A's drone
        set_serial = bob.pwb("edit", bob.url, drone.id, "--serial", "GRB-0042")
        assert set_serial.returncode == 0, set_serial.stderr
        qtbot.keyClicks(dialog.note, "left wing torn off")
        stop = answer_conflict("cancel", seen)  # none expected: B changed another field
        dialog.save()
        stop()

    window.catalogue.table.selectRow(window.catalogue.model.row_of(drone.id))
    when_shown(ItemDialog, edit, name="item_dialog")
    window.actions_.actions["edit_item"].trigger()
    assert seen == []
    out, err = ingest.communicate(timeout=600)
    assert ingest.returncode == 0, err[-2000:]
    ingested = [o for o in json.loads(out)["outcomes"] if o.get("item")]
    files = sorted(p.name for p in card.iterdir() if p.is_file())

    # A's window shows B's items and B's serial without reopening the case.
    qtbot.waitUntil(lambda: set(files) <= _catalogue_names(window), timeout=30_000)
    assert window.tree.select(drone.id)
    qtbot.waitUntil(lambda: "GRB-0042" in window.detail.text(), timeout=30_000)
    assert "left wing torn off" in window.detail.text()

    # A annotates one of B's stills in the viewer.
    [still] = [i for i in window.current_case().items.search("eiffel") if i.kind != "folder"]
    with qtbot.waitSignal(window.viewer.frame_shown, timeout=30_000):
        assert window.tree.select(still.id)
    controller = window.findChild(AnnotationController, "annotation_controller")
    qtbot.waitUntil(lambda: controller.frame is not None, timeout=30_000)
    controller.set_label("landmark")
    action(window, "Box").trigger()
    view = window.viewer.graphics_view()
    a, b = view.mapFromScene(3, 3), view.mapFromScene(12, 11)  # a 16x16 still
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(view.viewport(), pos=(a + b) / 2)
    qtbot.mouseMove(view.viewport(), pos=b)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=b)
    qtbot.waitUntil(lambda: len(controller.shapes()) == 1, timeout=10_000)
    save_shot(window, "story-team-two-examiners")

    # B sees A's annotation and A's note with `pwb`.
    [mark] = bob.pwb_json("annotations", "list", bob.url)["annotations"]
    assert (mark["item_id"], mark["label"]) == (still.id, "landmark")
    shown = bob.pwb_json("show", bob.url, drone.id)
    assert (shown["serial"], shown["note"]) == ("GRB-0042", "left wing torn off")

    # Nothing lost: the drone, every item B's ingest stored, A's one annotation.
    window.close_case()
    listed = pwb_json("items", admin_url)["items"]
    items = {i["id"] for i in listed}
    assert len(items) == len(listed)  # none twice
    assert sorted(o["item"]["name"] for o in ingested) == files
    folders = [
        (i["name"], i["kind"]) for i in listed if i["id"] not in {o["item"]["id"] for o in ingested}
    ]
    assert sorted(folders) == [("Gerbera drone", "hardware"), ("synthetic", "folder")]

    # The custody log credits each examiner with their own entries, signed with their keys.
    log = pwb_json("log", admin_url)["entries"]
    by = {(e["action"], e["actor"]) for e in log}
    assert {("item_added", ALICE), ("item_edited", ALICE), ("item_edited", BOB)} <= by
    assert {e["actor"] for e in log if e["action"] == "ingested"} == {BOB}
    assert {e["actor"] for e in log if e["action"] == "annotated"} == {ALICE}
    signers = {e["actor"]: e["signer"] for e in log if e["actor"] in (ALICE, BOB)}
    assert signers == {ALICE: alice_profile.fingerprint, BOB: bob.fingerprint}
    edits = {e["actor"]: e["details"]["changes"] for e in log if e["action"] == "item_edited"}
    assert set(edits[ALICE]) == {"note"}
    assert set(edits[BOB]) == {"serial"}
    verified = pwb("verify", admin_url, "--json")
    assert verified.returncode == 0, verified.stdout[-2000:]
    assert json.loads(verified.stdout)["ok"] is True

    # The reviewer reads, and cannot write: `pwb` says so, and the server refuses it anyway.
    assert {i["id"] for i in rita.pwb_json("items", rita.url)["items"]} == items
    refused = rita.pwb("edit", rita.url, drone.id, "--note", "reviewed")
    assert refused.returncode == 2
    assert "only read" in refused.stderr
    assert "Traceback" not in refused.stderr
    with (
        psycopg.connect(rita.url, password=rita.password) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("UPDATE items SET note = 'reviewed'")
    assert pwb_json("show", admin_url, drone.id)["note"] == "left wing torn off"

    # The case packs to an archive that unpacks as a folder case with the same records.
    # (Signed with the team's key, which the receiving lab trusts.)
    key = tmp_path / "team-key"
    assert pwb("keygen", key, "--name", "Drone team").returncode == 0
    archive = tmp_path / "drone.pwbcase"
    packed = bob.pwb("pack", bob.url, archive, "--sign", key, "--reason", "to the lab")
    assert packed.returncode == 0, packed.stderr
    folder = tmp_path / "drone-case"
    unpacked = pwb("unpack", archive, folder, "--trust", f"{key}.pub")
    assert unpacked.returncode == 0, unpacked.stderr
    again = pwb("verify", folder, "--json")
    assert again.returncode == 0, again.stdout[-2000:]
    assert json.loads(again.stdout)["ok"] is True
    assert {i["id"] for i in pwb_json("items", folder)["items"]} == items
    [copied] = pwb_json("annotations", "list", folder)["annotations"]
    assert copied["id"] == mark["id"]
    copied_log = pwb_json("log", folder)["entries"]
    assert [e["hash"] for e in log] == [e["hash"] for e in copied_log[: len(log)]]
