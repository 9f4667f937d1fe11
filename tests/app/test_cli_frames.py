"""`pwb frames`: JSON output, exit codes, and Ctrl-C that stops a scan cleanly."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from app.cli import interrupt, main
from forensics.case import Case
from forensics.intake.ingest import IngestOptions, ingest_paths
from forensics.store.frames import FrameRepository


def _case_with(tmp_path: Path, clip: Path) -> tuple[Path, str]:
    root = tmp_path / "case"
    with Case.create(root, title="t", examiner="E") as case:
        item = ingest_paths(case, [str(clip)], IngestOptions()).outcomes[0].item
        assert item is not None
        return root, item.id


def test_frames_by_index_prints_one_json_document(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, item_id = _case_with(tmp_path, corpus / "video/pyscenedetect/counter.mp4")
    assert main(["frames", str(root), item_id[:8], "--index", "12", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    (frame,) = doc["frames"]
    assert (frame["frame_index"], frame["pts"]) == (12, pytest.approx(1.2))
    assert Path(frame["png_path"]).is_file()


def test_frames_scenes_fast(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, item_id = _case_with(tmp_path, corpus / "video/pyscenedetect/goldeneye-vfr-drop3.mp4")
    assert main(["frames", str(root), item_id, "--scenes", "--fast", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [f["frame_index"] for f in doc["frames"]] == [0, 60, 140]
    assert [s["start_time"] for s in doc["scenes"]] == pytest.approx([0.0, 3.754, 8.759], abs=1e-3)


def test_no_frames_is_a_recorded_partial_result(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, item_id = _case_with(tmp_path, corpus / "video/jcodec/metaedit_keyed.mp4")
    assert main(["frames", str(root), item_id, "--at", "1.5"]) == 3
    assert "no frame decodes" in capsys.readouterr().err


def test_usage_errors_exit_2(tmp_path: Path, corpus: Path) -> None:
    root, item_id = _case_with(tmp_path, corpus / "video/pyscenedetect/counter.mp4")
    assert main(["frames", str(root), item_id]) == 2
    assert main(["frames", str(root), item_id, "--index", "3", "--at", "1"]) == 2
    assert main(["frames", str(root), item_id, "--index", "30"]) == 2


def test_ctrl_c_stops_a_scan_cleanly(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, item_id = _case_with(tmp_path, corpus / "video/pyscenedetect/testvideo.mp4")

    pressed: list[int] = []

    class InterruptingBar(interrupt.ProgressBar):
        def __call__(self, done: int, total: int, message: str) -> None:
            if done >= 50 and not pressed:
                pressed.append(done)
                signal.raise_signal(signal.SIGINT)  # one Ctrl-C: cancel, not abort

    # long_work() builds the bar the scan reports to.
    monkeypatch.setattr(interrupt, "ProgressBar", InterruptingBar)
    assert main(["frames", str(root), item_id, "--scenes"]) == 130
    assert pressed
    with Case.open(root) as case:
        assert FrameRepository(case.db).runs(item_id) == []
