"""`pwb ingest` of an NTFS image: a named stream and a deleted file are items, said and shown."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from app.cli import main
from tests.forensics.imaging_ntfs import make_ntfs_image

ZONE = b"[ZoneTransfer]\r\nZoneId=3\r\nHostUrl=https://example.invalid/fw.bin\r\n"
FIRMWARE = b"\x7fELF" + bytes(range(256)) * 200


def _run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    return code, capsys.readouterr().out


def test_ingest_lists_streams_and_show_gives_their_parent(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    image = make_ntfs_image(
        tmp_path / "laptop.img",
        {"/Downloads/fw.bin": FIRMWARE},
        {"/Downloads/fw.bin": {"Zone.Identifier": ZONE}},
        {"wiped.txt": b"flight plan " * 600},
        size_kib=4096,
    )
    root = tmp_path / "case"
    assert _run(capsys, "init", root, "--title", "laptop")[0] == 0

    code, out = _run(capsys, "ingest", root, image)

    assert code == 0
    assert "laptop.img:/Downloads/fw.bin:Zone.Identifier" in out
    assert "NTFS alternate data stream" in out
    assert "laptop.img:/wiped.txt" in out
    assert "4 ingested" in out

    code, out = _run(capsys, "items", root, "--json")
    assert code == 0
    items = {i["name"]: i for i in json.loads(out)["items"]}
    stream = items["fw.bin:Zone.Identifier"]
    assert stream["sha256"] == hashlib.sha256(ZONE).hexdigest()
    assert stream["parent_id"] == items["fw.bin"]["id"]
    assert items["wiped.txt"]["fs_deleted"] is True

    code, out = _run(capsys, "show", root, stream["id"], "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["fs_path"] == "/Downloads/fw.bin:Zone.Identifier"
    assert shown["attributes"]["ntfs_stream"] == "Zone.Identifier"
    assert [e["action"] for e in shown["custody"]] == ["ingested"]

    code, out = _run(capsys, "show", root, items["fw.bin"]["id"], "--json")
    assert json.loads(out)["children"] == [stream["id"]]
