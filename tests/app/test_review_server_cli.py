"""A reviewer on a case on PostgreSQL comments and does nothing else, and the server is what
says so: real `pwb` processes, each person as their own login and with their own profile.

The reviewer's `pwb comment add` works (their signed entry names them); their `pwb add`,
`annotations add` and `edit` are refused with a clear message; a program of theirs talking
SQL straight to the server cannot insert a comment in someone else's name, append any other
custody entry, or change a comment. The examiner sees the comment and answers it; `verify`
is clean.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.app.cli_process import pwb, pwb_json
from tests.pg_server import PgServer


def _person(server: PgServer, tmp_path: Path, name: str, full: str) -> tuple[str, dict[str, str]]:
    """A login on the server and a profile of their own (`PWB_HOME`)."""
    login = f"{name}_{uuid.uuid4().hex[:6]}"
    password = uuid.uuid4().hex
    server.admin_sql(f"CREATE ROLE {login} LOGIN PASSWORD '{password}'")
    env = {"PGPASSFILE": os.devnull, "PGPASSWORD": password, "PWB_HOME": str(tmp_path / name)}
    made = pwb("profile", "create", name, "--name", full, env=env)
    assert made.returncode == 0, made.stderr
    return login, env


def test_a_reviewer_comments_and_nothing_else(
    pg_server: PgServer, tmp_path: Path, corpus: Path
) -> None:
    url = pg_server.new_database()
    dbname = url.rsplit("/", 1)[-1]
    try:
        pwb_json("init", url, "--title", "Team case", "--evidence", tmp_path / "ev")
        pwb_json("team", "setup", url)
        rita, as_rita = _person(pg_server, tmp_path, "rita", "Rita Reviewer")
        eve, as_eve = _person(pg_server, tmp_path, "eve", "Eve Examiner")
        for login, role in ((rita, "reviewer"), (eve, "examiner")):
            assert pwb("team", "add", url, login, "--role", role).returncode == 0
        rita_url = pg_server.url(dbname, user=rita)
        eve_url = pg_server.url(dbname, user=eve)
        photo = corpus / "exif-samples/jpg/Canon_40D.jpg"
        done = pwb("ingest", eve_url, photo, "--json", env=as_eve)
        assert done.returncode == 0, done.stderr
        item = pwb_json("items", url)["items"][0]["id"]

        said = pwb(
            "comment",
            "add",
            rita_url,
            "--on",
            "Canon_40D.jpg",
            "Exposure looks edited",
            "--json",
            env=as_rita,
        )
        assert said.returncode == 0, said.stderr
        comments = pwb_json("comment", "list", url)["comments"]
        assert [(c["text"], c["by"], c["login"]) for c in comments] == [
            ("Exposure looks edited", "Rita Reviewer", rita)
        ]
        entry = next(e for e in pwb_json("log", url)["entries"] if e["action"] == "comment_added")
        assert entry["actor"] == "Rita Reviewer"
        assert entry["signer"]

        # Every other write of the reviewer's is refused, with words, not a traceback.
        for args in (
            ("add", rita_url, "--name", "refused"),
            ("annotations", "add", rita_url, item, "--box", "1,1,5,5", "--label", "vehicle"),
            ("edit", rita_url, item, "--note", "refused"),
            ("ingest", rita_url, photo),
        ):
            refused = pwb(*args, env=as_rita)
            assert refused.returncode == 2, (args, refused.stderr)
            assert "read and comment" in refused.stderr, refused.stderr
            assert "Traceback" not in refused.stderr

        # The examiner answers in the same thread.
        reply = pwb(
            "comment", "add", eve_url, "--on", comments[0]["id"], "Checked: original", env=as_eve
        )
        assert reply.returncode == 0, reply.stderr
        thread = pwb_json("comment", "list", url, "--on", item)["comments"]
        assert [(c["by"], c["reply"]) for c in thread] == [
            ("Rita Reviewer", False),
            ("Eve Examiner", True),
        ]

        # The server itself holds the line against a program of the reviewer's own.
        with psycopg.connect(rita_url, password=as_rita["PGPASSWORD"], autocommit=True) as c:
            forged = (
                "INSERT INTO comments (id, target_type, target_id, text, login, created_at, "
                "created_by) VALUES (%s, 'item', %s, 'forged', %s, 'now', 'x')"
            )
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                c.execute(forged, (str(uuid.uuid4()), item, eve))
            for statement in (
                "UPDATE comments SET text = 'changed'",
                "DELETE FROM comments",
                "UPDATE items SET note = 'changed'",
                "INSERT INTO custody (seq, entry_id, at, actor, action, details, prev_hash, hash)"
                " VALUES (999, 'e', 'now', 'x', 'item_edited', '{}', 'p', 'h')",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    c.execute(statement)
        assert pwb("verify", url).returncode == 0
        on_server = pwb_json("comment", "list", url)["comments"]
        assert len(on_server) == 2

        # copy-case takes them to a folder case, login and all; it verifies there too.
        copied = pwb("copy-case", url, tmp_path / "copy")
        assert copied.returncode == 0, copied.stderr
        assert pwb_json("comment", "list", tmp_path / "copy")["comments"] == on_server
        assert pwb("verify", tmp_path / "copy").returncode == 0
    finally:
        pg_server.drop_database(url)
