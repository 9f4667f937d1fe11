"""Display rotation read from the `tkhd` matrix agrees with what OpenCV shows, on every clip.

`expected/video_expected.json` has `rotation_deg` from PyAV, which reports the rotation of a
decoded frame (`frame.rotation`). `video/jcodec/metaedit_keyed.mp4` has no decodable frame
(its `mdat` is 12 bytes), so PyAV says nothing there, while OpenCV, which reads the matrix
from the container, shows it turned (1080x1920 for a 1920x1080 coding). Its `tkhd` matrix is
byte for byte the one of `issue49_orientation.mp4`, which PyAV reports as -90: our 90 is
right and the expected `null` is PyAV having no frame to ask.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import av
import pytest

from forensics.media.container import read_container

KEYED = "video/jcodec/metaedit_keyed.mp4"
TWIN = "video/jcodec/issue49_orientation.mp4"


def _children(data: bytes, start: int, end: int) -> list[tuple[bytes, int, int]]:
    out, pos = [], start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if size < 8:
            break
        out.append((kind, pos + 8, min(pos + size, end)))
        pos += size
    return out


def _video_tkhd_matrix(path: Path) -> bytes:
    """The 36 matrix bytes of the video track's `tkhd`, found by a walk of our own."""
    data = path.read_bytes()
    for kind, start, end in _children(data, 0, len(data)):
        if kind != b"moov":
            continue
        for trak, t_start, t_end in _children(data, start, end):
            if trak != b"trak":
                continue
            boxes = dict((k, (s, e)) for k, s, e in _children(data, t_start, t_end))
            mdia = dict((k, (s, e)) for k, s, e in _children(data, *boxes[b"mdia"]))
            hdlr_at = mdia[b"hdlr"][0]
            if data[hdlr_at + 8 : hdlr_at + 12] == b"vide":
                tkhd_at = boxes[b"tkhd"][0]
                at = tkhd_at + (52 if data[tkhd_at] == 1 else 40)
                return data[at : at + 36]
    raise AssertionError(f"{path.name}: no video track")


def _rotation(corpus: Path, rel: str) -> int | None:
    path = corpus / rel
    with open(path, "rb") as fh:
        head = fh.read(64)
    rotation: int | None = read_container(path, head).video.get("rotation")
    return rotation


def test_rotation_agrees_with_opencvs_picture_on_every_clip(
    corpus: Path, video_expected: dict[str, dict[str, Any]]
) -> None:
    checked = 0
    for rel, exp in video_expected.items():
        coded, shown = exp["coded_wxh"], exp["opencv_wxh"]
        rotation = _rotation(corpus, rel)
        if shown == [coded[1], coded[0]] and coded[0] != coded[1]:
            assert rotation in (90, 270), rel
        else:
            assert shown == coded, rel
            assert rotation in (0, 180, None), rel
        if exp["rotation_deg"] is not None:  # PyAV's sign is the other way round
            assert rotation == (-exp["rotation_deg"]) % 360, rel
        checked += 1
    assert checked == len(video_expected) >= 15


def test_keyed_clip_has_the_same_matrix_as_a_clip_pyav_calls_minus_90(
    corpus: Path, video_expected: dict[str, dict[str, Any]]
) -> None:
    keyed, twin = _video_tkhd_matrix(corpus / KEYED), _video_tkhd_matrix(corpus / TWIN)
    assert keyed == twin
    a, b, _u, c, d = struct.unpack(">5i", keyed[:20])
    assert (a, b, c, d) == (0, 0x10000, -0x10000, 0)  # 90 degrees, 16.16 fixed point
    assert video_expected[TWIN]["rotation_deg"] == -90
    assert video_expected[KEYED]["rotation_deg"] is None
    assert _rotation(corpus, KEYED) == _rotation(corpus, TWIN) == 90


def test_pyav_reports_rotation_per_decoded_frame_and_keyed_has_none(corpus: Path) -> None:
    with av.open(str(corpus / TWIN)) as twin:
        frame = next(twin.decode(video=0))
        assert frame.rotation == -90
    with av.open(str(corpus / KEYED)) as keyed:
        try:
            frames = list(keyed.decode(video=0))
        except av.error.FFmpegError:
            frames = []
    assert frames == [], "no frame, so nothing for PyAV to report a rotation from"


@pytest.mark.parametrize("rel", ["video/jcodec/metaedit_itunes.mov"])
def test_matrix_written_in_plain_integers_still_reads_as_a_turn(corpus: Path, rel: str) -> None:
    # jcodec wrote this matrix as 0, 1, -1, 0 rather than 16.16 fixed point: the direction,
    # not the scale, says how the picture turns (PyAV also reports -90 here).
    a, b, _u, c, d = struct.unpack(">5i", _video_tkhd_matrix(corpus / rel)[:20])
    assert (a, b, c, d) == (0, 1, -1, 0)
    assert _rotation(corpus, rel) == 90
