"""The one item query: the full-text index walk (insertion order) and the general form
(sorted by a column) select the same items, and every filter narrows both alike."""

from __future__ import annotations

from dataclasses import replace

import pytest

from forensics.case import Case
from forensics.store import items as items_module
from forensics.store.item_query import COUNT_LIMIT, INSERTION, ItemFilter, MatchCount


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


@pytest.mark.parametrize("text", ["rotor", "rot", "motor 4", "blade", "gnss rotor", "none"])
@pytest.mark.parametrize("size", [1, 2, 3, 5, 100])
@pytest.mark.parametrize("window", [1, 200])
def test_pages_join_up_to_the_whole_list(
    filled: Case, text: str, size: int, window: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Page by page, whichever plan each page takes (a server case walks a window of the
    insertion order, then cuts the page from the sorted matches when it did not fill there):
    the pages, end to end, are the whole list, in order, both ways."""
    monkeypatch.setattr(items_module, "WALK_WINDOW", window)  # 1: a window shorter than the case
    for descending in (False, True):
        f = ItemFilter(text=text, descending=descending)
        whole = [i.id for i in filled.items.page(f)]
        paged: list[str] = []
        for offset in range(0, len(whole) + size, size):
            paged += [i.id for i in filled.items.page(f, size, offset)]
        assert paged == whole
        assert filled.items.count_up_to(f, None).count == len(whole)


def test_counting_stops_at_the_limit(filled: Case) -> None:
    """A count up to a limit says "more than" past it, exactly below it, with or without
    other filters."""
    rotor = ItemFilter(text="rotor")
    assert filled.items.count_matching(rotor) == 8
    assert filled.items.count_up_to(rotor, 8) == MatchCount(8, exact=True)
    assert filled.items.count_up_to(rotor, 7) == MatchCount(7, exact=False)
    assert str(filled.items.count_up_to(rotor, 3)) == "more than 3"
    motors = ItemFilter(text="rotor", kinds=("component",))
    assert filled.items.count_up_to(motors, 7) == MatchCount(7, exact=True)
    assert filled.items.count_up_to(motors, 6).exact is False
    assert filled.items.count_up_to(ItemFilter(), 100) == MatchCount(9)
    assert filled.items.count_up_to(ItemFilter(), 2).to_json() == {"count": 2, "exact": False}


def test_a_server_case_stops_counting_for_people(case: Case, engine: str) -> None:
    """The catalogue and `pwb items` count up to `count_limit`: everything on a folder case,
    1,000 on a server (counting every match of a common prefix among a million items would
    cost each keystroke 100 ms or more)."""
    assert case.items.count_limit == (COUNT_LIMIT if engine == "postgresql" else None)
