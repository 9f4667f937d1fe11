"""`pwb ocr`, `pwb ocr-accept`, `pwb ocr-list` on the demo case, in real `pwb` processes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.demo.context import stable_id

PWB = str(Path(sys.executable).with_name("pwb"))


def pwb(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PWB, *map(str, argv)], capture_output=True, text=True, timeout=300, check=False
    )


def pwb_json(*argv: str | Path) -> Any:
    done = pwb(*argv, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def built_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo case, built once per module."""
    root = tmp_path_factory.mktemp("ocr-demo") / "demo-case"
    done = pwb("demo", root)
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture
def demo(built_demo: Path, tmp_path: Path) -> Path:
    """A copy of the demo case for one test: the tests read and accept text, and what one
    records (another read of the street clip) must not change what the next one finds,
    whatever order they run in."""
    root = tmp_path / "demo-case"
    shutil.copytree(built_demo, root)
    return root


def _item(demo: Path, name: str) -> dict[str, Any]:
    items = pwb_json("items", demo, "--search", name)["items"]
    return dict(next(i for i in items if i["name"] == name))


def test_the_label_photo_box_reads_viewpro_and_links_the_camera(demo: Path) -> None:
    photo_item = _item(demo, "IMG_A40_LABEL.png")
    photo = photo_item["id"]
    mark = stable_id("ann:chip_marking")
    doc = pwb_json("ocr", demo, photo[:8], "--annotation", mark[:8])
    read = doc["read"]
    assert read["text"].splitlines()[0] == "VIEWPRO A40"
    assert read["annotation_id"] == mark
    assert read["engine"] == "tesseract"
    assert read["frame_index"] == -1
    assert len(read["region_pixel_sha256"]) == 64
    first = doc["makers"][0]
    assert first["manufacturer"] == "Viewpro"
    assert first["pattern_id"] == "viewpro-brand"
    assert first["assumed"] == []
    # Human output numbers the suggestions the way ocr-accept takes them.
    text = pwb("ocr", demo, photo, "--annotation", mark)
    assert text.returncode == 0, text.stderr
    assert "maker 1: Viewpro" in text.stdout
    camera = photo_item["parent_id"]  # the photo is filed under the A40 camera
    assert pwb_json("show", demo, camera)["kind"] == "component"
    accepted = pwb_json(
        "ocr-accept", demo, read["id"][:8], "--maker", "1", "--component", camera[:8]
    )
    assert accepted["accepted"] == "maker"
    link = accepted["link"]
    assert link["basis"] == "marking read from image"
    assert link["component_id"] == camera
    assert read["id"] in link["note"]
    marks = pwb_json("annotations", "list", demo, "--link", f"component:{camera}")
    assert mark in [m["id"] for m in marks["annotations"]]
    assert pwb("verify", demo).returncode == 0


def test_the_street_sign_offers_nanshan_and_becomes_a_hypothesis(demo: Path) -> None:
    clip = _item(demo, "VID_0002_STREET.mp4")["id"]
    sign = stable_id("ann:street_sign")
    doc = pwb_json("ocr", demo, clip, "--annotation", sign, "--lang", "chi_sim")
    assert doc["read"]["frame_index"] == 25
    assert doc["read"]["text"].splitlines()[0] == "深圳市南山区"
    first = doc["places"][0]
    assert first["place"]["name"] == "Nanshan District"
    assert first["city_named"] is True
    done = pwb("ocr-accept", demo, doc["read"]["id"], "--place", "1")
    assert done.returncode == 0, done.stderr
    assert "Nanshan District" in done.stdout
    hypotheses = pwb_json("geo", "list", demo)
    found = [h for h in hypotheses["hypotheses"] if h["methods"] == ["signage_language"]]
    assert len(found) == 1
    assert found[0]["place_name"].startswith("Nanshan District")
    # The catalogue's search finds the clip by the text read off its pixels.
    assert clip in [i["id"] for i in pwb_json("items", demo, "--search", "南山")["items"]]
    listed = pwb_json("ocr-list", demo, "--search", "南山")["reads"]
    assert [r["item_id"] for r in listed] == [clip]
    assert pwb("verify", demo).returncode == 0


def test_a_frame_by_time_and_a_box_and_mistakes(demo: Path) -> None:
    clip = _item(demo, "VID_0002_STREET.mp4")["id"]
    doc = pwb_json("ocr", demo, clip, "--at", "1.0", "--box", "190,60,280,146", "--lang", "chi_sim")
    assert doc["read"]["frame_index"] == 25
    assert doc["read"]["region"] == [190, 60, 280, 146]
    bad = pwb("ocr", demo, clip, "--box", "1,2,3")
    assert bad.returncode == 2
    assert "x,y,w,h" in bad.stderr
    bad = pwb("ocr", demo, clip, "--lang", "xx")
    assert bad.returncode == 2
    assert "unknown language" in bad.stderr
    bad = pwb("ocr-accept", demo, doc["read"]["id"], "--maker", "1")
    assert bad.returncode == 2
    assert "--component" in bad.stderr
