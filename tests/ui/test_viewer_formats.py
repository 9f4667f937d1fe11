"""The media viewer shows HEIC and JPEG XL stills, and names a camera raw it cannot show."""

from __future__ import annotations

from pathlib import Path

from forensics.case import Case
from forensics.intake.ingest import IngestOptions, ingest_paths
from forensics.media.still_reader import read_still

HEIC = "exif-samples/heic/spring_1440x960.heic"
JXL = "exif-samples/jxl/test_0001.jxl"


def test_viewer_shows_heic_and_jxl_at_their_decoded_size(
    qtbot, make_window, case: Case, corpus: Path
) -> None:
    report = ingest_paths(case, [corpus / HEIC, corpus / JXL], IngestOptions(post_ingest=()))
    ids = {item.name: item.id for item in report.items}
    window = make_window()
    window.open_case(case.root)
    viewer = window.viewer
    for rel in (HEIC, JXL):
        name = Path(rel).name
        with qtbot.waitSignal(viewer.frame_shown, timeout=10000) as shown:
            window.signals.item_selected.emit(ids[name])
        still = read_still(corpus / rel)
        assert shown.args == [ids[name], -1, still.pixel_sha256], name
        pixmap = viewer.view.pixmap_item.pixmap()
        assert (pixmap.width(), pixmap.height()) == (still.width, still.height)
    assert (still.width, still.height) == (1280, 1024)
    qtbot.waitUntil(lambda: not viewer.is_busy(), timeout=20000)
