"""`pwb items` says how many items match in all, and says honestly when it stopped counting
(a server case stops at 1,000, `--count-up-to N` anywhere): "more than N", and under --json
`"exact": false`, never a smaller number passed off as the total."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app.cli_process import pwb, pwb_json
from tests.pg_server import PgServer


@pytest.fixture(params=["folder", "server"])
def where(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "folder":
        place = str(tmp_path / "case")
        pwb_json("init", place, "--title", "Count")
        yield place
        return
    server: PgServer = request.getfixturevalue("pg_server")
    place = server.new_database()
    try:
        pwb_json("init", place, "--title", "Count", "--evidence", tmp_path / "share")
        yield place
    finally:
        server.drop_database(place)


def test_items_counts_the_matches_and_says_where_it_stopped(where: str) -> None:
    for name in ("rotor arm 1", "rotor arm 2", "rotor motor", "camera"):
        pwb_json("add", where, "--name", name)

    listed = pwb_json("items", where, "--search", "rotor", "--limit", "2")
    assert listed["count"] == 2  # listed
    assert listed["matching"] == {"count": 3, "exact": True}  # in all

    stopped = pwb_json("items", where, "--search", "rot", "--count-up-to", "2")
    assert [i["name"] for i in stopped["items"]] == ["rotor arm 1", "rotor arm 2", "rotor motor"]
    assert stopped["matching"] == {"count": 2, "exact": False}

    text = pwb("items", where, "--search", "rot", "--count-up-to", "2")
    assert text.returncode == 0, text.stderr
    assert text.stdout.rstrip().endswith("more than 2 items match")
    one = pwb("items", where, "--search", "camera")
    assert one.stdout.rstrip().endswith("1 item matches")
