"""Each record keeps the versions of the libraries that decoded it, and `pwb meta` and the
report show them: checked in real `pwb` processes on a JPEG and a video from the corpus, against
what the installed packages and the libraries themselves report."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from tests.app.json_types import display_strings

PWB = Path(sys.executable).with_name("pwb")


def _pwb(*args: str | Path) -> str:
    done = subprocess.run(
        [str(PWB), *map(str, args)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, (args, done.stderr[-3000:])
    return done.stdout


def _json(*args: str | Path) -> Any:
    return json.loads(_pwb(*args, "--json"))


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> dict[str, Any]:
    """A case with the Eiffel JPEG and counter.mp4 ingested (metadata extracted at ingest),
    one frame and a fast scene scan extracted from the video."""
    root = tmp_path_factory.mktemp("decoders")
    case = root / "case"
    _pwb("init", case, "--title", "Decoders", "--examiner", "A. Analyst")
    photo = corpus / "synthetic/gps_control_eiffel.jpg"
    video = corpus / "video/pyscenedetect/counter.mp4"
    outcomes = _json("ingest", case, photo, video)["outcomes"]
    ids = {Path(o["path"]).name: o["item"]["id"] for o in outcomes}
    _pwb("frames", case, ids["counter.mp4"], "--index", "12")
    _pwb("frames", case, ids["counter.mp4"], "--scenes", "--fast")
    return {
        "case": case,
        "root": root,
        "photo": ids["gps_control_eiffel.jpg"],
        "video": ids["counter.mp4"],
        "versions": {k: c["version"] for k, c in _json("--version")["components"].items()},
    }


def _records(doc: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {u["extractor"]: u["decoders"] for u in doc["decoded_with"]}


def test_jpeg_records_carry_exifread_and_pillow_versions(ingested: dict[str, Any]) -> None:
    from PIL import features

    doc = _json("meta", ingested["case"], ingested["photo"])
    assert display_strings(doc) == []
    found = _records(doc)
    assert set(found) == {"exif", "image", "thumbnail"}
    assert found["exif"]["exifread"] == metadata.version("exifread")
    for extractor in ("image", "thumbnail"):
        assert found[extractor]["pillow"] == metadata.version("pillow")
        assert found[extractor]["libjpeg-turbo"] == features.version("libjpeg_turbo")
        assert "libheif" not in found[extractor]  # a JPEG: the HEIF plug-in decoded nothing
    ours = metadata.version("provenance-workbench")
    assert all(d["pwb"].startswith(ours) for d in found.values())
    # what the record says is what `pwb --version --json` says is installed
    for decoders in found.values():
        for key, value in decoders.items():
            if key != "pwb":
                assert ingested["versions"][key] == value, key
    text = _pwb("meta", ingested["case"], ingested["photo"])
    assert "== Decoded with ==" in text
    assert f"exifread {metadata.version('exifread')}" in text
    assert f"Pillow {metadata.version('pillow')}" in text


def test_video_records_carry_mediainfo_opencv_and_ffmpeg_versions(
    ingested: dict[str, Any],
) -> None:
    import av

    doc = _json("meta", ingested["case"], ingested["video"])
    assert display_strings(doc) == []
    found = _records(doc)
    container = found["container"]
    assert container["pymediainfo"] == metadata.version("pymediainfo")
    assert container["libmediainfo"] == ingested["versions"]["libmediainfo"]
    frame = found["pwb-frames (frame)"]
    scan = found["pwb-frames (scenes)"]
    opencv = ingested["versions"]["opencv"]
    assert opencv is not None
    for run in (frame, scan):
        assert run["opencv"] == opencv
        assert run["pyav"] == metadata.version("av")
        assert run["libavformat"] == ".".join(map(str, av.library_versions["libavformat"]))
        assert re.fullmatch(r"\d+\.\d+\.\d+", run["opencv-libavcodec"])
    # the scan decoded through PyAV's libavcodec; a single frame did not
    assert scan["libavcodec"] == ".".join(map(str, av.library_versions["libavcodec"]))
    assert "libavcodec" not in frame
    kinds = {u["extractor"]: u["kind"] for u in doc["decoded_with"]}
    assert kinds["container"] == "metadata"
    assert kinds["pwb-frames (scenes)"] == "frames"


def test_the_report_lists_the_decoders_of_its_values(ingested: dict[str, Any]) -> None:
    out = ingested["root"] / "report.html"
    _pwb("report", ingested["case"], out)
    html = out.read_text("utf-8")
    section = html[html.index('id="decoders"') : html.index('id="seal"')]
    for extractor in ("exif", "image", "thumbnail", "container", "pwb-frames (scenes)"):
        assert f"<td>{extractor}</td>" in section, extractor
    for name, dist in (
        ("exifread", "exifread"),
        ("Pillow", "pillow"),
        ("pymediainfo", "pymediainfo"),
        ("PyAV", "av"),
    ):
        assert f"{name} <code>{metadata.version(dist)}</code>" in section, name
    assert f"OpenCV <code>{ingested['versions']['opencv']}</code>" in section
    assert "Versions running as this report was made" in section


def test_the_pdf_report_prints_them_too(ingested: dict[str, Any]) -> None:
    from tests.forensics.imaging import need

    need("pdftotext")
    out = ingested["root"] / "report.pdf"
    _pwb("report", ingested["case"], out)
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert "Decoder versions behind these values" in flat
    assert f"exifread {metadata.version('exifread')}" in flat
    assert f"MediaInfoLib {ingested['versions']['libmediainfo']}" in flat
