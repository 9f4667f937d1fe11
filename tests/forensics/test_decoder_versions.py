"""Records keep the versions of what decoded them: HEIC through pillow-heif, files inside an
E01 through TSK and libewf; records made before versions were kept still verify."""

from __future__ import annotations

import re
import subprocess
import uuid
from importlib import metadata
from pathlib import Path

import pytest

from forensics import decoded_with, versions
from forensics.case import Case
from forensics.intake.ingest import IngestOptions, ingest_paths
from forensics.media.extract import extract_metadata
from forensics.media.records import MetadataRecord
from forensics.store import db as store_db
from forensics.store import migrations
from forensics.store.custody import Action
from forensics.store.frames import FrameRepository, FrameRun
from forensics.store.media import SUBJECT as METADATA_SUBJECT
from forensics.store.media import MediaRepository
from forensics.store.rows import insert_row
from forensics.verify import verify_case
from tests.forensics.carving import card_with_hidden_files
from tests.forensics.imaging import make_e01, make_fat_image


def test_a_heic_is_recorded_as_decoded_by_pillow_heif_and_libheif(case: Case, corpus: Path) -> None:
    import pillow_heif

    item = ingest_paths(case, [corpus / "exif-samples/heic/spring_1440x960.heic"]).items[0]
    extract_metadata(case, item.id, extractors=["image", "thumbnail"])
    repo = MediaRepository(case.db)
    for extractor in ("image", "thumbnail"):
        record = repo.find_record(item.id, extractor)
        assert record is not None
        assert record.decoders["pillow-heif"] == metadata.version("pillow-heif")
        assert record.decoders["libheif"] == pillow_heif.libheif_version()
        assert record.decoders["pillow"] == metadata.version("pillow")
        assert "libjpeg-turbo" not in record.decoders
    assert verify_case(case).ok


def test_files_inside_an_e01_name_tsk_and_libewf(case: Case, tmp_path: Path, corpus: Path) -> None:
    import pyewf
    import pytsk3

    files = {"/DCIM/x.jpg": (corpus / "synthetic/gps_control_eiffel.jpg").read_bytes()}
    raw = make_fat_image(tmp_path / "card.img", files, {})
    acquired = tmp_path / "acquired"
    acquired.mkdir()
    make_e01(raw, acquired / "card")
    raw_copy = tmp_path / "raw"
    raw_copy.mkdir()
    (raw_copy / "card.dd").write_bytes(raw.read_bytes() + b"\0" * 512)  # another image
    report = ingest_paths(case, [acquired, raw_copy])
    # Each image sits under the folder item of the host folder it was ingested from.
    images = {o.item.name: o.item for o in report.outcomes if o.item}
    e01_child = case.items.children(images["card.E01"].id)[0]
    assert e01_child.attributes["decoders"] == {
        "pwb": versions.app_version(),
        "pytsk3": metadata.version("pytsk3"),
        "tsk": pytsk3.TSK_VERSION_STR,
        "libewf-python": metadata.version("libewf-python"),
        "libewf": pyewf.get_version(),
    }
    raw_child = case.items.children(images["card.dd"].id)[0]
    assert set(raw_child.attributes["decoders"]) == {"pwb", "pytsk3", "tsk"}
    expanded = [
        e
        for e in case.custody.entries(item_id=images["card.E01"].id)
        if e.action == Action.DISK_IMAGE_EXPANDED
    ]
    assert expanded[0].details["decoders"] == e01_child.attributes["decoders"]
    uses = decoded_with.for_item(case, e01_child)
    assert uses[0].kind == decoded_with.DISK_IMAGE
    assert f"libewf {pyewf.get_version()}" in uses[0].describe()
    assert verify_case(case).ok


def _old_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make new cases with the schema as it was before decoder versions were kept."""
    old = dict(migrations.components())
    old["media"] = tuple(m for m in old["media"] if m.version <= 2)
    old["frames"] = tuple(m for m in old["frames"] if m.version <= 1)
    monkeypatch.setattr(store_db, "components", lambda: old)


def _as_before(state: dict[str, object]) -> dict[str, object]:
    """A record's state as the code before decoder versions wrote it (no `decoders` key)."""
    return {k: v for k, v in state.items() if k != "decoders"}


def test_records_made_before_versions_were_kept_still_verify(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        _old_schema(patch)
        old = Case.create(tmp_path / "old", title="Old case", examiner="E")
        item = old.add_item(kind="hardware", name="drone")
        now = store_db.utc_now()
        record = MetadataRecord(
            str(uuid.uuid4()), item.id, "exif", "1", "0" * 64, "ok", created_at=now, created_by="E"
        )
        run = FrameRun(
            str(uuid.uuid4()), item.id, "0" * 64, "frame", None, None, None, {}, "pwb-frames",
            "1", "failed", "no frame", None, None, None, now, "E",
        )  # fmt: skip
        with old.transaction():
            row = {**_as_before(record.to_json()), "facts": "{}", "warnings": "[]", "errors": "[]"}
            insert_row(old.db, "media_metadata", row)
            old.custody.append(
                Action.EXTRACTED,
                "E",
                item_id=item.id,
                subject=(METADATA_SUBJECT, record.id),
                record={**_as_before(record.to_json()), "positions": [], "tracks": []},
            )
            insert_row(old.db, "frame_runs", {**_as_before(run.to_json()), "parameters": "{}"})
            old.custody.append(
                Action.EXTRACTED,
                "E",
                item_id=item.id,
                subject=("frame_run", run.id),
                record={**_as_before(run.to_json()), "frames": {}, "scenes": {}},
            )
        old.close()
    case = Case.open(tmp_path / "old")  # migrated forward: the new columns default to {}
    try:
        assert store_db.applied_versions(case.db)["media"] >= 3
        assert MediaRepository(case.db).records(item.id)[0].decoders == {}
        assert FrameRepository(case.db).runs(item.id)[0].decoders == {}
        assert verify_case(case).ok  # their digests did not change
        uses = decoded_with.for_item(case, case.items.get(item.id))
        assert [u.describe() for u in uses] == [decoded_with.NOT_RECORDED] * 2
    finally:
        case.close()


def test_a_carved_file_names_the_carver_and_its_version(
    case: Case, tmp_path: Path, corpus: Path
) -> None:
    image, _written = card_with_hidden_files(tmp_path, corpus)
    report = ingest_paths(case, [image], IngestOptions(carve=True))
    carved = [i for i in report.items if "carving" in i.attributes]
    assert carved
    printed = subprocess.run(
        ["photorec", "/version"], capture_output=True, text=True, check=False
    ).stdout
    expected = re.search(r"^Version:\s*(\S+)", printed, re.M)
    assert expected is not None
    uses = decoded_with.for_item(case, carved[0])
    assert [(u.extractor, u.decoders) for u in uses if u.kind == decoded_with.DISK_IMAGE] == [
        (decoded_with.CARVING, {"photorec": expected.group(1)})
    ]
    assert versions.version("photorec") == expected.group(1)
    every = decoded_with.for_items(case, case.items.search(), None)
    assert any(u.extractor == decoded_with.CARVING for u in every)


def test_decoder_versions_edited_behind_the_log_are_found(case: Case, corpus: Path) -> None:
    from forensics.media.frames import extract_frame

    photo, video = ingest_paths(
        case,
        [corpus / "synthetic/gps_control_eiffel.jpg", corpus / "video/pyscenedetect/counter.mp4"],
    ).items
    extract_metadata(case, photo.id, extractors=["exif"])
    extract_frame(case, video.id, index=2)
    assert verify_case(case).ok
    # someone claims another exifread, and another OpenCV, decoded them
    case.db.conn.execute(
        "UPDATE media_metadata SET decoders = json_set(decoders, '$.exifread', '0.0.1')"
    )
    case.db.conn.execute("UPDATE frame_runs SET decoders = json_set(decoders, '$.opencv', '1')")
    kinds = sorted(f.kind for f in verify_case(case).findings)
    assert kinds == ["frame_run_changed", "media_metadata_changed"]
