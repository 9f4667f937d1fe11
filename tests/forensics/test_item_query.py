"""The one item query: the full-text index walk (insertion order) and the general form
(sorted by a column) select the same items, and every filter narrows both alike."""

from __future__ import annotations

from dataclasses import replace

import pytest

from forensics.case import Case
from forensics.store.item_query import INSERTION, ItemFilter


@pytest.fixture
def case(any_case: Case) -> Case:
    """On both engines: a folder case and a server case."""
    return any_case


@pytest.fixture
def filled(case: Case) -> Case:
    drone = case.add_item(kind="hardware", name="Gerbera drone", tags=("airframe",))
    for k in range(6):
        case.add_item(
            kind="component",
            name=f"rotor motor {k}",
            parent_id=drone.id if k % 2 else None,
            tags=("motor",) if k < 3 else (),
        )
    case.add_item(kind="hardware", name="spare rotor blade", note="from the crash site")
    case.add_item(kind="component", name="GNSS receiver", note="next to the rotor arm")
    return case


FILTERS = [
    ItemFilter(),
    ItemFilter(text="rotor"),
    ItemFilter(text="rot", kinds=("component",)),
    ItemFilter(text="rotor", kinds=("hardware", "component"), tag="motor"),
    ItemFilter(kinds=("hardware",)),
    ItemFilter(text="rotor", state="live"),
    ItemFilter(text="!!!"),  # nothing a word: no text clause, every item
]


@pytest.mark.parametrize("f", FILTERS, ids=repr)
def test_index_walk_and_sorted_form_agree(filled: Case, f: ItemFilter) -> None:
    walked = [i.id for i in filled.items.page(f)]
    by_name = filled.items.page(replace(f, order_by="name"))
    assert sorted(walked) == sorted(i.id for i in by_name)
    assert [i.name for i in by_name] == sorted(i.name for i in by_name)
    assert filled.items.count_matching(f) == len(walked)
    # Insertion order, both directions, and paging through it.
    assert [i.id for i in filled.items.page(replace(f, descending=True))] == (walked[::-1])
    assert [i.id for i in filled.items.page(f, 2, 1)] == walked[1:3]


def test_filters_select_what_they_say(filled: Case) -> None:
    names = {i.name for i in filled.items.page(ItemFilter(text="rotor", kinds=("component",)))}
    assert names == {f"rotor motor {k}" for k in range(6)} | {"GNSS receiver"}
    drone = filled.items.page(ItemFilter(tag="airframe"))[0]
    children = filled.items.page(ItemFilter(parent_id=drone.id))
    assert {i.name for i in children} == {"rotor motor 1", "rotor motor 3", "rotor motor 5"}
    assert filled.items.search("rotor", kinds=["component"], tag="motor", order_by=INSERTION)
    with pytest.raises(ValueError, match="cannot sort by"):
        filled.items.page(ItemFilter(order_by="note; DROP TABLE items"))
