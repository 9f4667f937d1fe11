"""Full-text search on PostgreSQL (tsvector + GIN) finds the same items as FTS5, in the same
order, for one shared set of items and queries: the catalogue's search box and `pwb items
--search` answer alike on a folder case and a server case."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.store.item_query import ItemFilter
from tests.pg_server import PgServer

ITEMS = [
    # name, note, marking, serial, tags
    ("DJI_0001.JPG", None, None, None, ("seized",)),
    ("DJI_0002.MP4", "from /card/DCIM/100MEDIA", None, None, ()),
    ("Café crème.jpg", "photographed at the café", None, None, ("kitchen",)),
    ("CAFE NOTES.txt", None, None, None, ()),
    ("深圳市南山区 sign.png", "街道 标志", None, None, ()),
    ("rotor motor 3", "found near the rotor arm", "STM32F405 RGT6", "SN-0042-X", ("motor",)),
    ("Gerbera drone", "Ärmel über Straße", None, "GX-1000", ("seized", "airframe")),
    ("naïve résumé.pdf", "Ωμέγα ΚΕΦΑΛΑΙΑ", None, None, ()),
    ("arm", "rotor", None, None, ()),  # two words, each in its own column
]

QUERIES = [
    "dji",
    "DJI_0001",
    "0001",
    "0002 mp4",
    "cafe",
    "café",
    "CAFÉ crème",
    "creme",
    "深圳",
    "南山",
    "深圳市南山区",
    "街道",
    "rot",
    "rotor arm",
    "arm rotor",
    "near rotor",
    "stm32f405",
    "stm32 rgt6",
    "sn 0042",
    "sn-0042-x",
    "seized",
    "100media",
    "dcim 100media",
    "armel uber strasse",
    "ärmel über",
    "naive resume",
    "ωμέγα",
    "κεφαλαια",
    "gx 1000",
    "gx-1",
    "arm_rotor",
    "no such thing",
]


def _fill(case: Case) -> None:
    for name, note, marking, serial, tags in ITEMS:
        case.add_item(
            kind="hardware", name=name, note=note, marking=marking, serial=serial, tags=tags
        )


@pytest.fixture
def both(pg_server: PgServer, tmp_path: Path) -> Iterator[tuple[Case, Case]]:
    url = pg_server.new_database()
    folder = Case.create(tmp_path / "case", title="FTS5", examiner="E")
    server = Case.create(url, title="tsvector", examiner="E", evidence=tmp_path / "ev")
    try:
        _fill(folder)
        _fill(server)
        yield folder, server
    finally:
        folder.close()
        server.close()
        pg_server.drop_database(url)


def _names(case: Case, query: str, **kwargs: object) -> list[str]:
    return [i.name for i in case.items.page(ItemFilter(text=query, **kwargs))]  # type: ignore[arg-type]


def test_every_query_finds_the_same_items_in_the_same_order(both: tuple[Case, Case]) -> None:
    folder, server = both
    for query in QUERIES:
        assert _names(server, query) == _names(folder, query), query
        assert server.items.count(query) == folder.items.count(query), query
        by_name = _names(server, query, order_by="name", descending=True)
        assert by_name == _names(folder, query, order_by="name", descending=True), query


def test_the_shared_queries_find_what_a_user_expects(both: tuple[Case, Case]) -> None:
    """So the comparison above cannot pass by both finding nothing."""
    _, server = both
    assert _names(server, "dji") == ["DJI_0001.JPG", "DJI_0002.MP4"]
    assert _names(server, "cafe") == ["Café crème.jpg", "CAFE NOTES.txt"]
    assert _names(server, "深圳") == ["深圳市南山区 sign.png"]
    assert _names(server, "南山") == []  # one token: a run of Han characters, as FTS5
    assert _names(server, "rotor arm") == ["rotor motor 3", "arm"]
    assert _names(server, "sn-0042-x") == ["rotor motor 3"]
    assert _names(server, "ärmel über") == ["Gerbera drone"]
    assert _names(server, "κεφαλαια") == ["naïve résumé.pdf"]
    assert _names(server, "arm_rotor") == []  # a phrase never runs from one column on
    assert _names(server, "no such thing") == []
