"""Places named on signs: Chinese, Russian, Ukrainian and Latin names; accepting a clue."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.demo.ocr_sets import sign_places, signs
from app.demo.text_step import street_clip
from forensics.annotations.service import AnnotationService
from forensics.case import Case
from forensics.models import Item
from forensics.ocr.engines import engine_named
from forensics.ocr.reading import ReadRequest, read_text
from forensics.verify import verify_case
from geoloc.gazetteer import OfflineGazetteer
from geoloc.hypotheses import HypothesisService
from geoloc.signage import accept_place_clue, place_clues
from tests.forensics.ocr.conftest import ingest_bytes


@pytest.fixture
def street(case: Case, tmp_path: Path) -> tuple[Item, tuple[int, int, int, int]]:
    """The demo's street clip (sign reading 深圳市南山区 on frame 25), ingested; the box."""
    data, box = street_clip()
    return ingest_bytes(case, tmp_path, "street.mp4", data), box


@pytest.mark.parametrize(
    ("text", "name", "city_named"),
    [
        ("深圳市南山区", "Nanshan District", True),
        ("南山区\n科技南路", "Nanshan District", False),
        ("深圳南山", "Nanshan District", True),
        ("宝安区", "Bao'an District", False),
        ("欢迎来到广州", "Guangzhou", False),
        ("上海市", "Shanghai", False),
        ("Київ", "Kyiv", False),
        ("Москва", "Moscow", False),
        ("Nanshan District", "Nanshan District", False),
    ],
)
def test_a_sign_names_a_place(
    gazetteer: OfflineGazetteer, text: str, name: str, city_named: bool
) -> None:
    clues = place_clues(text, gazetteer)
    assert clues, text
    assert clues[0].place.name == name
    assert clues[0].city_named is city_named
    assert clues[0].matched in text


def test_text_without_a_place_gives_no_clue(gazetteer: OfflineGazetteer) -> None:
    assert place_clues("科技南路", gazetteer) == []
    assert place_clues("GH22V 93", gazetteer) == []
    assert place_clues("", gazetteer) == []


def test_the_generated_signs_lead_to_their_places(gazetteer: OfflineGazetteer) -> None:
    """The truth of the set: each drawn sign, read perfectly, names its place first."""
    places = sign_places(gazetteer)
    assert len(places) >= 30
    for s in signs(gazetteer, len(places) * 2):
        clues = place_clues(s.text, gazetteer)
        assert clues, s.lines
        assert clues[0].place.key == s.place_key, (s.lines, clues[0].explain())


def test_a_few_generated_signs_read_by_tesseract(gazetteer: OfflineGazetteer) -> None:
    """Eight of the bench's degraded signs, read for real (bench/ocr.py reads them all)."""
    engine = engine_named("tesseract")
    right = 0
    for s in signs(gazetteer, 8, seed=7):
        lines = engine.recognise(np.asarray(s.image.convert("RGB")), ("chi_sim",))
        clues = place_clues("\n".join(line.text for line in lines), gazetteer)
        right += bool(clues) and clues[0].place.key == s.place_key
    assert right >= 6


def test_accepting_a_clue_records_a_hypothesis_supported_by_the_sign(
    case: Case, street: tuple[Item, tuple[int, int, int, int]], gazetteer: OfflineGazetteer
) -> None:
    item, box = street
    read = read_text(case, ReadRequest(item_id=item.id, frame_index=25, langs="chi_sim"))
    assert read.region is None
    clue = place_clues(read.text, gazetteer)[0]
    hypothesis = accept_place_clue(case, read, clue)
    assert hypothesis.place_name == "Nanshan District, Shenzhen, Guangdong, China"
    assert (hypothesis.lat, hypothesis.lon) == (22.53, 113.93)
    assert hypothesis.methods == ("signage_language",)
    assert (hypothesis.frame_start, hypothesis.frame_end) == (25, 25)
    links = HypothesisService(case).links(hypothesis.id)
    assert [(lk.stance, lk.kind) for lk in links] == [("supporting", "annotation")]
    svc = AnnotationService(case)
    try:
        mark = svc.get(links[0].target_id)
    finally:
        svc.close()
    assert mark.label == "signage"
    assert mark.frame_index == 25
    assert mark.attributes["ocr_read"] == read.id
    # The box made for a whole-frame read covers the lines read, inside the sign.
    xs = [p[0] for p in mark.points]
    ys = [p[1] for p in mark.points]
    assert box[0] <= min(xs)
    assert max(xs) <= box[0] + box[2]
    assert box[1] <= min(ys)
    assert max(ys) <= box[1] + box[3]
    assert verify_case(case).findings == []
