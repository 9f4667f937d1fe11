"""Hostile GPMF and MP4 input: truncated and inconsistent payloads and sample tables give
warnings naming the file and the reason, never an exception or a hang."""

from __future__ import annotations

import random
import struct
from pathlib import Path

import pytest

from forensics.media import gpmf
from forensics.media.gpmf import parse
from forensics.media.gpmf_gps import PayloadTiming, fixes_from_payload, usable
from forensics.media.gpmf_track import read_gopro_track
from forensics.media.mp4_samples import MAX_SAMPLES, TrackTables, samples


def _klv(key: bytes, kind: bytes, size: int, repeat: int, body: bytes) -> bytes:
    return key + kind + struct.pack(">BH", size, repeat) + body + b"\x00" * (-len(body) % 4)


def _gps_stream(scal: tuple[int, ...], lat: int) -> bytes:
    inner = _klv(b"GPSF", b"L", 4, 1, struct.pack(">I", 3))
    inner += _klv(b"SCAL", b"l", 4, len(scal), struct.pack(f">{len(scal)}i", *scal))
    inner += _klv(b"GPS5", b"l", 20, 1, struct.pack(">5i", lat, -1173274043, 1000, 100, 100))
    strm = _klv(b"STRM", b"\x00", 4, len(inner) // 4, inner)
    return _klv(b"DEVC", b"\x00", 4, len(strm) // 4, strm)


def test_every_truncation_of_a_real_payload(corpus: Path) -> None:
    raw = (corpus / "expected/gopro/hero5.raw").read_bytes()
    whole = fixes_from_payload(parse(raw), PayloadTiming(0, 1), [], "whole")
    for cut in range(0, len(raw), 37):
        payload = parse(raw[:cut], name=f"cut at {cut}")
        warnings: list[str] = []
        fixes = fixes_from_payload(payload, PayloadTiming(0, 1), warnings, "cut")
        assert len(fixes) <= len(whole)
        if cut >= 8:
            assert any("truncated" in w and f"cut at {cut}" in w for w in payload.warnings), cut


def test_lengths_keys_and_depth_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    huge = parse(b"GPS5l\x14\xff\xff" + b"\x00" * 40, name="payload 7")
    assert huge.entries == ()
    assert huge.warnings == (
        "payload 7: offset 0: GPS5 claims 1310700 bytes but only 40 remain: truncated",
    )
    assert "not a FourCC key" in parse(b"\x01\x02\x03\x04L\x04\x00\x01abcd").warnings[0]
    deep = b"DVNMc\x01\x00\x04abcd"
    for _ in range(gpmf.MAX_DEPTH + 3):
        deep = _klv(b"DEVC", b"\x00", 4, len(deep) // 4, deep)
    assert any("nests deeper" in w for w in parse(deep).warnings)
    monkeypatch.setattr(gpmf, "MAX_ENTRIES", 50)
    many = parse(_klv(b"TSMP", b"L", 4, 1, b"\x00\x00\x00\x01") * 80)
    assert len(many.entries) == 50
    assert "more than 50 entries" in many.warnings[-1]


def test_damaged_gps_streams_are_skipped_or_unusable() -> None:
    zero_scale = parse(_gps_stream((0, 0, 0, 0, 0), 331268403))
    fixes = fixes_from_payload(zero_scale, PayloadTiming(0, 1), [], "p")
    assert len(fixes) == 1
    assert not usable(fixes[0]), "a zero divisor gives no position, not a ZeroDivisionError"
    out_of_range = parse(_gps_stream((10_000_000,) * 5, 2_000_000_000))
    assert not usable(fixes_from_payload(out_of_range, PayloadTiming(0, 1), [], "p")[0])
    no_type = _klv(b"GPRI", b"?", 30, 1, b"\x00" * 30)
    strm = _klv(b"STRM", b"\x00", 4, len(no_type) // 4, no_type)
    payload = parse(_klv(b"DEVC", b"\x00", 4, len(strm) // 4, strm))
    warnings: list[str] = []
    assert fixes_from_payload(payload, PayloadTiming(0, 1), warnings, "sample 2") == []
    assert warnings == [
        "sample 2: GPRI at offset 16 (type '?', 30 bytes per sample) cannot be decoded; skipped"
    ]


def test_random_bytes_never_raise() -> None:
    rng = random.Random(7)
    for n in range(200):
        data = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 600)))
        if n % 2:  # a plausible header first, so the damage is deeper in
            data = b"DEVC\x00\x04" + struct.pack(">H", len(data) // 4) + data
        fixes_from_payload(parse(data), PayloadTiming(0, 1), [], "random")


def test_sample_tables_that_lie_are_clamped() -> None:
    tables = {
        "stsz": struct.pack(">III", 0, 0, 0xFFFFFFFF) + struct.pack(">3I", 10, 10, 10),
        "stco": struct.pack(">II", 0, 0x7FFFFFFF) + struct.pack(">2I", 0, 5000),
        "stsc": struct.pack(">II", 0, 1) + struct.pack(">III", 1, 2, 1),
        "stts": struct.pack(">II", 0, 1) + struct.pack(">II", 0xFFFFFFFF, 100),
    }
    laid_out, problems = samples(TrackTables(0, "meta", "gpmd", 1000, tables), 1000)
    assert [(s.offset, s.size, s.start) for s in laid_out] == [(0, 10, 0), (10, 10, 100)]
    assert any(f"only the first {MAX_SAMPLES}" in p for p in problems)
    assert any("stco claims 2147483647 entries but holds 2" in p for p in problems)
    assert any("lie past the end of the file" in p for p in problems)


def test_hostile_mp4s_give_warnings(bad_files: Path, tmp_path: Path, corpus: Path) -> None:
    for name in (
        "random_bytes.mp4",
        "truncated_mid_moov.mp4",
        "truncated_mid_moov_faststart.mp4",
        "ftyp_only.mp4",
    ):
        track = read_gopro_track(bad_files / name, name)
        assert not track.has_track
        assert track.warnings, name
        assert all(w.startswith(f"{name}: ") for w in track.warnings)
    # A GoPro clip whose media data was cut: the index survives, most payloads do not.
    data = (corpus / "video/gopro/hero7.mp4").read_bytes()
    moov = data.rfind(b"moov") - 4
    cut = tmp_path / "cut.mp4"
    assert data[24:28] == b"mdat"
    head = data[:20] + struct.pack(">I", 2_000_000 - 20) + data[24:2_000_000]
    cut.write_bytes(head + data[moov:])
    track = read_gopro_track(cut, "cut.mp4")
    assert track.has_track
    assert 0 < len(track.usable) < 199
    assert any("past the end of the file" in w for w in track.warnings)
    assert all(w.startswith("cut.mp4: ") for w in track.warnings)
