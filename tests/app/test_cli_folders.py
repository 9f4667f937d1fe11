"""`pwb ingest` keeps the folders evidence was found in: a host folder and the folders inside a
card image become folder items under their parent, run the way users run it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.conftest import pwb_executable
from tests.forensics.imaging import make_fat_image


def _pwb(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [pwb_executable(), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _items(root: Path) -> list[dict[str, Any]]:
    done = _pwb("items", root, "--json")
    assert done.returncode == 0, done.stderr
    items: list[dict[str, Any]] = json.loads(done.stdout)["items"]
    return items


def _path_of(item: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> str:
    names = [item["name"]]
    while item["parent_id"] in by_id:
        item = by_id[item["parent_id"]]
        names.append(item["name"])
    return "/".join(reversed(names))


def test_host_folders_and_image_folders_become_folder_items(tmp_path: Path) -> None:
    card = tmp_path / "card"
    for n, folder in enumerate(("DCIM/100MEDIA", "DCIM/101MEDIA")):
        (card / folder).mkdir(parents=True)
        (card / folder / "IMG_0001.JPG").write_bytes(b"\xff\xd8\xff" + bytes([n]) * 500)
    (card / "MISC").mkdir()
    image = make_fat_image(tmp_path / "sd.img", {"/DCIM/100GOPRO/GOPR0001.MP4": b"\x00" * 3000}, {})
    root = tmp_path / "case"
    assert _pwb("init", root, "--title", "folders").returncode == 0
    done = _pwb("add", root, "--kind", "hardware", "--name", "drone", "--json")
    assert done.returncode == 0, done.stderr
    drone = json.loads(done.stdout)["id"]

    done = _pwb("ingest", root, card, image, "--parent", drone, "--no-extract", "--json")

    assert done.returncode == 0, done.stderr
    items = _items(root)
    by_id = {i["id"]: i for i in items}
    paths = {_path_of(i, by_id): i["kind"] for i in items}
    assert paths == {
        "drone": "hardware",
        "drone/card": "folder",
        "drone/card/DCIM": "folder",
        "drone/card/DCIM/100MEDIA": "folder",
        "drone/card/DCIM/100MEDIA/IMG_0001.JPG": "file",
        "drone/card/DCIM/101MEDIA": "folder",
        "drone/card/DCIM/101MEDIA/IMG_0001.JPG": "file",
        "drone/card/MISC": "folder",  # empty, kept as found
        "drone/sd.img": "disk_image",
        "drone/sd.img/DCIM": "folder",
        "drone/sd.img/DCIM/100GOPRO": "folder",
        "drone/sd.img/DCIM/100GOPRO/GOPR0001.MP4": "file",
    }
    folder = next(i for i in items if i["name"] == "100MEDIA")
    assert folder["source_path"] == str(card / "DCIM" / "100MEDIA")
    gopro = next(i for i in items if i["name"] == "100GOPRO")
    assert (gopro["fs_path"], gopro["fs_deleted"]) == ("/DCIM/100GOPRO", False)

    # The same ingest again finds every file and folder: nothing is added twice.
    again = _pwb("ingest", root, card, "--parent", drone, "--no-extract", "--json")
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["ingested"] == 0
    assert report["duplicates"] == 2
    assert len(_items(root)) == len(items)
