"""The GUI follows committed record changes: each view reloads for the records it shows.

A write from a job's own connection (another thread) reaches the window as one
`records_changed`; the catalogue reloads for items, not for a manufacturer added elsewhere;
closing the case stops listening.
"""

from __future__ import annotations

import threading
from pathlib import Path

from forensics.case import Case
from forensics.provenance.manufacturers import add_manufacturer


def _open(make_window, tmp_path: Path):
    root = tmp_path / "case"
    Case.create(root, title="events", examiner="E").close()
    window = make_window()
    assert window.open_case(root)
    return window, root


def _rows(window) -> list[str]:
    model = window.catalogue.model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_a_jobs_write_reaches_the_catalogue(qtbot, make_window, tmp_path: Path) -> None:
    window, root = _open(make_window, tmp_path)
    assert _rows(window) == []

    def job() -> None:  # a background job writes through its own connection
        with Case.open(root) as case:
            case.add_item(kind="hardware", name="Gerbera drone")

    with qtbot.waitSignal(window.signals.records_changed, timeout=5000) as heard:
        worker = threading.Thread(target=job)
        worker.start()
        worker.join()
    assert heard.args[0].touches("item")
    assert _rows(window) == ["Gerbera drone"]


def test_the_catalogue_does_not_reload_for_other_records(
    qtbot, make_window, tmp_path: Path
) -> None:
    window, _root = _open(make_window, tmp_path)
    case = window.current_case()
    resets: list[int] = []
    window.catalogue.model.modelReset.connect(lambda: resets.append(1))
    with qtbot.waitSignal(window.signals.records_changed) as heard:
        add_manufacturer(case, name="SZ DJI Technology")
    assert heard.args[0].subjects == {"manufacturer"}
    assert resets == []
    with qtbot.waitSignal(window.signals.records_changed):
        case.add_item(kind="hardware", name="camera module")
    assert resets != []
    assert _rows(window) == ["camera module"]


def test_closing_the_case_stops_listening(make_window, tmp_path: Path) -> None:
    window, _root = _open(make_window, tmp_path)
    bus = window.current_case().changes
    assert bus.listening == 1
    window.close_case()
    assert bus.listening == 0
