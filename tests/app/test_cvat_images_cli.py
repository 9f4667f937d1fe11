"""`pwb annotations import` of CVAT for images 1.1 XML, in real `pwb` subprocesses.

The XML is written here as CVAT 1.1 dumps it (`<annotations><version>1.1</version><meta>`,
then one `<image id name width height>` per image holding `<box>`, `<polygon>`, `<points>`,
and shapes the workbench has no kind for). Every shape read must come back from
`pwb annotations list` with its geometry; every one not read must be named in the output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from forensics.case import Case
from forensics.intake.ingest import ingest_paths

STILL = "exif-samples/jpg/Canon_40D.jpg"
COUNTER = "video/pyscenedetect/counter.mp4"

CVAT_IMAGES = """<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta>
    <task><id>7</id><name>card</name><mode>annotation</mode>
      <labels><label><name>vehicle</name><type>any</type><attributes/></label></labels>
    </task>
    <dumped>2025-05-01 10:00:00.000000+00:00</dumped>
  </meta>
  <image id="0" name="DCIM/100CANON/Canon_40D.jpg" width="200" height="136">
    <box label="vehicle" source="manual" occluded="0" xtl="10.5" ytl="20.0" xbr="40.0"
         ybr="50.25" z_order="0">
      <attribute name="note">white van</attribute>
    </box>
    <polygon label="landmark" source="manual" occluded="0"
             points="5.0,5.0;60.0,5.0;60.0,30.0;5.0,30.0" z_order="0"/>
    <points label="person" source="manual" occluded="0" points="12.0,13.0;70.0,40.0"
            z_order="0"/>
    <box label="vehicle" source="manual" occluded="0" xtl="20" ytl="20" xbr="40" ybr="30"
         rotation="90" z_order="0"/>
    <ellipse label="vehicle" source="manual" occluded="0" cx="50" cy="30" rx="5" ry="4"
             z_order="0"/>
    <tag label="vehicle" source="manual"/>
  </image>
  <image id="1" name="frame_000004" width="1920" height="1080">
    <box label="vehicle" source="manual" occluded="0" xtl="100" ytl="200" xbr="300"
         ybr="400" z_order="0"/>
  </image>
  <image id="2" name="not_in_the_case.jpg" width="640" height="480">
    <box label="vehicle" source="manual" occluded="0" xtl="1" ytl="2" xbr="3" ybr="4"
         z_order="0"/>
  </image>
  <image id="3" name="Canon_40D.jpg" width="100" height="68"/>
</annotations>
"""


def _pwb(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *map(str, args)],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _case(root: Path, corpus: Path) -> tuple[str, str]:
    with Case.create(root, title="CVAT", examiner="Analyst C") as case:
        report = ingest_paths(case, [corpus / STILL, corpus / COUNTER])
        by_name = {i.name: i.id for i in report.items}
    return by_name["Canon_40D.jpg"], by_name["counter.mp4"]


def _marks(case_dir: Path) -> list[dict[str, Any]]:
    done = _pwb("annotations", "list", case_dir, "--json")
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout)["annotations"])


def test_cvat_for_images_shapes_land_on_their_media_and_the_rest_is_named(
    tmp_path: Path, corpus: Path
) -> None:
    case_dir = tmp_path / "case"
    still, video = _case(case_dir, corpus)
    xml = tmp_path / "annotations.xml"
    xml.write_text(CVAT_IMAGES, encoding="utf-8")

    done = _pwb("annotations", "import", case_dir, xml, "--item", video[:8], "--json")
    assert done.returncode == 3, done.stderr  # partial: some content refused
    report = json.loads(done.stdout)
    # box, polygon, two points, the rotated box (as a polygon) and the video frame's box
    assert report["imported"] == 6, json.dumps(report)
    rejected = "\n".join(report["rejected"])
    assert "<ellipse>" in rejected
    assert "<tag>" in rejected
    assert "not_in_the_case.jpg" in rejected
    assert len(report["rejected"]) == 3
    assert any("200x136" in w for w in report["warnings"])  # the file's size is not the photo's

    marks = _marks(case_dir)
    on_still = [m for m in marks if m["item_id"] == still]
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for m in on_still:
        by_kind.setdefault(m["kind"], []).append(m)
    (box,) = by_kind["box"]
    assert box["points"] == [[10.5, 20.0], [40.0, 50.25]]
    assert box["label"] == "vehicle"
    assert box["note"] == "white van"
    polygons = sorted(by_kind["polygon"], key=lambda m: m["label"])
    assert polygons[0]["label"] == "landmark"
    assert polygons[0]["points"] == [[5.0, 5.0], [60.0, 5.0], [60.0, 30.0], [5.0, 30.0]]
    rotated = [[round(x, 6), round(y, 6)] for x, y in polygons[1]["points"]]
    assert rotated == [[35.0, 15.0], [35.0, 35.0], [25.0, 35.0], [25.0, 15.0]]
    assert sorted(p["points"][0] for p in by_kind["point"]) == [[12.0, 13.0], [70.0, 40.0]]
    (frame_box,) = [m for m in marks if m["item_id"] == video]
    assert frame_box["frame_index"] == 4
    assert frame_box["points"] == [[100.0, 200.0], [300.0, 400.0]]


def test_a_cvat_file_with_nothing_read_is_never_a_silent_zero(tmp_path: Path, corpus: Path) -> None:
    case_dir = tmp_path / "case"
    _case(case_dir, corpus)
    only_ellipses = tmp_path / "ellipses.xml"
    only_ellipses.write_text(
        '<annotations><version>1.1</version><image id="0" name="Canon_40D.jpg">'
        '<ellipse label="vehicle" cx="5" cy="5" rx="2" ry="2"/></image>'
        '<tag label="vehicle"/></annotations>',
        encoding="utf-8",
    )
    done = _pwb("annotations", "import", case_dir, only_ellipses)
    assert done.returncode == 3
    assert "<ellipse>" in done.stdout
    assert "0 imported" in done.stdout

    frames_without_item = tmp_path / "frames.xml"
    frames_without_item.write_text(
        '<annotations><version>1.1</version><image id="0" name="frame_000002">'
        '<box label="vehicle" xtl="1" ytl="1" xbr="5" ybr="5"/></image></annotations>',
        encoding="utf-8",
    )
    done = _pwb("annotations", "import", case_dir, frames_without_item)
    assert done.returncode == 3
    assert "--item" in done.stdout

    empty = tmp_path / "empty.xml"
    empty.write_text("<annotations><version>1.1</version><meta/></annotations>", "utf-8")
    done = _pwb("annotations", "import", case_dir, empty)
    assert done.returncode != 0
    assert "empty.xml" in done.stderr
    assert _marks(case_dir) == []


def _add(case_dir: Path, item: str, *args: str) -> str:
    done = _pwb("annotations", "add", case_dir, item, *args, "--json")
    assert done.returncode == 0, done.stderr
    return str(json.loads(done.stdout)["annotation"]["id"])


def test_export_as_cvat_for_images_and_import_into_another_case(
    tmp_path: Path, corpus: Path
) -> None:
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    still, video = _case(mine, corpus)
    _case(theirs, corpus)  # the same media, other item ids
    _add(mine, still, "--box", "10,20,30,25", "--label", "vehicle", "--note", "van")
    _add(mine, still, "--point", "50,40", "--label", "person")
    _add(mine, video, "--frame", "7", "--polygon", "5,5;90,5;90,60", "--label", "landmark")
    _add(mine, video, "--frame", "7", "--arrow", "100,100;300,150", "--label", "signage")
    out = tmp_path / "cvat"
    done = _pwb("annotations", "export", mine, "--format", "cvat-images", out, "--json")
    assert done.returncode == 0, done.stderr
    root = ET.parse(out / "annotations.xml").getroot()
    names = sorted(i.get("name") for i in root.findall("image"))
    assert names == ["Canon_40D.jpg", "counter.mp4/frame_000007"]  # as CVAT names them
    assert {el.tag for image in root.findall("image") for el in image} == {
        "box",
        "points",
        "polygon",
        "polyline",
    }

    done = _pwb("annotations", "import", theirs, out / "annotations.xml", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["imported"] == 4

    def marks(case_dir: Path) -> list[tuple[Any, ...]]:
        return sorted(
            (m["kind"], m["label"], m["frame_index"], m["points"], m["note"], m["media_sha256"])
            for m in _marks(case_dir)
        )

    assert marks(theirs) == marks(mine)
    again = _pwb("annotations", "import", theirs, out / "annotations.xml", "--json")
    assert json.loads(again.stdout)["duplicates"] == 4
    assert len(_marks(theirs)) == 4
