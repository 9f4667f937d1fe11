"""A stale edit from the command line: `pwb edit --as-of SEQ` makes the edit from the item as
`pwb show` listed it at that custody entry. A field someone changed since is refused with exit
code 4 and a message naming who changed it and when, the value now against mine, and what to
do; a field only I change goes onto theirs. On a folder case and on a PostgreSQL case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from forensics.annotations.service import AnnotationService
from forensics.case import Case
from forensics.intake.ingest import ingest_paths
from tests.app.cli_process import pwb, pwb_json

B = "Examiner B"


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


def test_a_stale_cli_delete_of_a_mark_keeps_one_a_colleague_touched(
    case_location: tuple, corpus: Path
) -> None:
    """`pwb annotations delete --as-of SEQ` deletes the mark only as read at that entry: one
    Examiner B noted, linked or commented on since is theirs (exit 4, nothing written, the
    message says what is there now and how to look again); one nobody touched is deleted, and
    a mark made after SEQ was never read."""
    where, evidence = case_location
    with Case.create(where, title="T", examiner="A", evidence=evidence) as case:
        [photo] = ingest_paths(case, [corpus / "synthetic" / "gps_control_eiffel.jpg"]).items
        drone = case.add_item(kind="hardware", name="Gerbera drone")
        svc = AnnotationService(case)
        marks = {
            what: svc.add(photo.id, -1, "box", [(n, n), (n + 4, n + 4)], "vehicle").annotation.id
            for n, what in enumerate(("note", "links", "comments", "untouched"), start=1)
        }
        svc.close()
    seen = pwb_json("show", where, photo.id)["custody"][-1]["seq"]  # what I read
    with Case.open(where) as other:
        theirs = AnnotationService(other, actor=B)
        theirs.edit(marks["note"], {"note": "white van"})
        theirs.link(marks["links"], "item", drone.id)
        late = theirs.add(photo.id, -1, "box", [(10, 10), (14, 14)], "person").annotation.id
        theirs.close()
    said = pwb("comment", "add", where, "--on", marks["comments"], "parked", "--examiner", B)
    assert said.returncode == 0, said.stderr

    def delete(mark: str, as_of: int) -> Any:
        return pwb("annotations", "delete", where, mark, "--reason", "dup", "--as-of", str(as_of))

    for what, now in (
        ("note", "note now 'white van'"),
        ("links", f"links now item {drone.id}"),
        ("comments", "comments now parked"),
    ):
        refused = delete(marks[what], seen)
        assert refused.returncode == 4, refused.stderr
        assert "Traceback" not in refused.stderr
        assert f"({what}): nothing was deleted ({now})" in refused.stderr
        assert f"pwb annotations list {where} --item {photo.id}" in refused.stderr
    never_read = delete(late, seen)
    assert never_read.returncode == 4
    assert "did not exist yet at custody entry" in never_read.stderr
    listed = {a["id"] for a in pwb_json("annotations", "list", where)["annotations"]}
    assert listed == {*marks.values(), late}  # nothing deleted

    done = delete(marks["untouched"], seen)
    assert done.returncode == 0, done.stderr
    listed = {a["id"] for a in pwb_json("annotations", "list", where)["annotations"]}
    assert marks["untouched"] not in listed
    # Read again, B's mark is mine to delete.
    seen = pwb_json("show", where, photo.id)["custody"][-1]["seq"]
    assert delete(marks["links"], seen).returncode == 0
    assert pwb("verify", where).returncode == 0
