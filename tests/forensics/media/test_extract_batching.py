"""Batched extraction: many files per worker round trip, and one bad file in a batch (a hang,
a crash) costs only that file; cancel and early exit leave the worker clean; the custody
state built in memory is the one `pwb verify` reads back."""

from __future__ import annotations

import importlib.util
import os
import random
import signal
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from forensics.intake.ingest import ingest_paths
from forensics.jobs import CancelToken
from forensics.media.exif_reader import read_exif
from forensics.media.extract import extract_items
from forensics.media.extractors import REGISTRY, ExifExtractor, Output, Source
from forensics.media.records import MetadataRecord, Position, PositionSource
from forensics.media.worker import CHUNK, ProcessRunner
from forensics.store.custody import record_digest
from forensics.store.media import MediaRepository
from forensics.verify import verify_case


class SabotagedExif:
    """The real EXIF extractor, except that it hangs on "hang*" files and kills its process
    (as a segfault in a native decoder would) on "crash*" files."""

    name = "exif"
    version = ExifExtractor.version

    def applies(self, mime: str, name: str) -> bool:
        return ExifExtractor().applies(mime, name)

    def run(self, source: Source) -> Output:
        if source.name.startswith("hang"):
            time.sleep(3600)
        if source.name.startswith("crash"):
            os.kill(os.getpid(), signal.SIGSEGV)
        return ExifExtractor().run(source)


SABOTAGED = {**REGISTRY, "exif": SabotagedExif()}
NAMES = ["a.jpg", "hang.jpg", "b.jpg", "crash.jpg", "c.jpg"]


def _folder(tmp_path: Path, corpus: Path, names: list[str]) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    src = corpus / "synthetic" / "gps_control_eiffel.jpg"
    for n, name in enumerate(names):  # distinct content so each is its own item
        (folder / name).write_bytes(src.read_bytes() + n.to_bytes(4, "big"))
    return folder


def test_a_hang_and_a_crash_in_one_batch_cost_only_those_files(
    case: Any, corpus: Path, tmp_path: Path
) -> None:
    report = ingest_paths(case, [str(_folder(tmp_path, corpus, NAMES))])
    ids = {o.item.name: o.item.id for o in report.outcomes if o.item is not None}
    with ProcessRunner(timeout=3.0, registry=SABOTAGED) as runner:
        results = extract_items(case, [ids[n] for n in NAMES], extractors=["exif"], runner=runner)
    by_name = {n: r.records[0] for n, r in zip(NAMES, results, strict=True)}
    for good in ("a.jpg", "b.jpg", "c.jpg"):
        assert by_name[good].status == "ok"
        assert by_name[good].facts["gps"]["latitude"] == pytest.approx(48.8583, abs=1e-3)
    assert by_name["hang.jpg"].status == "timeout"
    assert "hang.jpg" in by_name["hang.jpg"].errors[0]
    assert "took longer than 3 s" in by_name["hang.jpg"].errors[0]
    assert by_name["crash.jpg"].status == "failed"
    assert "crashed the extraction worker on crash.jpg" in by_name["crash.jpg"].errors[0]
    assert str(-signal.SIGSEGV) in by_name["crash.jpg"].errors[0]
    repo = MediaRepository(case.db)
    assert len(repo.positions()) == 3
    extracted = [e for e in case.custody.entries() if e.action == "extracted"]
    assert len(extracted) == len(NAMES)
    assert verify_case(case, record_result=False).findings == []


def test_answers_stream_in_order_across_chunks_and_restarts(corpus: Path, tmp_path: Path) -> None:
    names = [f"f{i:03d}.jpg" for i in range(CHUNK * 2 + 5)]
    names[CHUNK + 3] = "crash1.jpg"  # in the second chunk: the rest must be sent again
    names[-2] = "crash2.jpg"
    folder = _folder(tmp_path, corpus, names)
    tasks = [
        ("exif", Source(str(folder / n), "image/jpeg", n, (folder / n).stat().st_size))
        for n in names
    ]
    with ProcessRunner(timeout=30.0, registry=SABOTAGED) as runner:
        answers = list(runner.run_many(tasks))
        assert [i for i, _ in answers] == list(range(len(names)))
        failed = {names[i] for i, out in answers if out.status == "failed"}
        assert failed == {"crash1.jpg", "crash2.jpg"}
        assert all(out.facts.get("gps") for i, out in answers if names[i] not in failed)
        assert runner.run("exif", tasks[0][1]).status == "ok", "the worker was restarted"


def test_leaving_early_kills_a_busy_worker_so_no_answer_leaks(corpus: Path, tmp_path: Path) -> None:
    names = [f"f{i:02d}.jpg" for i in range(20)]
    folder = _folder(tmp_path, corpus, names)
    tasks = [("exif", Source(str(folder / n), "image/jpeg", n, 0)) for n in names]
    other = ("exif", Source(str(corpus / "synthetic/gps_control_rio_sw.jpg"), "image/jpeg", "r", 0))
    with ProcessRunner() as runner:
        answers = runner.run_many(tasks)
        next(answers)
        answers.close()  # 19 answers pending in the worker
        (index, out), *rest = list(runner.run_many([other]))
        assert (index, rest) == (0, [])
        assert out.facts["gps"]["latitude"] < 0, "the answer is for rio, not a stale eiffel one"


def test_cancel_mid_batch_keeps_what_was_stored(case: Any, corpus: Path, tmp_path: Path) -> None:
    names = [f"f{i:02d}.jpg" for i in range(12)]
    report = ingest_paths(case, [str(_folder(tmp_path, corpus, names))])
    ids = [o.item.id for o in report.outcomes if o.item is not None]
    token = CancelToken()

    def progress(done: int, total: int, message: str) -> None:
        if done == 3:
            token.cancel()

    with ProcessRunner() as runner:
        results = extract_items(
            case, ids, extractors=["exif"], runner=runner, cancel=token, progress=progress
        )
        assert len(results) == 3
        assert [r.records[0].status for r in results] == ["ok"] * 3
        rest = extract_items(case, ids[3:], extractors=["exif"], runner=runner)
    assert len(rest) == 9
    assert verify_case(case, record_result=False).findings == []


def test_unknown_extractor_is_refused_before_any_work(case: Any) -> None:
    with pytest.raises(ValueError, match="unknown extractor"):
        extract_items(case, ["no-such-item"], extractors=["exiff"])


def test_state_built_in_memory_is_what_verify_reads_back(case: Any) -> None:
    item = case.add_item(kind="hardware", name="holder")
    repo = MediaRepository(case.db)
    for alt in (35, 12.5):  # an int altitude reads back from SQLite as a float
        record = MetadataRecord(
            id=str(uuid.uuid4()),
            item_id=item.id,
            extractor="exif",
            extractor_version="1",
            source_sha256="0" * 64,
            status="ok",
            facts={"gps": {"latitude": 1.5, "altitude": alt}, "list": (1, 2)},
            warnings=("w",),
            created_at="2026-01-01T00:00:00.000000Z",
            created_by="tester",
        )
        position = Position(
            str(uuid.uuid4()), item.id, 1, 2.5, alt, PositionSource.EXIF, None, direction=90
        )
        with case.transaction():
            stored, state = repo.save_with_state(record, [position], [])
        read_back = repo.record_state(stored.id)
        assert read_back is not None
        assert record_digest(state) == record_digest(read_back)
        assert isinstance(state["positions"][0]["alt"], float)


def test_the_bench_generator_makes_jpegs_with_what_it_claims(tmp_path: Path) -> None:
    path = Path(__file__).resolve().parents[3] / "bench" / "exif.py"
    spec = importlib.util.spec_from_file_location("bench_exif", path)
    assert spec is not None
    assert spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rng = random.Random(1)
    found = []
    for i in range(12):
        jpeg = tmp_path / f"{i}.jpg"
        bench.make_jpeg(jpeg, rng)
        found.append(read_exif(jpeg.read_bytes()))
    assert all(r.camera.get("make") and r.capture.get("iso") for r in found)
    assert all(not r.warnings and not r.errors for r in found)
    assert any(r.gps.latitude is not None for r in found)
    assert any((r.capture.get("zone") or "").startswith("UTC") for r in found)
