"""A stale edit from the command line: `pwb edit --as-of SEQ` makes the edit from the item as
`pwb show` listed it at that custody entry. A field someone changed since is refused with exit
code 4 and a message naming who changed it and when, the value now against mine, and what to
do; a field only I change goes onto theirs. On a folder case and on a PostgreSQL case."""

from __future__ import annotations

from tests.app.cli_process import pwb, pwb_json


def test_a_stale_cli_edit_names_who_and_what_to_do(case_location: tuple) -> None:
    where, evidence = case_location
    init = ["init", where, "--title", "T"] + (["--evidence", evidence] if evidence else [])
    pwb_json(*init)
    drone = pwb_json("add", where, "--name", "Gerbera drone", "--note", "as found")
    seen = pwb_json("show", where, drone["id"])["custody"][-1]["seq"]  # what I read
    other = pwb("edit", where, drone["id"], "--note", "wing missing", "--examiner", "Examiner B")
    assert other.returncode == 0, other.stderr

    stale = pwb("edit", where, drone["id"], "--note", "mine", "--as-of", str(seen))
    assert stale.returncode == 4, stale.stderr
    message = stale.stderr
    assert "Traceback" not in message
    assert "item 'Gerbera drone' was changed since you read it, by Examiner B at " in message
    assert "note is now 'wing missing', yours 'mine'" in message
    assert "nothing was written" in message
    assert f"pwb show {where} {drone['id']}" in message
    assert pwb_json("show", where, drone["id"])["note"] == "wing missing"

    # A field only I change merges onto theirs; a base the log cannot rebuild is refused.
    merged = pwb("edit", where, drone["id"], "--serial", "SN-1", "--as-of", str(seen), "--json")
    assert merged.returncode == 0, merged.stderr
    shown = pwb_json("show", where, drone["id"])
    assert (shown["serial"], shown["note"]) == ("SN-1", "wing missing")
    before_it = pwb("edit", where, drone["id"], "--note", "x", "--as-of", "0")
    assert before_it.returncode == 4
    assert "did not exist yet at custody entry 0: nothing was written" in before_it.stderr
    assert pwb("verify", where).returncode == 0
