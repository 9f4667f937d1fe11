"""DJI telemetry: every SRT in the corpus against `first_fix_summary.json`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from forensics.intake.ingest import IngestOptions, ingest_paths
from forensics.media.dji_srt import (
    AMBIGUOUS,
    LAYOUT_BRACKETED,
    LAYOUT_PAREN,
    LAYOUT_PAREN_LAT_FIRST,
    parse_srt,
)
from forensics.media.extract import PostIngestExtraction
from forensics.store.media import MediaRepository


def _summary(corpus: Path) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(
        (corpus / "expected/dji-srt/first_fix_summary.json").read_text()
    )
    return data


def test_every_srt_against_its_first_fix(corpus: Path) -> None:
    summary = _summary(corpus)
    assert len(summary) == 19
    for exp in summary:
        track = parse_srt((corpus / "video/dji-srt" / exp["file"]).read_bytes())
        assert track.cues == exp["cues"], exp["file"]
        assert track.bom == exp["bom"], exp["file"]
        family = exp["family"]
        if family.startswith("bracketed"):
            fixes = [f for f in track.fixes if f.layout == LAYOUT_BRACKETED]
            want = exp["first_latlon"]
        elif family.startswith("GPS("):
            fixes = [f for f in track.fixes if f.layout == LAYOUT_PAREN]
            want = exp["first_latlon_if_lon_lat"]  # DJI writes longitude first
        else:
            assert track.points == (), exp["file"]
            assert track.warnings, exp["file"]
            continue
        first = fixes[0].point
        assert [first.lat, first.lon] == pytest.approx(want, abs=1e-6), exp["file"]
        if exp["first_datetime"]:
            want_parts = [int(n) for n in re.findall(r"\d+", exp["first_datetime"])[:6]]
            got_parts = [int(n) for n in re.findall(r"\d+", fixes[0].point.time or "")[:6]]
            assert got_parts == want_parts, exp["file"]


def test_broken_files_warn_without_raising(corpus: Path) -> None:
    empty = parse_srt((corpus / "video/dji-srt/broken_empty.SRT").read_bytes())
    assert empty.points == ()
    assert "empty" in empty.warnings[0]
    cut = parse_srt((corpus / "video/dji-srt/broken_incomplete2.SRT").read_bytes())
    assert cut.points
    assert any("cut short" in w for w in cut.warnings)
    for junk in (b"\xff\xfe\x00garbage", b"1\n00:00:00,000 --> 00:00:01,000\nGPS(1000,2000,3)\n"):
        track = parse_srt(junk)
        assert track.points == ()
        assert track.warnings


def test_points_carry_offsets_and_altitude(corpus: Path) -> None:
    track = parse_srt((corpus / "video/dji-srt/air2s.srt").read_bytes())
    assert [p.offset_s for p in track.points[:2]] == [0.0, 0.033]
    assert track.points[0].alt == 117.0
    assert [p.seq for p in track.points] == list(range(len(track.points)))


def _numbers(raw: str) -> tuple[float, float]:
    a, b = re.findall(r"[-+]?\d+(?:\.\d+)?", raw)[:2]
    return float(a), float(b)


def test_gps_order_is_certain_only_when_a_value_leaves_latitude_range(corpus: Path) -> None:
    paren = [e for e in _summary(corpus) if e["family"].startswith("GPS(")]
    assert len(paren) == 8
    ambiguous = set()
    for exp in paren:
        track = parse_srt((corpus / "video/dji-srt" / exp["file"]).read_bytes())
        a, b = _numbers(exp["gps_raw"])
        order = track.gps_order
        assert order is not None, exp["file"]
        assert not order.lat_first, "the corpus files all write longitude first"
        first = next(f.point for f in track.fixes if f.layout == LAYOUT_PAREN)
        assert (first.lat, first.lon) == (b, a), "the documented reading is the one kept"
        notes = [w for w in track.warnings if "order is ambiguous" in w]
        if abs(a) > 90:
            assert order.certain, exp["file"]
            assert track.layout == LAYOUT_PAREN
            assert notes == [], exp["file"]
        else:
            ambiguous.add(exp["file"])
            assert not order.certain, exp["file"]
            assert track.layout == LAYOUT_PAREN + AMBIGUOUS
            assert len(notes) == 1, exp["file"]
            assert f"first fix latitude {b}, longitude {a}" in notes[0]
            assert f"the other order would put it at latitude {a}, longitude {b}" in notes[0]
            assert order.describe().startswith("longitude first (DJI's documented order)")
    assert "matrice_300.srt" in ambiguous  # GPS(36.6146,-6.1120): Spain or Tanzania
    assert "mavic_pro.SRT" not in ambiguous  # GPS(149.0251,-20.2533): 149 is no latitude


def test_second_value_beyond_90_means_latitude_first() -> None:
    cues = b"".join(
        b"%d\n00:00:0%d,000 --> 00:00:0%d,000\nGPS(36.6146,%s,12)\n\n" % (i, i, i + 1, lon)
        for i, lon in enumerate((b"-6.1120", b"-116.1120"), start=1)
    )
    track = parse_srt(cues)
    assert track.gps_order is not None
    assert (track.gps_order.lat_first, track.gps_order.certain) == (True, True)
    assert [(p.lat, p.lon) for p in track.points] == [(36.6146, -6.112), (36.6146, -116.112)]
    assert track.layout == LAYOUT_PAREN_LAT_FIRST
    assert any("LATITUDE first" in w for w in track.warnings)


def test_labelled_cues_in_the_same_file_settle_the_order(corpus: Path) -> None:
    track = parse_srt((corpus / "video/dji-srt/mix_p4rtk_mavic2pro.srt").read_bytes())
    order = track.gps_order
    assert order is not None
    assert order.certain
    assert not order.lat_first
    assert "labelled [latitude] [longitude] cues" in order.basis
    assert not any("ambiguous" in w for w in track.warnings)
    assert AMBIGUOUS not in track.layout


def test_ambiguous_order_reaches_the_stored_track_and_the_metadata(case: Any, corpus: Path) -> None:
    report = ingest_paths(
        case,
        [str(corpus / "video/dji-srt/matrice_300.srt")],
        IngestOptions(post_ingest=(step := PostIngestExtraction(),)),
    )
    step.close()
    item_id = next(o.item.id for o in report.outcomes if o.item is not None)
    repo = MediaRepository(case.db)
    track = repo.track(item_id)
    assert track is not None
    assert track.layout == LAYOUT_PAREN + AMBIGUOUS
    view = repo.metadata(item_id)
    telemetry = dict(view.pairs()[[g.key for g in view.groups].index("telemetry")][1])
    assert telemetry["GPS(a, b) order"].startswith("longitude first (DJI's documented order)")
    assert "ambiguous" in telemetry["GPS(a, b) order"]
    assert any("order is ambiguous" in w for w in view.warnings)
