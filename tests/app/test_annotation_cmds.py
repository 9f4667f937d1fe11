"""`pwb annotations`: add, list, export, import with the CLI's exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from forensics.case import Case
from forensics.intake.ingest import ingest_paths
from tests.app.cli_process import pwb, pwb_json

COUNTER = "video/pyscenedetect/counter.mp4"


def _case_with_video(root: Path, corpus: Path) -> str:
    with Case.create(root, title="CLI", examiner="Analyst C") as case:
        report = ingest_paths(case, [corpus / COUNTER])
        return report.items[0].id


def test_add_list_export_import(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case_dir = tmp_path / "case"
    item = _case_with_video(case_dir, corpus)
    assert (
        main(
            [
                "annotations",
                "add",
                str(case_dir),
                item[:8],
                "--frame",
                "3",
                "--box",
                "10,20,1950,40",
                "--label",
                "vehicle",
                "--note",
                "car",
                "--link",
                f"item:{item[:8]}",
                "--json",
            ]
        )
        == 0
    )
    out = capsys.readouterr()
    added = json.loads(out.out)["annotation"]
    assert added["points"] == [[10.0, 20.0], [1920.0, 60.0]]
    assert added["links"] == [{"target_type": "item", "target_id": item}]
    assert "clipped" in out.err
    assert (
        main(
            [
                "annotations",
                "add",
                str(case_dir),
                item,
                "--frame",
                "4",
                "--box",
                "1,2,3,4",
                "--label",
                "nonsense",
            ]
        )
        == 2
    )
    capsys.readouterr()
    assert main(["annotations", "list", str(case_dir), "--label", "vehicle", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["annotations"]
    assert [a["id"] for a in listed] == [added["id"]]
    out_dir = tmp_path / "coco"
    assert main(["annotations", "export", str(case_dir), "--format", "coco", str(out_dir)]) == 0
    capsys.readouterr()
    doc = json.loads((out_dir / "annotations.json").read_text())
    doc["annotations"][0]["pwb"]["label"] = "unknown-thing"
    doc["annotations"].append(
        dict(
            doc["annotations"][0], id=2, pwb=None, category_id=doc["annotations"][0]["category_id"]
        )
    )
    (out_dir / "annotations.json").write_text(json.dumps(doc))
    fresh = tmp_path / "fresh"
    _case_with_video(fresh, corpus)
    code = main(["annotations", "import", str(fresh), str(out_dir / "annotations.json"), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 3
    assert report["imported"] == 1
    assert report["rejected"] == ["annotation 1: unknown label 'unknown-thing'"]


def test_import_of_a_missing_file_is_a_usage_error(tmp_path: Path, corpus: Path) -> None:
    case_dir = tmp_path / "case"
    _case_with_video(case_dir, corpus)
    assert main(["annotations", "import", str(case_dir), str(tmp_path / "nope.json")]) == 2


def test_a_link_to_a_component_that_does_not_exist_exits_2_and_stores_nothing(
    tmp_path: Path, corpus: Path
) -> None:
    case_dir = tmp_path / "case"
    item = _case_with_video(case_dir, corpus)
    done = pwb(
        "annotations",
        "add",
        case_dir,
        item[:8],
        "--frame",
        "3",
        "--box",
        "10,20,40,40",
        "--label",
        "vehicle",
        "--link",
        "component:Viewpro A40",
    )
    assert done.returncode == 2, done.stderr
    assert "no component 'Viewpro A40'" in done.stderr
    assert "Traceback" not in done.stderr
    assert pwb_json("annotations", "list", case_dir)["annotations"] == []


def test_delete_needs_a_reason_and_the_custody_entry_keeps_it(tmp_path: Path, corpus: Path) -> None:
    case_dir = tmp_path / "case"
    item = _case_with_video(case_dir, corpus)
    added = pwb_json(
        "annotations",
        "add",
        case_dir,
        item[:8],
        "--frame",
        "2",
        "--point",
        "5,5",
        "--label",
        "person",
    )["annotation"]
    missing = pwb("annotations", "delete", case_dir, added["id"][:8])
    assert missing.returncode == 2
    assert "--reason" in missing.stderr
    done = pwb_json(
        "annotations", "delete", case_dir, added["id"][:8], "--reason", "marked the wrong frame"
    )
    assert done == {"deleted": added["id"], "links_removed": 0, "reason": "marked the wrong frame"}
    assert pwb_json("annotations", "list", case_dir) == {"annotations": []}
    with Case.open(case_dir) as case:
        [entry] = [
            e
            for e in case.custody.entries()
            if e.action == "annotated" and e.details.get("op") == "delete"
        ]
    assert entry.reason == "marked the wrong frame"
    again = pwb("annotations", "delete", case_dir, added["id"][:8], "--reason", "twice")
    assert again.returncode != 0
    assert "no annotation" in again.stderr
