"""`pwb withdraw`: a component's attribution taken back, in real `pwb` processes, on a folder
case and on a PostgreSQL case. Two examiners withdrawing the same link is one withdrawal: the
second is told who withdrew it first, when and why, writes nothing, and exits 0."""

from __future__ import annotations

from tests.app.cli_process import pwb, pwb_json

B = "Examiner B"


def test_a_link_withdrawn_twice_is_one_withdrawal_naming_who_did_it(case_location: tuple) -> None:
    where, evidence = case_location
    init = ["init", where, "--title", "T"] + (["--evidence", evidence] if evidence else [])
    pwb_json(*init)
    drone = pwb_json("add", where, "--name", "Gerbera drone")
    camera = pwb_json("component", "add", where, "--parent", drone["id"], "--function", "camera")
    pwb_json("mfr", "add", where, "Viewpro", "--country", "CN")
    link = pwb_json("link", where, camera["id"], "--manufacturer", "Viewpro", "--basis", "logo")
    [listed] = pwb_json("component", "list", where)["components"]
    assert [lk["id"] for lk in listed["links"]] == [link["id"]]  # what `pwb withdraw` takes

    first = pwb("withdraw", where, link["id"][:8], "--examiner", B, "--reason", "wrong package")
    assert first.returncode == 0, first.stderr
    assert "withdrawn" in first.stdout
    assert "already" not in first.stdout
    again = pwb("withdraw", where, link["id"], "--reason", "looks wrong")
    assert again.returncode == 0, again.stderr
    assert f"withdrawn already by {B} at " in again.stdout
    assert "wrong package" in again.stdout
    doc = pwb_json("withdraw", where, link["id"])
    assert (doc["status"], doc["withdrawn_by"], doc["reason"]) == ("withdrawn", B, "wrong package")

    [after] = pwb_json("component", "list", where)["components"]
    assert (after["manufacturers"], after["links"]) == ([], [])
    log = pwb_json("log", where)["entries"]
    withdrawals = [e for e in log if e["action"] == "component_link_withdrawn"]
    assert [(e["actor"], e["reason"]) for e in withdrawals] == [(B, "wrong package")]
    missing = pwb("withdraw", where, "ffffffff")
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr
    assert pwb("verify", where).returncode == 0
