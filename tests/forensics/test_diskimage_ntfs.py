"""An NTFS volume: its files, a deleted file, and named streams as items of their own."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.intake.ingest import IngestOptions, ingest_paths
from forensics.intake.sniff import sniff
from forensics.jobs import CancelToken
from forensics.models import Item
from forensics.store.custody import Action
from forensics.verify import verify_case
from tests.forensics.imaging import FAT_MTIME_ISO
from tests.forensics.imaging_ntfs import make_ntfs_image


def _random(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


ZONE = b"[ZoneTransfer]\r\nZoneId=3\r\n"
HIDDEN = _random(200_000, 21)  # too big to stay resident in the MFT record
STASH = b"coordinates 22.53N 113.93E\n"
GONE = {"gone.bin": _random(150_000, 22)}


@pytest.fixture
def ntfs_files(corpus: Path) -> dict[str, bytes]:
    return {
        "/notes.txt": b"card notes\n",
        "/DCIM/100MEDIA/x.jpg": (corpus / "synthetic" / "gps_control_eiffel.jpg").read_bytes(),
        "/DCIM/100MEDIA/big.bin": _random(2_500_000, 23),  # several read chunks
    }


STREAMS = {
    "/notes.txt": {"hidden": HIDDEN, "Zone.Identifier": ZONE},
    "/DCIM": {"stash": STASH},
    "/": {"root": b"on the root folder itself\n"},
}


@pytest.fixture
def ntfs_image(tmp_path: Path, ntfs_files: dict[str, bytes]) -> Path:
    return make_ntfs_image(tmp_path / "ntfs.img", ntfs_files, STREAMS, GONE)


def _by_path(case: Case, parent: Item) -> dict[str, Item]:
    """The files and streams (not folders) below an item, by path."""
    below = case.items.descendants(parent.id)
    return {c.fs_path or "": c for c in below if c.kind != "folder"}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_ntfs_files_streams_and_deleted_file(
    case: Case, ntfs_image: Path, ntfs_files: dict[str, bytes]
) -> None:
    assert sniff(ntfs_image.read_bytes()[:4096]) == "application/x-ntfs-image"

    report = ingest_paths(case, [ntfs_image])

    assert not report.rejected
    image = report.outcomes[0].item
    assert image is not None
    assert image.mime == "application/x-ntfs-image"
    children = _by_path(case, image)
    for inner, data in ntfs_files.items():
        item = children[inner]
        assert (item.sha256, item.md5, item.size) == (
            _sha(data),
            hashlib.md5(data).hexdigest(),
            len(data),
        )
        assert item.fs_deleted is False
        assert item.fs_mtime == FAT_MTIME_ISO  # ntfscp -t kept the source's time
        assert item.attributes["fs_type"] == "NTFS"
        assert case.evidence.path_of(item.sha256).read_bytes() == data
    assert children["/DCIM/100MEDIA/x.jpg"].mime == "image/jpeg"

    # The deleted file: its name lost its record (sequence moved on), the record still holds it.
    gone = children["/gone.bin"]
    assert gone.fs_deleted is True
    assert gone.sha256 == _sha(GONE["gone.bin"])
    assert any("deleted file" in w for w in gone.warnings)
    assert any("MFT record" in w and "freed" in w for w in gone.warnings)

    # The named streams of a file are its children, hashed and stored with custody.
    notes = children["/notes.txt"]
    streams = _by_path(case, notes)
    assert set(streams) == {"/notes.txt:hidden", "/notes.txt:Zone.Identifier"}
    for name, data in STREAMS["/notes.txt"].items():
        stream = streams[f"/notes.txt:{name}"]
        assert stream.name == f"notes.txt:{name}"
        assert (stream.sha256, stream.size) == (_sha(data), len(data))
        assert stream.parent_id == notes.id
        assert stream.attributes["ntfs_stream"] == name
        assert stream.attributes["stream_of"] == "/notes.txt"
        assert stream.attributes["fs_inode"] == notes.attributes["fs_inode"]
        assert any("alternate data stream" in w for w in stream.warnings)
        assert case.evidence.path_of(stream.sha256).read_bytes() == data
        logged = case.custody.entries(item_id=stream.id)
        assert [e.action for e in logged] == [Action.INGESTED]
    # A folder's stream hangs under the folder's item; the root folder's under the image.
    stash = children["/DCIM:stash"]
    dcim = case.items.get(stash.parent_id or "")
    assert (stash.sha256, dcim.kind, dcim.fs_path) == (_sha(STASH), "folder", "/DCIM")
    on_root = children["/:root"]
    assert (on_root.name, on_root.sha256) == (":root", _sha(STREAMS["/"]["root"]))
    assert on_root.parent_id == image.id

    # Nothing else: no $MFT/$LogFile/$Extend, no empty reserved records from $OrphanFiles.
    assert set(children) == {*ntfs_files, *streams, "/gone.bin", "/DCIM:stash", "/:root"}
    expanded = [
        e for e in case.custody.entries(item_id=image.id) if e.action == Action.DISK_IMAGE_EXPANDED
    ]
    assert (expanded[0].details["files"], expanded[0].details["streams"]) == (4, 4)
    assert verify_case(case).ok


def test_interrupted_ntfs_expansion_keeps_streams_once(
    case: Case, ntfs_image: Path, ntfs_files: dict[str, bytes]
) -> None:
    cancel = CancelToken()

    def stop_in_big_file(done: int, total: int, message: str) -> None:
        if message.endswith("/big.bin") and done > 0:
            cancel.cancel()

    first = ingest_paths(case, [ntfs_image], progress=stop_in_big_file, cancel=cancel)
    assert first.cancelled
    image = first.outcomes[0].item
    assert image is not None
    notes = _by_path(case, image)["/notes.txt"]
    assert len(case.items.children(notes.id)) == 2  # stored before the cut

    again = ingest_paths(case, [ntfs_image], IngestOptions())

    assert not again.cancelled
    statuses = {o.path.split(":", 1)[1]: o.status for o in again.outcomes[1:]}
    assert statuses["/notes.txt:hidden"] == "duplicate"
    assert statuses["/DCIM/100MEDIA/big.bin"] == "ingested"
    assert len(case.items.children(notes.id)) == 2  # each stream once
    assert len(_by_path(case, image)) == len(ntfs_files) + 3 + 2  # and the two streams
    assert verify_case(case).ok
