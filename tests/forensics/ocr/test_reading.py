"""Reading text off stored pixels: the record, its custody entry, search, verify, errors."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from app.demo.text_images import sign
from forensics.annotations.anchor import FrameSource
from forensics.annotations.service import AnnotationService
from forensics.case import Case
from forensics.errors import CancelledError, ValidationError
from forensics.jobs import CancelToken
from forensics.media.video_reader import pixel_digest
from forensics.ocr.engines import ENGINES, engine_named, parse_langs, tidy
from forensics.ocr.reading import ReadRequest, parse_box, read_text
from forensics.store.item_query import ItemFilter
from forensics.store.ocr import OcrRepository
from forensics.verify import verify_case
from tests.forensics.ocr.conftest import ingest_bytes


def test_a_box_is_read_and_recorded_with_where_it_came_from(case: Case, chip_photo) -> None:
    item, box = chip_photo
    steps: list[str] = []
    read = read_text(
        case,
        ReadRequest(item_id=item.id, box=box),
        progress=lambda done, total, message: steps.append(message),
    )
    assert read.text.splitlines()[0] == "STM32F405RGT6"
    assert read.engine == "tesseract"
    assert read.engine_version.startswith("tesseract 5")
    assert read.languages == ("eng",)
    assert read.region == box
    assert read.frame_index == -1
    assert read.media_sha256 == item.sha256
    with FrameSource(case, item) as source:
        anchor, rgb = source.read(-1)
    x, y, w, h = box
    assert read.frame_pixel_sha256 == anchor.pixel_sha256
    assert read.region_pixel_sha256 == pixel_digest(rgb[y : y + h, x : x + w])
    # Line boxes are in frame pixels, inside the region read.
    for line in read.lines:
        lx, ly, lw, lh = line.box
        assert x <= lx
        assert y <= ly
        assert lx + lw <= x + w
        assert ly + lh <= y + h
        assert 0.0 <= line.confidence <= 1.0
    assert len(steps) == 4
    entry = case.custody.entries()[-1]
    assert (entry.action, entry.subject_type, entry.subject_id) == (
        "text_read",
        "ocr_read",
        read.id,
    )
    assert OcrRepository(case.db).get(read.id[:8]) == read
    assert verify_case(case).findings == []


def test_a_changed_read_is_found_by_verify(case: Case, chip_photo) -> None:
    item, box = chip_photo
    read = read_text(case, ReadRequest(item_id=item.id, box=box))
    case.db.conn.execute("UPDATE ocr_reads SET text = 'STM32F103' WHERE id = ?", (read.id,))
    findings = verify_case(case).findings
    assert any(read.id in f.message for f in findings), findings


def test_text_read_from_pixels_is_found_by_the_catalogue_search(case: Case, street) -> None:
    item, box = street
    reader = case.items
    assert reader.count_matching(ItemFilter(text="南山")) == 0
    read = read_text(case, ReadRequest(item_id=item.id, frame_index=25, box=box, langs="chi_sim"))
    assert read.text.splitlines()[0] == "深圳市南山区"
    assert read.frame_index == 25
    assert read.pts == pytest.approx(1.0)
    for query in ("南山", "深圳市南山区", "科技"):
        assert [i.id for i in reader.page(ItemFilter(text=query), 10)] == [item.id]
        assert reader.count_matching(ItemFilter(text=query)) == 1
    assert [i.id for i in case.items.search("南山")] == [item.id]
    assert reader.count_matching(ItemFilter(text="北京")) == 0
    # The item's own fields are still searched the fast way when no read matches.
    assert [i.id for i in reader.page(ItemFilter(text="street"), 10)] == [item.id]


def test_a_read_at_a_time_and_of_an_annotation(case: Case, street) -> None:
    item, box = street
    by_time = read_text(case, ReadRequest(item_id=item.id, seconds=1.0, box=box, langs="chi_sim"))
    assert by_time.frame_index == 25
    x, y, w, h = box
    svc = AnnotationService(case)
    try:
        ann = svc.add(item.id, 25, "box", [(x, y), (x + w, y + h)], "signage").annotation
    finally:
        svc.close()
    read = read_text(case, ReadRequest(annotation_id=ann.id, langs="chi_sim"))
    assert (read.item_id, read.frame_index, read.region) == (item.id, 25, box)
    assert read.annotation_id == ann.id
    assert OcrRepository(case.db).of_annotation(ann.id) == [read]
    assert read.text == by_time.text


def test_bad_requests_are_refused_before_anything_is_written(case: Case, chip_photo) -> None:
    item, _ = chip_photo
    before = len(case.custody.entries())
    with pytest.raises(ValidationError, match="outside"):
        read_text(case, ReadRequest(item_id=item.id, box=(5000, 5000, 10, 10)))
    with pytest.raises(ValidationError, match="unknown language"):
        read_text(case, ReadRequest(item_id=item.id, langs="klingon"))
    with pytest.raises(ValidationError, match="unknown OCR engine"):
        read_text(case, ReadRequest(item_id=item.id, engine="nope"))
    with pytest.raises(ValidationError, match="x,y,w,h"):
        parse_box("1,2,3")
    with pytest.raises(ValidationError, match="positive"):
        parse_box("1,2,0,4")
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(CancelledError):
        read_text(case, ReadRequest(item_id=item.id), cancel=cancel)
    assert len(case.custody.entries()) == before
    assert OcrRepository(case.db).all() == []


def test_engines_and_languages() -> None:
    names = [e.name for e in ENGINES]
    assert names[0] == "tesseract"
    assert len(set(names)) == len(names)
    tesseract = engine_named(None)
    assert {"eng", "chi_sim", "chi_tra", "rus", "ukr"} <= set(tesseract.languages())
    assert parse_langs("eng+chi_sim", tesseract) == ("eng", "chi_sim")
    assert parse_langs("rus,ukr", tesseract) == ("rus", "ukr")
    assert tidy(" 深圳 市 南山 区 \n") == "深圳市南山区"
    assert tidy("GH22V 93") == "GH22V 93"
    assert tesseract.recognise(np.full((40, 80, 3), 255, np.uint8), ("eng",)) == []
    rapid = next(e for e in ENGINES if e.name == "rapidocr")
    reason = rapid.unavailable()
    if reason is not None:
        with pytest.raises(ValidationError, match="opencv-python"):
            engine_named("rapidocr")


def test_cyrillic_is_read(case: Case, tmp_path: Path) -> None:
    buf = io.BytesIO()
    sign(["Одеса", "Москва"], size=40).save(buf, format="PNG")
    item = ingest_bytes(case, tmp_path, "cyr.png", buf.getvalue())
    read = read_text(case, ReadRequest(item_id=item.id, langs="ukr+rus"))
    assert read.text.split() == ["Одеса", "Москва"]
