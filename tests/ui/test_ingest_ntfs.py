"""An NTFS image through the ingest dialog: its streams and its deleted file in the case tree."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from forensics.case import Case
from forensics.store.item_tree import ItemTreeReader
from tests.forensics.imaging_ntfs import make_ntfs_image
from ui.case_tree_model import ITEM_ID_ROLE, CaseTreeModel
from ui.ingest_dialog import IngestDialog
from ui.jobs import JobRunner
from ui.jobs_panel import JobsPanel

HIDDEN = b"stash of coordinates\n" * 400


def test_streams_show_under_their_file(
    qtbot, qtmodeltester, case: Case, tmp_path: Path, corpus: Path
) -> None:
    photo = (corpus / "synthetic" / "gps_control_eiffel.jpg").read_bytes()
    image = make_ntfs_image(
        tmp_path / "card.img",
        {"/DCIM/x.jpg": photo},
        {"/DCIM/x.jpg": {"hidden": HIDDEN}},
        {"gone.bin": b"erased " * 1000},
        size_kib=4096,
    )
    runner = JobRunner()
    panel = JobsPanel(runner)
    qtbot.addWidget(panel)
    dialog = IngestDialog(runner, case.root)
    qtbot.addWidget(dialog)
    dialog.add_paths([image])
    job = dialog.start()
    assert job is not None
    qtbot.waitUntil(lambda: not job.running(), timeout=30000)
    assert job.report is not None
    [row] = panel.rows()
    assert row.phase.text().startswith("Done. 4 ingested")  # image, photo, stream, deleted
    # Nothing was rejected, but the row lists the stream's warning and says why it matters.
    assert row.problems_dialog is None
    assert not row.problems_button.isHidden()
    assert row.problems_button.text() == f"Warnings ({len(row.job.problems)})…"
    qtbot.mouseClick(row.problems_button, Qt.MouseButton.LeftButton)
    assert row.problems_dialog is not None
    assert row.problems_dialog.windowTitle() == "Ingest: warnings (every file was ingested)"
    listed = row.problems_dialog.text.toPlainText()
    assert "card.img:/DCIM/x.jpg:hidden: warning: NTFS alternate data stream" in listed
    stream = next(i for i in job.report.items if i.name == "x.jpg:hidden")

    model = CaseTreeModel()
    model.set_reader(ItemTreeReader(case.db))
    found = model.index_of(stream.id)
    assert found.isValid()
    assert found.data() == "x.jpg:hidden"
    assert found.parent().data() == "x.jpg"
    assert found.parent().parent().data() == "DCIM"  # the image's folders are nodes
    top = found.parent().parent().parent()
    assert top.data() == "card.img"
    shown = {model.index(r, 0, top).data() for r in range(model.rowCount(top))}
    assert shown == {"DCIM", "gone.bin (recovered)"}
    assert model.index(0, 0, found.parent()).data(ITEM_ID_ROLE) == stream.id
    qtmodeltester.check(model)
    assert runner.shutdown()
