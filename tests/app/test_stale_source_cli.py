"""A stale regrade from the command line: `pwb source grade --as-of SEQ` regrades the source
as `pwb source list --json` showed it at that custody entry (`custody_seq`). The part of the
grade someone changed since is refused with exit code 4, naming who and when, the value now
against mine, and what to do; the part only I change goes onto theirs. In real `pwb`
processes, on a folder case and on a PostgreSQL case."""

from __future__ import annotations

from tests.app.cli_process import pwb, pwb_json

B = "Examiner B"


def test_a_stale_regrade_names_who_and_what_to_do(case_location: tuple) -> None:
    where, evidence = case_location
    init = ["init", where, "--title", "T"] + (["--evidence", evidence] if evidence else [])
    pwb_json(*init)
    source = pwb_json(
        "source", "add", where, "--kind", "article", "--title", "Teardown", "--grade", "B2"
    )
    [listed] = pwb_json("source", "list", where)["sources"]
    seen = listed["custody_seq"]  # what I read
    assert seen == source["custody_seq"]
    other = pwb(
        "source", "grade", where, source["id"], "D2", "--examiner", B, "--reason", "retracted"
    )
    assert other.returncode == 0, other.stderr

    stale = pwb("source", "grade", where, source["id"], "C2", "--as-of", str(seen))
    assert stale.returncode == 4, stale.stderr
    message = stale.stderr
    assert "Traceback" not in message
    assert "source 'Teardown' was changed since you read it, by Examiner B at " in message
    assert "reliability is now 'D', yours 'C'" in message
    assert "nothing was written" in message
    assert f"pwb source list {where} --json" in message
    [now] = pwb_json("source", "list", where)["sources"]
    assert now["grade"] == "D2"
    assert now["custody_seq"] > seen

    # The part only I change (the credibility) goes onto their reliability.
    merged = pwb_json("source", "grade", where, source["id"], "B4", "--as-of", str(seen))
    assert merged["grade"] == "D4"
    # Without --as-of the grade is written as given, from the source as stored.
    assert pwb_json("source", "grade", where, source["id"], "A1")["grade"] == "A1"
    log = pwb_json("log", where)["entries"]
    regrades = [e for e in log if e["action"] == "source_edited"]
    assert [e["actor"] for e in regrades][:1] == [B]
    assert pwb("verify", where).returncode == 0
