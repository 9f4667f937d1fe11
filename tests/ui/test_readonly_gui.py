"""The real window on a case on read-only media: a banner, editing off, verify still runs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel

from forensics.case import Case
from forensics.intake.ingest import IngestOptions, ingest_paths
from tests.readonly_mount import read_only_view
from ui.actions import WRITES_CASE
from ui.verify_dialog import VerifyDialog


def _case(root: Path, photo: Path) -> Path:
    with Case.create(root, title="Write-blocked card", examiner="E") as case:
        ingest_paths(case, [str(photo)], IngestOptions())
    return root


def test_a_read_only_case_opens_with_a_banner_and_editing_off(
    make_window, qtbot, tmp_path: Path, corpus: Path
) -> None:
    photo = corpus / "synthetic/gps_control_eiffel.jpg"
    source = _case(tmp_path / "case", photo)
    writable = _case(tmp_path / "other", photo)
    window = make_window()
    with read_only_view(source, tmp_path / "blocked") as root:
        assert window.open_case(root)
        case = window.current_case()
        assert case is not None
        assert case.readonly
        banner = window.findChild(QLabel, "readonly_banner")
        assert banner is not None
        qtbot.waitUntil(banner.isVisible)
        assert "Read-only case" in banner.text()
        assert str(root) in banner.text()
        assert "[read-only]" in window.windowTitle()
        actions = window.actions_.actions
        assert not actions["add_evidence"].isEnabled()
        assert not actions["add_hardware"].isEnabled()
        assert actions["verify"].isEnabled()
        writes = [a for a in window.findChildren(QAction) if a.property(WRITES_CASE)]
        assert len(writes) >= 10  # the window's own, annotation, geo and exchange edits
        assert not any(a.isEnabled() for a in writes)
        # Verifying from the window works on it, and says it was not logged.
        entries = len(case.custody.entries())
        dialog = VerifyDialog(window.runner, root, window)  # what Case > Verify shows
        dialog.start()
        qtbot.waitUntil(lambda: dialog.report is not None, timeout=60000)
        assert dialog.report.ok
        assert "not logged" in dialog.banner.text()
        assert len(case.custody.entries()) == entries
        dialog.close()
        window.close_case()
    assert not banner.isVisible()
    assert window.open_case(writable)
    assert not banner.isVisible()
    assert actions["add_evidence"].isEnabled()
    assert "[read-only]" not in window.windowTitle()
