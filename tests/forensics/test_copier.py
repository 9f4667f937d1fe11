"""The ingest's copying process (`intake/copier.py`, `copy_ahead.py`): the same items as the
ingesting thread's own copies, the same rejections, and when the process dies, the ingest
copies the rest itself and leaves nothing behind."""

from __future__ import annotations

import os
import signal
import socket
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.intake import copy_ahead
from forensics.intake.copier import Copier, copy_one
from forensics.intake.host_files import copy_host_file, host_copy
from forensics.intake.ingest import IngestOptions, ingest_paths
from forensics.jobs import CancelToken
from forensics.store.items import ItemRepository
from forensics.verify import verify_case


def _card(root: Path, count: int) -> Path:
    folder = root / "DCIM" / "100CAMERA"
    folder.mkdir(parents=True)
    for n in range(count):  # sizes around the 4 KiB blocks written direct, and a large one
        size = (0, 1, 4095, 4096, 4097, 85_000, 1_100_000)[n % 7]
        unique = bytes([n % 256]) + n.to_bytes(4, "big") + os.urandom(size)  # empty ones alike
        (folder / f"IMG_{n:04d}.JPG").write_bytes(unique[:size])
    return folder.parent


def _stored(case: Case) -> list[tuple[str, str | None, str | None, int | None, str | None]]:
    return sorted(
        (i.name, i.sha256, i.md5, i.size, i.mime) for i in case.items.search(kinds=["file"])
    )


def test_the_copier_stores_what_the_ingesting_thread_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = _card(tmp_path, 60)
    with Case.create(tmp_path / "one", title="copier") as one:
        report = ingest_paths(one, [card], IngestOptions())
        assert [o.status for o in report.outcomes].count("ingested") == 60
        by_process = _stored(one)
        assert verify_case(one, record_result=False).findings == []
        assert not any(one.evidence.tmp_dir.iterdir())
    monkeypatch.setattr(copy_ahead, "PROCESS_FROM", 10**9)  # every file copied in-thread
    with Case.create(tmp_path / "two", title="thread") as two:
        ingest_paths(two, [card], IngestOptions())
        assert _stored(two) == by_process
    assert by_process[1][3] == 1  # the sizes above were all stored
    assert {s for _n, _s, _m, s, _t in by_process} == {0, 1, 4095, 4096, 4097, 85_000, 1_100_000}


def test_the_copiers_facts_are_judged_as_the_threads_copies(tmp_path: Path) -> None:
    """A file that is no regular file, a link, or gone by the time it is copied: the same
    rejection, whoever copied it."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "pipe")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "sock"))
    plain = tmp_path / "plain.bin"
    plain.write_bytes(b"x" * 10_000)
    with Case.create(tmp_path / "case", title="facts") as case:
        copier = Copier(os.fsencode(case.evidence.tmp_dir), sync=False)
        for n, path in enumerate((fifo, link, tmp_path / "sock", tmp_path / "gone", plain)):
            raw = os.fsencode(path)
            name = case.evidence.part_name(f"{n:x}")
            facts = copy_one(raw, os.fsencode(case.evidence.tmp_dir / name), copier)
            theirs = host_copy(case, facts, case.evidence.tmp_dir / name)
            ours = copy_host_file(case, raw, CancelToken(), None, sync=False)
            assert theirs.rejected == ours.rejected, path
            assert (theirs.blob, theirs.st is None) == (ours.blob, ours.st is None)
            theirs.discard(case)
            ours.discard(case)
        assert not any(case.evidence.tmp_dir.iterdir())
    sock.close()


def test_a_dead_copier_leaves_the_rest_to_the_ingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The copying process is killed mid-card: the ingest copies the files it had not
    answered for itself, every file is stored once, and no copy is left in `tmp/`."""
    monkeypatch.setattr(copy_ahead, "AHEAD_FILES", 4)  # it cannot have copied them all
    card = _card(tmp_path, 80)
    killed: list[int] = []

    def progress(done: int, total: int, message: str) -> None:
        if not killed:
            children = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text()
            for pid in map(int, children.split()):
                if "copier" in Path(f"/proc/{pid}/cmdline").read_text():
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)

    with Case.create(tmp_path / "case", title="copier killed") as case:
        report = ingest_paths(case, [card], IngestOptions(), progress=progress)
        assert killed, "the copier process was found and killed"
        assert "the copier stopped" in caplog.text
        assert [o.status for o in report.outcomes] == ["ingested"] * 80
        assert len({i.sha256 for i in case.items.search(kinds=["file"], limit=100)}) == len(
            {(tmp_path / "DCIM" / "100CAMERA" / f"IMG_{n:04d}.JPG").read_bytes() for n in range(80)}
        )
        assert not any(case.evidence.tmp_dir.iterdir())
        assert verify_case(case, record_result=False).findings == []


def test_a_card_ingested_again_is_told_duplicate_file_by_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The duplicate check asks once for the files copied ahead (`IngestBatch.surely_new`):
    the same content under two names is two items; the card ingested again is 61
    duplicates, each logged; a file added to the card since is stored."""
    card = _card(tmp_path, 60)
    folder = card / "100CAMERA"
    (folder / "COPY_0005.JPG").write_bytes((folder / "IMG_0005.JPG").read_bytes())
    looked_up: list[str] = []
    lookup = ItemRepository.find_duplicate

    def counted(self: ItemRepository, sha256: str, *args: object) -> object:
        looked_up.append(sha256)
        return lookup(self, sha256, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(ItemRepository, "find_duplicate", counted)
    with Case.create(tmp_path / "case", title="again") as case:
        first = ingest_paths(case, [card], IngestOptions())
        assert [o.status for o in first.outcomes].count("ingested") == 61
        # Looked up one by one: only a content met before (the empty files, the copy).
        shas = [o.item.sha256 for o in first.outcomes if o.item]  # type: ignore[union-attr]
        again = {sha for sha in shas if shas.count(sha) > 1}
        assert len(again) == 2
        assert looked_up
        assert set(looked_up) <= again
        (folder / "NEW_0001.JPG").write_bytes(os.urandom(3000))
        second = ingest_paths(case, [card], IngestOptions())
        by_name = {o.path.rsplit("/", 1)[-1]: o for o in second.outcomes}
        assert by_name.pop("NEW_0001.JPG").status == "ingested"
        assert {o.status for o in by_name.values()} == {"duplicate"}
        assert len(by_name) == 61
        first_ids = {o.item.id for o in first.outcomes if o.item}  # type: ignore[union-attr]
        assert {o.item.id for o in by_name.values() if o.item} <= first_ids  # type: ignore[union-attr]
        actions = [e.action for e in case.custody.entries()]
        assert actions.count("ingest_duplicate") == 61
        assert verify_case(case, record_result=False).findings == []


def test_copies_go_through_the_page_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No copy is opened `O_DIRECT` (a direct write waited on the device and cost more CPU;
    extraction read it back from the device), and the bytes are the same."""
    source = tmp_path / "photo.jpg"
    source.write_bytes(os.urandom(85_001))
    flags: list[int] = []
    real_open = os.open

    def spy(path: object, flag: int, *args: object) -> int:
        flags.append(flag)
        return real_open(path, flag, *args)  # type: ignore[arg-type]

    with Case.create(tmp_path / "case", title="cache") as case:
        tmp_dir = os.fsencode(case.evidence.tmp_dir)
        monkeypatch.setattr(os, "open", spy)
        facts = Copier(tmp_dir, sync=False).copy(os.fsencode(source), b"a.part")
        monkeypatch.undo()
        assert facts[0] == "copied"
        assert (case.evidence.tmp_dir / "a.part").read_bytes() == source.read_bytes()
    writes = [f for f in flags if f & os.O_CREAT]
    assert len(writes) == 1
    assert not writes[0] & getattr(os, "O_DIRECT", 0)
