"""`--json` is typed: `pwb meta` of a video gives its duration and frame count as numbers.

Run in `pwb` subprocesses, as a script would. The clip is made here with PyAV (8 s at 12 fps,
no B-frames, so the container and the stream agree on 8.000 s), its values known by
construction.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from tests.app.cli_process import pwb, pwb_json
from tests.app.json_types import display_strings


def _clip(path: Path, frames: int = 96, fps: int = 12) -> Path:
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        stream.options = {"bf": "0"}
        for i in range(frames):
            image = np.full((48, 64, 3), (i * 2) % 256, dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


@pytest.fixture(scope="module")
def case_with_media(
    tmp_path_factory: pytest.TempPathFactory, corpus: Path, bad_files: Path
) -> dict[str, str]:
    """A case holding the 8 s clip, a photo with no time zone and a truncated JPEG:
    {name: item id}."""
    root = tmp_path_factory.mktemp("typed")
    clip = _clip(root / "clip.mp4")
    case = root / "case"
    pwb_json("init", case, "--title", "typed", "--examiner", "E")
    doc = pwb_json(
        "ingest",
        case,
        clip,
        corpus / "exif-samples/jpg/Canon_40D.jpg",
        bad_files / "truncated_30pct.jpg",
    )
    ids = {o["item"]["name"]: o["item"]["id"] for o in doc["outcomes"]}
    return {"case": str(case), **ids}


def test_meta_json_of_a_video_gives_numbers(case_with_media: dict[str, str]) -> None:
    doc = pwb_json("meta", case_with_media["case"], case_with_media["clip.mp4"])
    video = doc["facts"]["video"]
    assert video["duration_s"] == 8.0
    assert isinstance(video["duration_s"], float)
    assert video["frame_count"] == 96
    assert isinstance(video["frame_count"], int)
    assert video["fps_avg"] == 12.0
    assert (video["width"], video["height"]) == (64, 48)
    assert video["variable_rate"] is False
    assert doc["facts"]["container"]["duration_s"] == 8.0
    # The grouped fields carry the same typed values; their labels stay for display.
    fields = {f["key"]: f["value"] for g in doc["groups"] for f in g["fields"]}
    assert fields["video.duration_s"] == 8.0
    assert fields["video.frame_count"] == 96
    assert fields["video.variable_rate"] is False
    assert display_strings(doc) == []


def test_meta_human_output_keeps_the_display_text(case_with_media: dict[str, str]) -> None:
    done = pwb("meta", case_with_media["case"], case_with_media["clip.mp4"])
    assert done.returncode == 0, done.stderr[-2000:]
    assert "  Duration (s): 8\n" in done.stdout
    assert "  Frame count: 96\n" in done.stdout
    assert "  Variable frame rate: no\n" in done.stdout


def test_an_unknown_time_zone_is_null_in_json_and_said_in_text(
    case_with_media: dict[str, str],
) -> None:
    case, photo = case_with_media["case"], case_with_media["Canon_40D.jpg"]
    capture = pwb_json("meta", case, photo)["facts"]["capture"]
    assert capture["zone"] is None
    assert capture["iso"] == "2008-05-30T15:56:01"  # local time as written, no offset known
    text = pwb("meta", case, photo).stdout
    assert "  Time zone: unknown\n" in text


def test_a_damaged_image_says_which_kind_of_problem(case_with_media: dict[str, str]) -> None:
    """Status and kind are ours to keep stable; the sentence quotes the decoder."""
    doc = pwb_json("meta", case_with_media["case"], case_with_media["truncated_30pct.jpg"])
    assert doc["facts"]["integrity"]["status"] == "damaged"
    assert doc["facts"]["integrity"]["kinds"] == ["truncated"]
    assert display_strings(doc) == []
    ok = pwb_json("meta", case_with_media["case"], case_with_media["Canon_40D.jpg"])
    assert ok["facts"]["integrity"] == {
        "status": "ok",
        "kinds": [],
        "pixels": "decoded completely, verify() passed",
    }


def test_the_type_check_catches_display_strings() -> None:
    """The check the CLI tests rely on finds each kind of display value."""
    bad = {
        "count": "96",
        "duration": "8 s",
        "flag": "yes",
        "note": "",
        "created_at": "2025-05-01 10:00",
        "nested": [{"key": "video.width", "value": "640"}],
    }
    found = display_strings(bad)
    assert len(found) == 6, found
    good = {
        "count": 96,
        "flag": True,
        "note": None,
        "created_at": "2025-05-01T10:00:00.5Z",
        "published": "2025-02",
        "fields": [{"key": "camera.body_serial", "value": "3020326"}],
        "exif": {"EXIF ISOSpeedRatings": "100"},
    }
    assert display_strings(good) == []
