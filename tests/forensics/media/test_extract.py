"""Extraction through a case: auto after ingest, stored records with provenance, custody,
every malformed and real sample without a crash, pathological files cut off."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from forensics.errors import CancelledError
from forensics.intake.ingest import IngestOptions, ingest_paths
from forensics.jobs import CancelToken
from forensics.media.extract import PostIngestExtraction, extract_items, extract_metadata
from forensics.media.extractors import ExifExtractor, Source, build_registry
from forensics.media.worker import ProcessRunner
from forensics.store.media import MediaRepository
from forensics.verify import verify_case


def _ingest(case: Any, *paths: Path, extract: bool = True) -> dict[str, str]:
    step = PostIngestExtraction() if extract else None
    try:
        report = ingest_paths(
            case, [str(p) for p in paths], IngestOptions(post_ingest=(step,) if step else ())
        )
    finally:
        if step is not None:
            step.close()
    return {o.item.name: o.item.id for o in report.outcomes if o.item is not None}


def test_every_bad_file_and_sample_goes_through(case: Any, corpus: Path, bad_files: Path) -> None:
    ids = _ingest(
        case, bad_files, corpus / "synthetic", corpus / "video/dji-srt", corpus / "video/jcodec"
    )
    repo = MediaRepository(case.db)
    statuses = {r.status for i in ids.values() for r in repo.records(i)}
    assert statuses <= {"ok", "warnings", "damaged", "failed"}, "no timeouts on the corpus"
    records = [r for i in ids.values() for r in repo.records(i)]
    assert len(records) > 40
    for record in records:
        assert record.extractor
        assert record.extractor_version
        assert record.created_at
        item = case.items.get(record.item_id)
        assert record.source_sha256 == item.sha256
    truncated = {r.extractor: r for r in repo.records(ids["truncated_30pct.jpg"])}
    assert truncated["image"].status == "damaged"
    assert truncated["exif"].facts["gps"]["latitude"] == pytest.approx(43.4674483)
    damaged = {r.extractor: r for r in repo.records(ids["exif_ifd0_offset_beyond_eof.jpg"])}
    assert damaged["exif"].status == "damaged"
    assert damaged["exif"].facts["exif_block"]["status"] == "damaged"
    extracted = [e for e in case.custody.entries() if e.action == "extracted"]
    assert len(extracted) == len(records)
    assert verify_case(case, record_result=False).findings == []


def test_positions_of_each_source(case: Any, corpus: Path) -> None:
    ids = _ingest(
        case,
        corpus / "synthetic/gps_control_rio_sw.jpg",
        corpus / "video/jcodec/metaedit_keyed.mp4",
        corpus / "video/dji-srt/mavic_pro.SRT",
    )
    repo = MediaRepository(case.db)
    by_source = {p.source: p for p in repo.positions()}
    assert set(by_source) == {"exif", "container", "telemetry"}
    assert (by_source["exif"].lat, by_source["exif"].lon) == pytest.approx(
        (-22.951916, -43.210487), abs=1e-6
    )
    assert by_source["telemetry"].item_id == ids["mavic_pro.SRT"]
    track = repo.track(ids["mavic_pro.SRT"])
    assert track is not None
    assert len(track.points) == 468
    assert repo.positions(ids["metaedit_keyed.mp4"])[0].detail == "©xyz"


def test_metadata_view_is_grouped_for_a_panel(case: Any, corpus: Path) -> None:
    ids = _ingest(case, corpus / "exif-samples/jpg/gps/DSCN0010.jpg")
    view = MediaRepository(case.db).metadata(ids["DSCN0010.jpg"])
    labels = [g.label for g in view.groups]
    for wanted in ("Integrity", "Image", "Camera", "Capture time", "GPS", "Thumbnail", "EXIF tags"):
        assert wanted in labels
    camera = dict(view.pairs()[labels.index("Camera")][1])
    assert camera["Make"] == "NIKON"
    thumb = next(g for g in view.groups if g.key == "thumbnail")
    sha = next(f.value for f in thumb.fields if f.key == "thumbnail.sha256")
    suffix = next(f.value for f in thumb.fields if f.key == "thumbnail.suffix")
    assert suffix == ".jpg"
    assert case.evidence.derived_path(sha, suffix).is_file()


def test_no_extract_stores_nothing_and_on_demand_works(case: Any, corpus: Path) -> None:
    ids = _ingest(case, corpus / "synthetic/gps_control_eiffel.jpg", extract=False)
    item_id = ids["gps_control_eiffel.jpg"]
    repo = MediaRepository(case.db)
    assert repo.records(item_id) == []
    result = extract_metadata(case, item_id, extractors=["exif"])
    assert [r.extractor for r in result.records] == ["exif"]
    again = extract_metadata(case, item_id, extractors=["exif"])
    assert again.records[0].id == result.records[0].id
    assert again.records[0].updated_at is not None
    assert repo.positions(item_id)[0].alt == 35.0


def test_non_media_items_are_skipped_with_a_reason(case: Any) -> None:
    drone = case.add_item(kind="hardware", name="drone")
    (result,) = extract_items(case, [drone.id])
    assert result.records == ()
    assert "no media content" in (result.skipped or "")


def test_duplicate_extractor_names_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate extractor name 'exif'"):
        build_registry((ExifExtractor(), ExifExtractor()))


def test_a_hanging_file_is_cut_off_and_cancel_stops(tmp_path: Path) -> None:
    fifo = tmp_path / "hang.jpg"
    os.mkfifo(fifo)  # reading it blocks forever: a stand-in for a decoder stuck in C code
    source = Source(str(fifo), "image/jpeg", "hang.jpg", 0)
    with ProcessRunner(timeout=0.5) as runner:
        out = runner.run("exif", source)
        assert out.status == "timeout"
        assert "took longer than" in out.errors[0]
        token = CancelToken()
        token.cancel()
        with pytest.raises(CancelledError):
            runner.run("exif", source, token)
        assert (
            runner.run(
                "dji_srt", Source(str(fifo), "application/x-subrip", "x.srt", 0), None
            ).status
            == "timeout"
        )
