"""The fast path changes nothing in the records: one read and one decode shared by the
extractors of a file, workers on every core, batched commits and extraction alongside the
copying give the outputs and records of running each extractor alone, file by file, on the
corpus's real images and on the malformed ones from make_bad.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from forensics.case import Case
from forensics.intake.ingest import IngestOptions, ingest_paths
from forensics.intake.sniff import sniff
from forensics.media import shared_read
from forensics.media.extract import PostIngestExtraction, extract_metadata
from forensics.media.extractors import Output, Source, applicable
from forensics.media.records import MetadataRecord
from forensics.media.worker import ProcessRunner, run_inline
from forensics.store.media import MediaRepository

_IMAGE_EXTRACTORS = ("exif", "image", "thumbnail")


def _images(*folders: Path, limit: int = 3_000_000) -> list[tuple[Path, str]]:
    """Every file under the folders that sniffs as an image, with its type."""
    found = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.is_symlink() or path.stat().st_size > limit:
                continue
            with open(path, "rb") as fh:
                head = fh.read(4096)
            mime = sniff(head, path.stat().st_size)
            if mime.startswith("image/"):
                found.append((path, mime))
    return found


def _tasks(path: Path, mime: str) -> list[tuple[str, Source]]:
    source = Source(str(path), mime, path.name, path.stat().st_size)
    names = [e.name for e in applicable(mime, path.name) if e.name in _IMAGE_EXTRACTORS]
    return [(n, source) for n in names]


def _alone(tasks: list[tuple[str, Source]]) -> list[Output]:
    """Each extractor on its own: its own read, its own decode."""
    assert not shared_read._enabled
    shared_read.forget()
    return [run_inline(n, s) for n, s in tasks]


def test_a_shared_read_and_decode_give_each_extractor_its_output_alone(
    corpus: Path, bad_files: Path
) -> None:
    images = _images(corpus / "exif-samples", corpus / "synthetic", bad_files)
    assert len(images) > 100
    alone = {path: _alone(_tasks(path, mime)) for path, mime in images}
    reused = 0
    shared_read.enable()
    try:
        for path, mime in images:
            tasks = _tasks(path, mime)
            outputs = []
            for name, source in tasks:
                if name == "thumbnail" and shared_read.decoded(source.path) is not None:
                    reused += 1
                outputs.append(run_inline(name, source))
            assert outputs == alone[path], f"{path.name}: the shared path differs"
            shared_read.forget()
    finally:
        shared_read.forget()
        shared_read._enabled = False
    assert reused > 50, "the thumbnail reused the integrity check's decode"


def test_workers_on_every_core_answer_what_one_file_at_a_time_gives(
    corpus: Path, bad_files: Path
) -> None:
    images = _images(corpus / "exif-samples" / "jpg", bad_files, limit=400_000)
    tasks = [t for path, mime in images for t in _tasks(path, mime)]
    expected = _alone(tasks)
    with ProcessRunner(workers=2) as runner:
        answers = list(runner.run_many(tasks))
        assert len(runner.pids) == 2, "a long stream starts a second worker"
    assert [i for i, _ in answers] == list(range(len(tasks)))
    for (name, source), (_i, output), alone in zip(tasks, answers, expected, strict=True):
        assert output == alone, f"{source.name} {name}: the worker's output differs"


def _records(case: Any) -> dict[tuple[str, str], tuple[Any, ...]]:
    repo = MediaRepository(case.db)
    out = {}
    for item in (case.items.get(i) for i in case.items.all_ids()):
        records: list[MetadataRecord] = repo.records(item.id)
        positions = sorted((p.lat, p.lon, p.alt, p.source) for p in repo.positions(item.id))
        for r in records:
            key = (item.source_path, r.extractor)
            out[key] = (
                r.status,
                r.facts,
                r.warnings,
                r.errors,
                r.extractor_version,
                r.source_sha256,
                positions,
            )
    return out


def test_a_streamed_ingest_stores_the_records_of_extracting_file_by_file(
    tmp_path: Path, corpus: Path, bad_files: Path
) -> None:
    inputs = [corpus / "exif-samples" / "jpg" / "gps", corpus / "synthetic", bad_files]
    streamed = Case.create(tmp_path / "streamed", title="streamed")
    one_by_one = Case.create(tmp_path / "one", title="one by one")
    step = PostIngestExtraction()
    try:
        report = ingest_paths(streamed, inputs, IngestOptions(post_ingest=(step,)))
    finally:
        step.close()
    plain = ingest_paths(one_by_one, inputs, IngestOptions(post_ingest=()))
    expected_warnings = {}
    with ProcessRunner(workers=1) as runner:
        for outcome in plain.outcomes:
            if outcome.status == "ingested" and outcome.item is not None:
                result = extract_metadata(one_by_one, outcome.item.id, runner=runner)
                expected_warnings[outcome.path] = outcome.warnings + tuple(
                    f"metadata: {m}" for m in result.errors + result.warnings
                )
    try:
        got, want = _records(streamed), _records(one_by_one)
        assert len(want) > 60
        assert got.keys() == want.keys()
        for key, value in want.items():
            assert got[key] == value, f"{key}: the streamed record differs"
        warnings = {o.path: o.warnings for o in report.outcomes if o.status == "ingested"}
        assert warnings == expected_warnings
        assert [o.status for o in report.outcomes] == [o.status for o in plain.outcomes]
    finally:
        streamed.close()
        one_by_one.close()
