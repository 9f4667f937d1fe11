"""Deleted, recovered and carved files as a user sees them in the real window: the tree's
icon and name, the catalogue's State column and filter, and the details panel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon

from forensics.case import Case
from forensics.intake.ingest import IngestOptions, ingest_paths
from tests.forensics.carving import card_with_hidden_files
from ui.catalogue_model import COLUMNS

GONE = b"erased minutes " * 300


def _pixels(icon: object) -> bytes:
    assert isinstance(icon, QIcon)
    image = icon.pixmap(32, 32).toImage()
    return bytes(image.constBits())


def test_tree_catalogue_and_details_tell_deleted_carved_and_live_apart(
    make_window, qtbot, qtmodeltester, case: Case, tmp_path: Path, corpus: Path
) -> None:
    image, written = card_with_hidden_files(tmp_path, corpus, deleted={"GONE.BIN": GONE})
    report = ingest_paths(case, [image], IngestOptions(carve=True))
    (live,) = [i for i in report.items if i.name == "live.txt"]
    (gone,) = [i for i in report.items if i.fs_deleted]  # FAT overwrote its first letter
    carved = [i for i in report.items if i.attributes.get("carving")]
    assert len(carved) == len(written)

    window = make_window()
    window.open_case(case.root)

    # the tree: a badge on the icon and the state in words
    tree = window.tree.model
    live_at, gone_at, carved_at = (tree.index_of(i.id) for i in (live, gone, carved[0]))
    assert gone_at.data() == f"{gone.name} (deleted)"
    assert carved_at.data() == f"{carved[0].name} (carved)"
    assert carved_at.parent().data() == "Carved (carved)"
    assert live_at.data() == "live.txt"
    icons = {
        name: _pixels(index.data(Qt.ItemDataRole.DecorationRole))
        for name, index in (("live", live_at), ("deleted", gone_at), ("carved", carved_at))
    }
    assert len(set(icons.values())) == 3  # three different pictures

    # the catalogue: a State column, and a filter by state
    panel = window.catalogue
    model = panel.model
    state_column = [c.header for c in COLUMNS].index("State")

    def shown() -> dict[str, str]:
        return {
            model.index(r, 0).data(): model.index(r, state_column).data()
            for r in range(model.rowCount())
        }

    everything = shown()
    assert everything[f"{gone.name} (deleted)"] == "Deleted"
    assert everything["live.txt"] == "Live"
    assert everything[f"{carved[0].name} (carved)"] == "Carved"
    panel.state_filter.setCurrentIndex(panel.state_filter.findData("deleted"))
    assert shown() == {f"{gone.name} (deleted)": "Deleted"}
    panel.state_filter.setCurrentIndex(panel.state_filter.findData("carved"))
    assert sorted(shown()) == sorted([f"{i.name} (carved)" for i in carved] + ["Carved (carved)"])
    panel.state_filter.setCurrentIndex(panel.state_filter.findData("live"))
    assert f"{gone.name} (deleted)" not in shown()
    assert "live.txt" in shown()
    qtmodeltester.check(model)
    panel.state_filter.setCurrentIndex(panel.state_filter.findData("deleted"))

    # the details of the selected deleted file, then of a carved one
    with qtbot.waitSignal(window.signals.item_selected):
        panel.table.selectRow(0)
    text = window.detail.text()
    assert "deleted: its name is still in its folder" in text
    assert "\nState\nDeleted\n" in text
    panel.state_filter.setCurrentIndex(panel.state_filter.findData("carved"))
    window.tree.select(carved[0].id)
    text = window.detail.text()
    assert "Carved by" in text
    assert str(carved[0].attributes["carving"]["offset"]) in text
