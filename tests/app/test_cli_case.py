"""`pwb init | add | ingest | items | show | log | verify` through `app.cli.main`."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from forensics.case import Case
from forensics.textsafe import escape_name

ITEM_KEYS = {
    "id",
    "kind",
    "name",
    "sha256",
    "md5",
    "size",
    "mime",
    "source_path",
    "parent_id",
    "created_at",
    "errors",
    "warnings",
}


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, Any]:
    code, out, _ = run(capsys, *args, "--json")
    return code, json.loads(out)


@pytest.fixture
def root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "case"
    code, info = run_json(
        capsys, "init", path, "--title", "Gerbera footage", "--examiner", "A. Analyst"
    )
    assert code == 0
    assert info["title"] == "Gerbera footage"
    assert info["examiner"] == "A. Analyst"
    assert (path / "case.db").is_file()
    assert (path / "evidence").is_dir()
    assert (path / "derived").is_dir()
    return path


def test_init_refuses_a_folder_in_use(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "init", root, "--title", "again")
    assert code == 2
    assert "not an empty folder" in err


def test_case_database_is_wal_with_schema_versions(root: Path) -> None:
    conn = sqlite3.connect(root / "case.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    versions = dict(conn.execute("SELECT component, version FROM schema_version").fetchall())
    conn.close()
    assert versions["core"] >= 1


def test_add_hardware_tree_show_and_log(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, drone = run_json(
        capsys,
        "add",
        root,
        "--kind",
        "hardware",
        "--name",
        "Gerbera drone",
        "--exhibit",
        "EX-001",
        "--note",
        "recovered at the site",
    )
    assert code == 0
    assert drone.keys() >= ITEM_KEYS
    assert (drone["kind"], drone["sha256"], drone["parent_id"]) == ("hardware", None, None)
    code, camera = run_json(
        capsys,
        "add",
        root,
        "--kind",
        "component",
        "--name",
        "Camera module",
        "--parent",
        drone["id"][:8],
        "--serial",
        "SN-4711",
        "--marking",
        "A40 ZOOM",
    )
    assert code == 0
    assert camera["parent_id"] == drone["id"]  # a unique id prefix is enough

    code, shown = run_json(capsys, "show", root, drone["id"])
    assert code == 0
    assert shown["children"] == [camera["id"]]
    assert [e["action"] for e in shown["custody"]] == ["item_added"]
    # `init --examiner "A. Analyst"` named the case's examiner; who acts is the profile
    assert shown["custody"][0]["actor"] == "Test Examiner"
    assert shown["custody"][0]["actor_given"] is False

    code, log = run_json(capsys, "log", root)
    assert code == 0
    entries = log["entries"]
    assert [e["action"] for e in entries] == [
        "examiner_added",
        "case_created",
        "item_added",
        "item_added",
    ]
    assert [e["seq"] for e in entries] == [1, 2, 3, 4]
    assert entries[1]["actor"] == "A. Analyst"
    assert entries[1]["actor_given"] is True  # a name given, not proven
    assert len({e["signer"] for e in entries}) == 1
    assert all(e["signature"] for e in entries)
    for before, after in itertools.pairwise(entries):
        assert after["prev_hash"] == before["hash"]  # a hash chain
    assert all(e["at"].endswith("Z") for e in entries)  # UTC
    code, out, _ = run(capsys, "log", root)
    assert code == 0
    assert "item_added" in out


def test_show_unknown_item_is_a_usage_error(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "show", root, "nonexistent")
    assert code == 2
    assert "no item" in err


def test_ingest_hashes_type_and_json_shape(
    root: Path, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "src"
    source.mkdir()
    jpeg = corpus / "synthetic" / "gps_control_eiffel.jpg"
    shutil.copy(jpeg, source / "photo.mp4")  # a JPEG with a lying extension
    (source / "notes.jpg").write_text("just text\n")
    mov = corpus / "synthetic" / "synthetic_apple_keys_location.mov"
    shutil.copy(mov, source / "clip")  # no extension at all

    code, report = run_json(capsys, "ingest", root, source, "--note", "from the card")

    assert code == 0
    assert report["ingested"] == 3
    items = {Path(o["item"]["source_path"]).name: o["item"] for o in report["outcomes"]}
    for name, item in items.items():
        data = (source / name).read_bytes()
        assert item.keys() >= ITEM_KEYS
        assert item["sha256"] == hashlib.sha256(data).hexdigest()
        assert item["md5"] == hashlib.md5(data).hexdigest()
        assert item["size"] == len(data)
        assert item["note"] == "from the card"
        assert item["source_path"] == str(source / name)
    assert items["photo.mp4"]["mime"] == "image/jpeg"
    assert items["notes.jpg"]["mime"] == "text/plain"
    assert items["clip"]["mime"] in ("video/quicktime", "video/mp4")
    assert any("extension does not match" in w for w in items["photo.mp4"]["warnings"])

    code, listing = run_json(capsys, "items", root)
    assert code == 0
    assert listing["count"] == 4  # the three files and the folder they were found in
    folder = next(i for i in listing["items"] if i["kind"] == "folder")
    assert folder["source_path"] == str(source)
    assert {i["parent_id"] for i in items.values()} == {folder["id"]}
    assert all(i.keys() >= ITEM_KEYS for i in listing["items"])
    code, shown = run_json(capsys, "show", root, items["clip"]["id"])
    assert code == 0
    assert _intake_actions(shown) == ["ingested"]  # extraction may add its own entries
    assert shown["custody"][0]["details"]["sha256"] == items["clip"]["sha256"]


def test_same_content_twice_is_stored_once(
    root: Path, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = (corpus / "synthetic" / "gps_control_rio_sw.jpg").read_bytes()
    a = tmp_path / "a"
    b = tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "one.jpg").write_bytes(data)
    (b / "two.jpg").write_bytes(data)

    code, first = run_json(capsys, "ingest", root, a / "one.jpg", b / "two.jpg")

    assert code == 0
    one, two = (o["item"] for o in first["outcomes"])
    assert one["id"] != two["id"]
    assert one["sha256"] == two["sha256"]
    assert (one["source_path"], two["source_path"]) == (str(a / "one.jpg"), str(b / "two.jpg"))
    stored = [p for p in (root / "evidence").rglob("*") if p.is_file()]
    assert [p.name for p in stored] == [one["sha256"]]
    for item in (one, two):
        code, shown = run_json(capsys, "show", root, item["id"])
        assert _intake_actions(shown) == ["ingested"]
        assert shown["custody"][0]["details"]["source_path"] == item["source_path"]

    # The very same source again: no new item, but the attempt is in the log.
    code, again = run_json(capsys, "ingest", root, a / "one.jpg")
    assert code == 0
    assert again["outcomes"][0]["status"] == "duplicate"
    assert again["outcomes"][0]["item"]["id"] == one["id"]
    code, shown = run_json(capsys, "show", root, one["id"])
    assert _intake_actions(shown) == ["ingested", "ingest_duplicate"]


def _intake_actions(shown: dict[str, Any]) -> list[str]:
    return [e["action"] for e in shown["custody"] if e["action"].startswith("ingest")]


def test_source_is_never_modified(
    root: Path, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "evidence.jpg"
    shutil.copy(corpus / "synthetic" / "gps_control_eiffel.jpg", source)
    os.utime(source, ns=(1_600_000_000_000_000_000, 1_500_000_000_000_000_000))
    before = source.stat()
    data = source.read_bytes()
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))

    assert run(capsys, "ingest", root, source)[0] == 0

    after = source.stat()
    assert source.read_bytes() == data
    assert after.st_mtime_ns == before.st_mtime_ns
    assert after.st_mode == before.st_mode
    assert after.st_size == before.st_size


def test_items_search_is_full_text(
    root: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, drone = run_json(
        capsys, "add", root, "--name", "Gerbera drone", "--note", "found near the lanterns"
    )
    _, chip = run_json(
        capsys,
        "add",
        root,
        "--kind",
        "component",
        "--name",
        "Flight controller",
        "--marking",
        "STM32F405 RGT6",
        "--serial",
        "FC-99812",
    )
    run(capsys, "ingest", root, corpus / "synthetic")

    def found(text: str) -> set[str]:
        code, listing = run_json(capsys, "items", root, "--search", text)
        assert code == 0
        return {i["name"] for i in listing["items"]}

    assert found("lantern") == {"Gerbera drone"}  # a note, by word prefix
    assert found("stm32f405") == {"Flight controller"}  # a marking, any case
    assert found("FC-99812") == {"Flight controller"}  # a serial
    assert found("eiffel") == {"gps_control_eiffel.jpg"}  # a path
    assert found("synthetic apple") == {"synthetic_apple_keys_location.mov"}
    assert found("nothing-like-this") == set()
    assert {drone["id"], chip["id"]} <= {
        i["id"] for i in run_json(capsys, "items", root)[1]["items"]
    }
    code, out, _ = run(capsys, "items", root, "--search", "lantern")
    assert code == 0
    assert drone["id"] in out


# --- errors that are the user's: exit 2 with a clear message --------------------------------


def test_missing_case_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["items"], ["ingest", str(tmp_path)], ["verify"], ["log"]):
        code, _, err = run(capsys, command[0], tmp_path / "nowhere", *command[1:])
        assert code == 2
        assert "no such folder" in err


def test_folder_that_is_not_a_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    code, _, err = run(capsys, "ingest", tmp_path, tmp_path / "notes.txt")
    assert code == 2
    assert "not a case folder" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # nothing written


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE schema_version SET version = version + 1 WHERE component = 'core'",
        "INSERT INTO schema_version VALUES ('teleportation', 1, '2099-01-01T00:00:00Z')",
    ],
)
def test_case_from_a_newer_schema(
    root: Path, statement: str, capsys: pytest.CaptureFixture[str]
) -> None:
    conn = sqlite3.connect(root / "case.db")
    with conn:
        conn.execute(statement)
    conn.close()
    for command in ("items", "verify"):
        code, _, err = run(capsys, command, root)
        assert code == 2
        assert "newer version" in err


# --- the bad-input run -----------------------------------------------------------------------


def _tree(path: Path) -> list[tuple[bytes, int, int]]:
    """Every entry under a folder (links not followed): name, mode and size, mtime."""
    out = []
    for dirpath, dirnames, filenames in os.walk(os.fsencode(path)):
        for name in sorted(dirnames + filenames):
            full = os.path.join(dirpath, name)
            st = os.lstat(full)
            out.append((full, st.st_mode, st.st_size, st.st_mtime_ns))
    return sorted(out)  # type: ignore[return-value]


def test_bad_input_in_one_ingest(
    tmp_path: Path, bad_files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    bad = work / "bad"
    subprocess.run(["cp", "-a", str(bad_files), str(bad)], check=True)  # keeps the links
    # make_bad.py's relative link climbs six folders to /etc/hostname: from a deeper tmp_path
    # (pytest-xdist adds a level) it would dangle. The same link, climbing as far as needed.
    outside = bad / "symlink_outside_rel.jpg"
    outside.unlink()
    os.symlink(os.path.relpath("/etc/hostname", bad), outside)
    os.mkfifo(bad / "pipe.jpg")  # opening it naively would hang forever
    root = work / "case"
    assert run(capsys, "init", root, "--title", "bad input")[0] == 0
    entries = [
        os.path.join(os.fsencode(d), n) for d, ds, fs in os.walk(os.fsencode(bad)) for n in ds + fs
    ]
    before = _tree(bad)
    outside_before = sorted(os.listdir(work))

    code, report = run_json(capsys, "ingest", root, bad)

    assert code == 3  # the FIFO was rejected; everything else went in
    assert _tree(bad) == before  # the input is untouched
    assert sorted(os.listdir(work)) == outside_before  # nothing written beside the case
    by_name = {o["path"].rsplit("/", 1)[-1]: o for o in report["outcomes"]}
    for raw in entries:
        if os.path.isdir(raw) and not os.path.islink(raw) and os.listdir(raw):
            continue  # a folder with content is named through its files
        assert escape_name(os.path.basename(raw)) in by_name, f"no outcome for {raw!r}"
    for name, words in WARNED.items():
        outcome = by_name[escape_name(name)]
        text = " ".join([*outcome["warnings"], outcome.get("reason") or ""])
        assert words in text, (name, outcome)

    # Printed for people: one line per outcome, hostile names escaped.
    code, out, _ = run(capsys, "ingest", root, bad)
    assert code == 3
    lines = out.splitlines()
    for raw in entries:
        name = escape_name(raw)
        if os.path.isdir(raw) and not os.path.islink(raw) and os.listdir(raw):
            continue
        assert any(line.endswith(name) or name + ":" in line for line in lines), name
    assert "newline_in\\nname.jpg" in out
    assert "bad_utf8_\\xff\\xfe.jpg" in out
    assert "\u202e" not in out

    capsys.readouterr()
    with Case.open(root, readonly=True) as case:
        items = case.items.search()
        by_raw = {i.source_path_raw: i for i in items}
        for raw in entries:
            if os.path.islink(raw):
                link = by_raw[os.path.abspath(raw)]
                assert link.kind == "symlink"
                assert link.sha256 is None  # recorded, never followed
                assert link.link_target == escape_name(os.readlink(raw))
            elif os.path.isfile(raw) and not os.path.islink(raw):
                item = by_raw[os.path.abspath(raw)]  # the exact bytes of the name are kept
                assert (
                    item.sha256 == hashlib.sha256(Path(os.fsdecode(raw)).read_bytes()).hexdigest()
                )
                assert item.name == escape_name(os.path.basename(raw))
        rejected = [e for e in case.custody.entries() if e.action == "ingest_rejected"]
        assert [e.details["source_path"] for e in rejected] == [escape_name(bad / "pipe.jpg")] * 2
        assert "FIFO" in rejected[0].details["reason"]
        passwd = hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest()
        assert passwd not in {i.sha256 for i in items}

    code, report = run_json(
        capsys,
        "ingest",
        root,
        bad / "pipe.jpg",
        bad / "zero_byte.jpg",
        bad / "symlink_outside_abs.jpg",
    )
    assert code == 3
    statuses = {Path(o["path"]).name: o for o in report["outcomes"]}
    assert statuses["pipe.jpg"]["status"] == "rejected"
    assert "FIFO" in statuses["pipe.jpg"]["reason"]
    assert statuses["zero_byte.jpg"]["status"] == "duplicate"
    assert statuses["symlink_outside_abs.jpg"]["status"] == "recorded"


WARNED = {
    "zero_byte.jpg": "empty file",
    "text_renamed.jpg": "extension does not match",
    "random_bytes.mp4": "extension does not match",
    "-rf.jpg": "dash",
    " leading_and_trailing_space .jpg": "spaces",
    "newline_in\nname.jpg": "control",
    "rtlo_photo_\u202egpj.exe": "bidi",
    "bad_utf8_\udcff\udcfe.jpg": "UTF-8",
    "..\\..\\evil_backslash_traversal.jpg": "backslash",
    "dotdot_..%2F..%2Fevil_urlencoded.jpg": "URL-encoded",
    "zip_slip_and_bomb.zip": "archive",
    "symlink_outside_abs.jpg": "outside the ingested tree",
    "symlink_outside_rel.jpg": "outside the ingested tree",
    "symlink_loop_a.jpg": "loop",
    "symlink_dangling.jpg": "dangling",
    "directory_named.jpg": "empty folder",
    "pipe.jpg": "FIFO",
}
"""What the intake itself says about the bad inputs it can judge (media damage is the
metadata extractors' to report)."""
