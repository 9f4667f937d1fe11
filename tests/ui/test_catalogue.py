"""The catalogue and the case tree: paging models, search as you type, filters, selection."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt

from forensics.case import Case
from forensics.store.item_tree import ItemTreeReader
from tests.ui.helpers import populate
from ui.case_tree_model import CaseTreeModel
from ui.catalogue_model import COLUMNS, PAGE, CatalogueModel


def _many(case: Case, n: int) -> None:
    for k in range(n):
        case.add_item(kind="hardware", name=f"rotor blade {k:04d}", note="spare part")


def test_catalogue_model_pages_sorts_and_searches(qtmodeltester, case: Case) -> None:
    _many(case, PAGE + 30)
    case.add_item(kind="component", name="GNSS receiver", marking="NEO-M8N")
    model = CatalogueModel()
    model.set_reader(case.items)
    assert model.rowCount() == PAGE
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == PAGE + 31
    qtmodeltester.check(model)
    assert not model.canFetchMore()
    assert model.total() == PAGE + 31
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 0).data() == f"rotor blade {PAGE + 29:04d}"
    added = [c.header for c in COLUMNS].index("Added (UTC)")
    model.sort(added, Qt.SortOrder.DescendingOrder)  # newest first
    assert model.index(0, 0).data() == "GNSS receiver"
    model.set_text("neo")  # a prefix of a word in the marking
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == "GNSS receiver"
    qtmodeltester.check(model)


def test_tree_model_shows_the_hierarchy_lazily(qtmodeltester, case: Case, corpus: Path) -> None:
    ids = populate(case, corpus)
    model = CaseTreeModel()
    model.set_reader(ItemTreeReader(case.db))
    assert model.rowCount() == 0  # nothing read until the view asks
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 1
    drone = model.index(0, 0)
    assert drone.data() == "Gerbera drone"
    assert model.hasChildren(drone)
    model.fetchMore(drone)
    names = [model.index(r, 0, drone).data() for r in range(model.rowCount(drone))]
    # physical items first, then files, each by name
    assert names == [
        "Viewpro A40 camera",
        "counter.mp4",
        "gps_control_eiffel.jpg",
        "gps_control_rio_sw.jpg",
    ]
    found = model.index_of(ids["counter.mp4"])
    assert found.parent() == drone
    qtmodeltester.check(model)


def test_search_filters_and_selection_drive_the_panels(
    make_window, qtbot, case: Case, corpus: Path
) -> None:
    ids = populate(case, corpus)
    window = make_window()
    window.open_case(case.root)
    table = window.catalogue.table
    assert table.model().rowCount() == 5
    qtbot.keyClicks(window.catalogue.search, "eiff")
    assert table.model().rowCount() == 1
    assert table.model().index(0, 0).data() == "gps_control_eiffel.jpg"
    qtbot.waitUntil(lambda: window.catalogue.count_label.text() == "1 item")
    window.catalogue.search.clear()
    assert table.model().rowCount() == 5
    window.catalogue.kind_filter.setCurrentIndex(window.catalogue.kind_filter.findData("component"))
    assert table.model().rowCount() == 1
    window.catalogue.kind_filter.setCurrentIndex(0)
    window.catalogue.tag_filter.ensure_loaded()
    window.catalogue.tag_filter.setCurrentIndex(window.catalogue.tag_filter.findData("recovered"))
    assert table.model().rowCount() == 1
    window.catalogue.tag_filter.ensure_loaded()
    window.catalogue.tag_filter.setCurrentIndex(0)

    with qtbot.waitSignal(window.signals.item_selected) as blocker:
        table.selectRow(window.catalogue.model.row_of(ids["camera"]))
    assert blocker.args == [ids["camera"]]
    text = window.detail.text()
    assert "Viewpro A40 camera" in text
    assert "VIEWPRO A40 TIR" in text
    assert "Inside: Gerbera drone" in text
    assert "item added" in text  # the custody log of the item
    # the tree follows the catalogue
    assert window.tree.selected_item_id() == ids["camera"]
    # and the catalogue follows the tree
    window.tree.select(ids["counter.mp4"])
    assert window.catalogue.selected_item_id() == ids["counter.mp4"]
    detail = window.detail.text()
    assert "79,147 bytes" in detail
    assert "SHA-256" in detail


def test_catalogue_and_pwb_items_find_the_same_items(make_window, qtbot, case: Case) -> None:
    """One item query behind both: the catalogue's search box and kind filter list the items
    `pwb items --search --kind` prints, in the same order."""
    import json
    import subprocess

    from tests.conftest import pwb_executable

    for k in range(12):
        case.add_item(kind="hardware", name=f"rotor blade {k:02d}", note="spare part")
        case.add_item(kind="component", name=f"rotor motor {k:02d}", marking=f"MT-{k}")
    case.add_item(kind="component", name="GNSS receiver", note="rotor mount nearby")
    root = case.root
    case.close()
    window = make_window()
    window.open_case(root)
    catalogue = window.catalogue
    qtbot.keyClicks(catalogue.search, "rot")
    catalogue.kind_filter.setCurrentIndex(catalogue.kind_filter.findData("component"))
    model = catalogue.model
    while model.canFetchMore():
        model.fetchMore()
    shown = [model.index(r, 0).data() for r in range(model.rowCount())]
    done = subprocess.run(
        [pwb_executable(), "items", str(root), "--search", "rot", "--kind", "component", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    printed = [i["name"] for i in json.loads(done.stdout)["items"]]
    assert len(printed) == 13  # the 12 motors and the receiver (by its note)
    assert shown == printed


def test_the_count_says_more_than_where_counting_stopped(
    make_window, qtbot, case: Case, corpus: Path
) -> None:
    """Where counting stops (a server case stops at 1,000; here at 2) the status line says
    "more than", with a tooltip saying why; a narrower search gets its exact count back."""
    populate(case, corpus)
    window = make_window()
    window.catalogue.count_limit = 2
    window.open_case(case.root)
    label = window.catalogue.count_label
    qtbot.waitUntil(lambda: label.text() == "more than 2 items")
    assert "server" in label.toolTip()
    qtbot.keyClicks(window.catalogue.search, "eiff")
    qtbot.waitUntil(lambda: label.text() == "1 item")
    assert label.toolTip() == ""
