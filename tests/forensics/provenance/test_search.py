"""Searching parts across several cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from forensics.case import Case
from forensics.errors import ValidationError
from forensics.models import ItemKind
from forensics.provenance.components import add_component
from forensics.provenance.search import search_parts
from tests.forensics.provenance.conftest import Teardown


def test_finds_parts_in_several_cases_and_reports_bad_folders(
    teardown: Teardown, tmp_path: Path
) -> None:
    other = Case.create(tmp_path / "other", title="Other case", examiner="B")
    with other:
        board = other.add_item(kind=ItemKind.HARDWARE, name="Board").id
        add_component(other, parent_id=board, function="MCU", part_number="STM32 F405-RGT6")
    not_a_case = tmp_path / "empty"
    not_a_case.mkdir()
    result = search_parts(
        [teardown.case.root, tmp_path / "other", not_a_case], part_number="stm32f405"
    )
    assert sorted(h.case_title for h in result.hits) == ["Other case", "Test case"]
    assert result.cases_searched == 2
    assert result.errors[0][0] == str(not_a_case)
    assert "not a case" in result.errors[0][1]
    ours = next(h for h in result.hits if h.case_title == "Test case")
    assert ours.path == ("Drone", "camera A40 Pro")
    assert ours.manufacturers == ("STMicroelectronics",)


def test_manufacturer_and_marking_criteria(teardown: Teardown) -> None:
    root = teardown.case.root
    by_maker = search_parts([root], manufacturer="viewpro")
    assert [h.component_id for h in by_maker.hits] == [teardown.camera.id]
    by_marking = search_parts([root], marking="GH22Y")
    assert [h.component_id for h in by_marking.hits] == [teardown.mcu.id]
    both = search_parts([root], marking="GH22Y", manufacturer="viewpro")
    assert both.hits == []
    with pytest.raises(ValidationError):
        search_parts([root])
