"""EXIF: every tag as exifread's own dump shows it, decoded GPS against the expected file,
capture time with and without an offset, and damaged EXIF told apart from no EXIF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from forensics.media.exif_reader import clean_text, read_exif
from forensics.media.gps import decode_gps


def test_every_tag_matches_the_exifread_dump(
    corpus: Path, exif_dump: dict[str, dict[str, str]]
) -> None:
    compared = 0
    files = 0
    mismatches: list[str] = []
    for rel, tags in exif_dump.items():
        path = corpus / "exif-samples" / rel
        if not path.is_file():
            continue  # a few dump entries name files absent from the snapshot
        files += 1
        found = read_exif(path.read_bytes()).tags
        for key, value in tags.items():
            compared += 1
            if found.get(key) != clean_text(value):
                mismatches.append(f"{rel}: {key}: {value!r} != {found.get(key)!r}")
        if not tags:
            assert found == {}, rel
    assert files >= 100
    assert compared > 4000
    assert mismatches == []


def test_maker_notes_are_read(corpus: Path, exif_dump: dict[str, dict[str, str]]) -> None:
    rel = "jpg/Sony_alpha_a58.JPG"
    expected = {k: v for k, v in exif_dump[rel].items() if k.startswith("MakerNote ")}
    assert len(expected) > 30, "the dump holds Sony maker-note tags"
    found = read_exif((corpus / "exif-samples" / rel).read_bytes()).tags
    assert {k: found.get(k) for k in expected} == {k: v.strip() for k, v in expected.items()}


def _sample_path(corpus: Path, bad_files: Path, rel: str) -> Path:
    if rel.startswith("bad/"):
        return bad_files / rel.removeprefix("bad/")
    return corpus / rel


def test_decoded_gps_matches_the_expected_file(
    corpus: Path, bad_files: Path, gps_expected: dict[str, dict[str, Any]]
) -> None:
    checked = 0
    for rel, exp in gps_expected.items():
        result = read_exif(_sample_path(corpus, bad_files, rel).read_bytes())
        gps = result.gps
        if "gps" in exp and "gps_invalid" not in exp:
            assert gps.latitude == pytest.approx(exp["gps"][0], abs=1e-6), rel
            assert gps.longitude == pytest.approx(exp["gps"][1], abs=1e-6), rel
            if "gps_alt" in exp:
                assert gps.altitude == pytest.approx(exp["gps_alt"], abs=0.01), rel
            checked += 1
        elif "gps_invalid" in exp or "gps_error" in exp:
            assert not gps.has_position, rel
            assert any(w.startswith("invalid GPS: GPSLatitude") for w in result.warnings), rel
        else:
            assert not gps.has_position, rel
        if "Make" in exp:
            assert result.camera.get("make") == exp["Make"].strip(), rel
        if "DateTimeOriginal" in exp:
            assert result.capture["original"] == exp["DateTimeOriginal"], rel
    assert checked >= 20


def test_synthetic_controls_both_hemispheres(
    corpus: Path, gps_expected: dict[str, dict[str, Any]]
) -> None:
    for name in ("gps_control_eiffel.jpg", "gps_control_rio_sw.jpg"):
        exp = gps_expected[f"synthetic/{name}"]
        gps = read_exif((corpus / "synthetic" / name).read_bytes()).gps
        assert (round(gps.latitude or 0, 6), round(gps.longitude or 0, 6)) == tuple(exp["gps"])


def test_zero_denominator_and_out_of_range_name_the_tag(bad_files: Path) -> None:
    zero = read_exif((bad_files / "gps_zero_denominator.jpg").read_bytes())
    assert any("GPSLatitude has a zero denominator (48/0)" in w for w in zero.warnings)
    assert not zero.gps.has_position
    bad = read_exif((bad_files / "gps_out_of_range.jpg").read_bytes())
    assert any("GPSLatitudeRef is 'Q'" in w for w in bad.warnings)
    assert not bad.gps.has_position


class _Tag:
    def __init__(self, values: list[Any]) -> None:
        self.values = values


@pytest.mark.parametrize(
    ("lat", "ref", "message"),
    [
        ([91, 0, 0], "N", "out of range"),
        ([45, 60, 0], "N", "minutes 60 are not below 60"),
        ([45, 10, 60], "S", "seconds 60 are not below 60"),
        ([45, 0, 0], "X", "not one of N/S"),
    ],
)
def test_gps_validation_rules(lat: list[int], ref: str, message: str) -> None:
    fix = decode_gps(
        {
            "GPS GPSLatitude": _Tag(lat),
            "GPS GPSLatitudeRef": _Tag([ref]),
            "GPS GPSLongitude": _Tag([2, 0, 0]),
            "GPS GPSLongitudeRef": _Tag(["E"]),
        }
    )
    assert not fix.has_position
    assert any("GPSLatitude" in w and message in w for w in fix.warnings)


def test_capture_time_offset_or_zone_unknown(
    corpus: Path, exif_dump: dict[str, dict[str, str]]
) -> None:
    rel = "heic/mobile/iphone_13_pro_max.HEIC"
    offset = exif_dump[rel]["EXIF OffsetTimeOriginal"]
    capture = read_exif((corpus / "exif-samples" / rel).read_bytes()).capture
    assert capture["offset"] == offset
    assert capture["iso"].endswith(offset)
    canon = read_exif((corpus / "exif-samples/jpg/Canon_40D.jpg").read_bytes()).capture
    assert canon["zone"] is None
    assert canon["original"] == exif_dump["jpg/Canon_40D.jpg"]["EXIF DateTimeOriginal"]


def test_damaged_exif_is_not_no_exif(corpus: Path, bad_files: Path) -> None:
    damaged = read_exif((bad_files / "exif_ifd0_offset_beyond_eof.jpg").read_bytes())
    assert damaged.block["status"] == "damaged"
    assert any("IFD0 offset" in w and "out of range" in w for w in damaged.warnings)
    none = read_exif((bad_files / "-rf.jpg").read_bytes())  # a valid JPEG without EXIF
    assert none.block["status"] == "absent"
    assert none.tags == {}, "exifread alone cannot tell them apart"
    assert damaged.tags == {}
    for name, fragment in (
        ("exif_subifd_offset_beyond_eof.jpg", "ExifIFD offset"),
        ("exif_ifd_loop_self.jpg", "a loop"),
        ("exif_subifd_cycle_to_ifd0.jpg", "a loop"),
        ("exif_tag_count_huge.jpg", "outside the block"),
        ("exif_ifd_entrycount_ffff.jpg", "65535 entries"),
    ):
        result = read_exif((bad_files / name).read_bytes())
        assert result.block["status"] == "damaged", name
        assert any(fragment in w for w in result.warnings), name


def test_truncated_jpeg_keeps_its_metadata(
    bad_files: Path, gps_expected: dict[str, dict[str, Any]]
) -> None:
    exp = gps_expected["bad/truncated_30pct.jpg"]
    result = read_exif((bad_files / "truncated_30pct.jpg").read_bytes())
    assert [round(result.gps.latitude or 0, 6), round(result.gps.longitude or 0, 6)] == exp["gps"]
