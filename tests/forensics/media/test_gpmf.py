"""GoPro GPMF telemetry: the three corpus clips against `video_expected.json`, the raw payloads
of gopro/gpmf-parser against values read straight from their bytes, and the track stored
through a case like a DJI SRT track."""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Any

import pytest

from forensics.intake.ingest import IngestOptions, ingest_paths
from forensics.media.extract import PostIngestExtraction
from forensics.media.gpmf import parse, parse_type, samples
from forensics.media.gpmf_gps import PayloadTiming, fixes_from_payload, gpsu_time
from forensics.media.gpmf_track import read_gopro_track
from forensics.media.mp4_samples import read_sample_tables
from forensics.media.mp4_samples import samples as sample_layout
from forensics.media.records import TrackPoint
from forensics.store.media import MediaRepository, points_digest
from forensics.verify import verify_case

CLIPS = ("hero7", "karma", "max-heromode")
RAWS = ("hero5", "hero6", "hero6+ble", "karma", "Fusion")


@pytest.mark.parametrize("clip", CLIPS)
def test_clip_gps_against_expected(
    clip: str, corpus: Path, video_expected: dict[str, dict[str, Any]]
) -> None:
    key = f"video/gopro/{clip}.mp4"
    exp = video_expected[key]["gpmf_telemetry_gps"]
    track = read_gopro_track(corpus / key, clip)
    assert track.has_track is exp["gpmd_track"]
    assert track.warnings == ()
    assert len(track.fixes) == exp["gps5_samples"]
    assert len(track.usable) == exp["samples_with_2d3d_fix"]
    for fix, want in ((track.usable[0], exp["first_fix"]), (track.usable[-1], exp["last_fix"])):
        assert (fix.lat, fix.lon) == pytest.approx((want["lat"], want["lon"]), abs=1e-7)
        assert fix.alt == pytest.approx(want["alt_m"], abs=1e-3)
        assert fix.speed_2d == pytest.approx(want["speed2d_mps"], abs=1e-3)
        assert fix.fix == want["fix"]
        if want.get("source", "").startswith("GPRI"):
            assert track.key == "GPRI"
            assert fix.sats == want["sats"]
            assert f"karma_time_s={fix.receiver_s:.6f}" == want["gpsu"]
            assert fix.time is None, "the Karma's receiver clock counts from boot, not a date"
        else:
            assert track.key == "GPS5"
            assert fix.gpsu == want["gpsu"]
    lats = [f.lat for f in track.usable]
    lons = [f.lon for f in track.usable]
    alts = [f.alt for f in track.usable if f.alt is not None]
    assert [min(lats), max(lats)] == pytest.approx(exp["lat_range"], abs=1e-7)
    assert [min(lons), max(lons)] == pytest.approx(exp["lon_range"], abs=1e-7)
    assert [min(alts), max(alts)] == pytest.approx(exp["alt_range_m"], abs=1e-3)
    offsets = [f.offset_s for f in track.fixes if f.offset_s is not None]
    assert len(offsets) == len(track.fixes)
    assert offsets == sorted(offsets)
    assert offsets[-1] < video_expected[key]["duration_s"]


def test_creation_time_is_local_time_labelled_utc(
    corpus: Path, video_expected: dict[str, dict[str, Any]]
) -> None:
    from forensics.media.gpmf_track import clock_check

    key = "video/gopro/hero7.mp4"
    facts = clock_check(read_gopro_track(corpus / key))
    exp = video_expected[key]
    assert facts["creation_time"][:19] == exp["creation_time"][:19]
    gpsu = gpsu_time(exp["gpmf_telemetry_gps"]["first_fix"]["gpsu"])
    assert gpsu is not None
    assert facts["gps_clock_start"].startswith(gpsu.strftime("%Y-%m-%dT%H:%M:%S"))
    assert "UTC-7" in exp["note"]
    assert facts["zone_guess"] == "UTC-07:00"
    assert "labelled UTC" in facts["clock_caveat"]
    karma = clock_check(read_gopro_track(corpus / "video/gopro/karma.mp4"))
    assert "cannot be checked" in karma["clock_caveat"]


@pytest.mark.parametrize("name", RAWS)
def test_raw_payloads_parse_and_match_their_bytes(name: str, corpus: Path) -> None:
    raw = (corpus / "expected/gopro" / f"{name}.raw").read_bytes()
    payload = parse(raw, name=name)
    assert payload.warnings == ()
    assert payload.devices()
    names = []
    for devc in payload.devices():
        dvnm = devc.find("DVNM")
        assert dvnm is not None
        names.append(dvnm.text())
    want = [
        raw[i + 8 : i + 8 + struct.unpack(">H", raw[i + 6 : i + 8])[0]].rstrip(b"\x00 ").decode()
        for i in (m.start() for m in re.finditer(b"DVNMc\x01", raw))
    ]
    assert names == want
    stream_names = {
        s.find("STNM").text()  # type: ignore[union-attr]
        for d in payload.devices()
        for s in d.children
        if s.nested and s.find("STNM") is not None
    }
    assert len(stream_names) == raw.count(b"STNMc\x01")
    warns: list[str] = []
    fixes = fixes_from_payload(payload, PayloadTiming(0.0, 1.0), warns, name)
    assert warns == []
    gps_key = b"GPRI" if name == "karma" else b"GPS5"
    at = raw.find(gps_key)
    assert at > 0
    struct_size, repeat = raw[at + 5], struct.unpack(">H", raw[at + 6 : at + 8])[0]
    assert len(fixes) == repeat
    # The first sample's latitude, read by hand: GPS5 starts with it, GPRI after a u64 time.
    lat_at = at + 8 + (8 if gps_key == b"GPRI" else 0)
    (lat_raw,) = struct.unpack(">i", raw[lat_at : lat_at + 4])
    assert fixes[0].lat == pytest.approx(lat_raw / 1e7)
    assert struct_size == (30 if gps_key == b"GPRI" else 20)
    if gps_key == b"GPS5":
        gpsu = raw.find(b"GPSU")
        assert fixes[0].gpsu == raw[gpsu + 8 : gpsu + 24].decode()


def test_no_fix_samples_are_kept_but_not_usable(corpus: Path) -> None:
    raw = (corpus / "expected/gopro/hero6.raw").read_bytes()
    gpsf = raw.find(b"GPSF")
    assert struct.unpack(">I", raw[gpsf + 8 : gpsf + 12]) == (0,)  # hero6.raw had no lock
    fixes = fixes_from_payload(parse(raw), PayloadTiming(0.0, 1.0), [], "hero6")
    assert fixes
    assert {f.fix for f in fixes} == {0}
    from forensics.media.gpmf_gps import usable

    assert not any(usable(f) for f in fixes)


def test_type_strings_and_complex_samples() -> None:
    assert parse_type("JlllSSSSBB") == tuple("JlllSSSSBB")
    assert parse_type("f[3]L") == ("f", "f", "f", "L")
    assert parse_type("lZ") is None
    entry = parse(b"KBAT?\x06\x00\x01" + struct.pack(">hL", -2, 7) + b"\x00\x00").entries[0]
    assert samples(entry, "sL") == [(-2, 7)]
    assert samples(entry, "LL") is None, "a TYPE that does not add up to the size is refused"


def test_video_sample_table_matches_the_frame_count(
    corpus: Path, video_expected: dict[str, dict[str, Any]]
) -> None:
    for clip in CLIPS:
        key = f"video/gopro/{clip}.mp4"
        with open(corpus / key, "rb") as fh:
            tables = read_sample_tables(fh)
        (video,) = tables.by_format("avc1")
        laid_out, problems = sample_layout(video, tables.file_size)
        assert problems == ()
        assert len(laid_out) == video_expected[key]["frames_header"]
        assert video.timescale
        end = laid_out[-1].start + laid_out[-1].duration
        frames, fps = video_expected[key]["frames_header"], video_expected[key]["avg_fps"]
        assert end / video.timescale == pytest.approx(frames / fps, abs=0.01)


def test_gopro_track_stored_through_a_case(case: Any, corpus: Path) -> None:
    step = PostIngestExtraction()
    try:
        report = ingest_paths(
            case,
            [str(corpus / "video/gopro/hero7.mp4"), str(corpus / "video/gopro/karma.mp4")],
            IngestOptions(post_ingest=(step,)),
        )
    finally:
        step.close()
    ids = {o.item.name: o.item.id for o in report.outcomes if o.item is not None}
    repo = MediaRepository(case.db)
    hero = repo.track(ids["hero7.mp4"])
    assert hero is not None
    assert hero.layout == "GoPro GPMF GPS5"
    assert len(hero.points) == 199
    assert hero.points[0].fix == 3
    assert hero.points[0].speed_mps == pytest.approx(1.61)
    assert hero.start_time == "2019-05-06T18:15:07.395Z"
    telemetry = [p for p in repo.positions(ids["hero7.mp4"]) if p.source == "telemetry"]
    assert [(p.lat, p.lon) for p in telemetry] == [(33.1268403, -117.3274043)]
    record = repo.find_record(ids["hero7.mp4"], "gpmf")
    assert record is not None
    assert record.facts["gpmf"]["zone_guess"] == "UTC-07:00"
    assert any(g.key == "gpmf" for g in repo.metadata(ids["hero7.mp4"]).groups)
    karma = repo.track(ids["karma.mp4"])
    assert karma is not None
    assert len(karma.points) == 47
    assert karma.start_time is None
    assert verify_case(case, record_result=False).findings == []


def test_points_without_speed_keep_their_old_digest() -> None:
    old = TrackPoint(0, 1.0, 2.0, 3.0, None, 0.0)
    assert "speed_mps" not in old.to_json()
    assert points_digest([old]) == points_digest([TrackPoint(0, 1.0, 2.0, 3.0, None, 0.0)])
    new = TrackPoint(0, 1.0, 2.0, 3.0, None, 0.0, speed_mps=1.5, fix=3)
    assert points_digest([new]) != points_digest([old])
