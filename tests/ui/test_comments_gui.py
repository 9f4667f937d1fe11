"""Review comments in the window the app builds: the Comments box of the item's details, of
the annotation details and of the hypotheses list lists the thread (author, time, text) and
adds a comment or a reply through the core; an over-long one is refused in words."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from app.demo.context import stable_id
from app.demo.geo_step import HYPOTHESIS_KEY
from forensics.case import Case
from forensics.comments import comments, resolve
from forensics.provenance.models import Component
from forensics.records.comments import MAX_TEXT
from forensics.store.annotations import AnnotationRepository
from forensics.store.provenance import ProvenanceRepository
from tests.app.cli_process import pwb
from tests.ui.helpers import show_dock
from ui.comments.box import CommentsBox
from ui.context import WorkbenchSignals
from ui.detail_panel import DetailPanel


def _say(qtbot, box: CommentsBox, text: str, *, reply: bool = False) -> None:
    box.edit.setPlainText(text)
    button = box.reply_button if reply else box.add_button
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_comment_on_an_item_an_annotation_and_a_hypothesis(
    qtbot, make_window, demo_case: Path, monkeypatch
) -> None:
    window = make_window()
    assert window.open_case(demo_case)
    case = window.current_case()
    drone = resolve(case, "Gerbera drone (downed)")
    details = window.findChild(DetailPanel, "detail_panel")
    box = details.comments
    window.signals.item_selected.emit(drone.id)
    assert box.target is not None
    assert box.target.id == drone.id
    assert box.texts() == []
    assert box.empty.isVisible()

    _say(qtbot, box, "Was the serial plate photographed?")
    assert len(box.texts()) == 1
    assert box.texts()[0].startswith("Test Examiner · ")
    assert box.texts()[0].endswith("Was the serial plate photographed?")
    box.list.setCurrentRow(0)
    _say(qtbot, box, "Yes: IMG_0042", reply=True)
    assert box.texts()[1].split("\n")[1].strip() == "↳ Yes: IMG_0042"
    assert box.title() == "Comments (2)"
    assert box.edit.toPlainText() == ""

    warned: list[str] = []
    monkeypatch.setattr(
        "ui.comments.box.QMessageBox.warning", lambda _p, title, text: warned.append(text)
    )
    box.edit.setPlainText("x" * (MAX_TEXT + 1))
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    assert warned
    assert f"at most {MAX_TEXT} characters" in warned[0]
    assert len(box.texts()) == 2

    # The annotation details: the thread on the annotation selected in the viewer.
    ann = next(a for a in AnnotationRepository(case.db).search() if a.frame_index >= 0)
    contribution = show_dock(window, "Annotations").widget().contribution
    with qtbot.waitSignal(window.viewer.frame_shown, timeout=20000):
        window.signals.frame_requested.emit(ann.item_id, ann.frame_index)

    def selected() -> bool:
        contribution.controller.select(ann.id)
        return contribution.controller.selected_id() == ann.id

    qtbot.waitUntil(selected, timeout=20000)
    ann_box = contribution.details.comments
    assert ann_box.target is not None
    assert ann_box.target.id == ann.id
    assert ann_box.target.label.startswith(f"annotation '{ann.label}' on ")
    _say(qtbot, ann_box, "The lantern box is loose")
    assert ann_box.texts()[0].endswith("The lantern box is loose")

    # The hypotheses list: the thread on the selected hypothesis.
    show_dock(window, "Map")
    geo = show_dock(window, "Hypotheses").widget().contribution
    geo.panel.reload()
    hypothesis = stable_id(HYPOTHESIS_KEY)
    geo.panel.view.selectRow(geo.panel.model.row_of(hypothesis))
    hyp_box = geo.panel.comments
    assert hyp_box.target is not None
    assert hyp_box.target.id == hypothesis
    _say(qtbot, hyp_box, "Shadow check done?")
    assert hyp_box.texts()[0].endswith("Shadow check done?")

    # The component editor: the thread on the component shown.
    component = next(
        c for c in ProvenanceRepository(case.db).all(Component) if case.items.find(c.id)
    )
    prov = show_dock(window, "Provenance graph").widget()._contribution
    show_dock(window, "Component")
    window.signals.item_selected.emit(component.id)
    prov._component_refresh.run_now()
    comp_box = prov.component_comments
    assert comp_box.target is not None
    assert comp_box.target.id == component.id
    assert comp_box.target.label.startswith("component ")
    _say(qtbot, comp_box, "Marking read twice?")
    assert comp_box.texts()[0].endswith("Marking read twice?")
    assert box.target.kind.value == "component"  # the item details show the same thread
    assert details.comments.texts()[0].endswith("Marking read twice?")

    stored = {(c.target_type, c.text) for c in comments(case)}
    assert stored == {
        ("item", "Was the serial plate photographed?"),
        ("comment", "Yes: IMG_0042"),
        ("annotation", "The lantern box is loose"),
        ("geo_hypothesis", "Shadow check done?"),
        ("component", "Marking read twice?"),
    }
    window.close_case()
    verified = pwb("verify", demo_case)
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_the_box_is_off_on_a_read_only_case(qtbot, demo_case: Path) -> None:
    """Read-only (read-only media, a read-only open): the thread shows, nothing can be added."""
    with Case.open(demo_case, readonly=True) as case:
        assert not case.may_comment
        box = CommentsBox(WorkbenchSignals(), lambda: case)
        qtbot.addWidget(box)
        box.show_for(resolve(case, "Gerbera drone (downed)").id)
        box.edit.setPlainText("refused")
        assert box.target is not None
        assert not box.edit.isEnabled()
        assert not box.add_button.isEnabled()
        assert "read-only" in box.edit.placeholderText()
