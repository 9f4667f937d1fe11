"""Disk and memory-card images: every file inside, deleted ones included, becomes a child item."""

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
from forensics.verify import verify_case
from tests.forensics.imaging import (
    FAT_MTIME_ISO,
    make_e01,
    make_ext_image,
    make_fat_image,
    make_mbr_disk,
)


def _random(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


@pytest.fixture
def card_files(corpus: Path) -> dict[str, bytes]:
    return {
        "/DCIM/100MEDIA/x.jpg": (corpus / "synthetic" / "gps_control_eiffel.jpg").read_bytes(),
        "/notes.txt": b"card notes\n",
        "/big.bin": _random(2_500_000, 1),  # several read chunks
    }


GONE = {"gone.bin": _random(100_000, 2)}


def _children(case: Case, image: Item) -> dict[str, Item]:
    """The files (not folders) inside the image, by path."""
    below = case.items.descendants(image.id)
    return {c.fs_path or "": c for c in below if c.kind != "folder"}


def _folders(case: Case, image: Item) -> dict[str, Item]:
    return {c.fs_path or "": c for c in case.items.descendants(image.id) if c.kind == "folder"}


def _check_children(case: Case, image: Item, files: dict[str, bytes], prefix: str = "") -> None:
    children = _children(case, image)
    folders = _folders(case, image)
    for inner, data in files.items():
        child = children[prefix + inner]
        # Under the item of its folder (the partition's on a partitioned disk), else the image.
        folder = folders.get((prefix + inner).rsplit("/", 1)[0])
        assert child.parent_id == (folder.id if folder else image.id)
        assert folder is None or folder.parent_id in (image.id, *(f.id for f in folders.values()))
        assert child.sha256 == hashlib.sha256(data).hexdigest()
        assert child.md5 == hashlib.md5(data).hexdigest()
        assert child.size == len(data)
        assert child.fs_path_raw == (prefix + inner).encode()
        assert child.fs_deleted is False
        assert case.evidence.path_of(child.sha256).read_bytes() == data


def test_fat_image_files_and_deleted_file(
    case: Case, tmp_path: Path, card_files: dict[str, bytes]
) -> None:
    image_path = make_fat_image(tmp_path / "card.img", card_files, GONE)
    assert sniff(image_path.read_bytes()[:4096]) == "application/x-fat-image"

    report = ingest_paths(case, [image_path])

    assert not report.rejected
    image = report.outcomes[0].item
    assert image is not None
    assert (image.kind, image.mime) == ("disk_image", "application/x-fat-image")
    _check_children(case, image, card_files)
    children = _children(case, image)
    jpeg = children["/DCIM/100MEDIA/x.jpg"]
    assert jpeg.mime == "image/jpeg"
    assert jpeg.name == "x.jpg"
    assert jpeg.fs_mtime == FAT_MTIME_ISO
    assert jpeg.attributes["fs_type"].startswith("FAT")
    # FAT overwrites the first letter of a deleted name; its clusters are still there.
    deleted = [c for c in children.values() if c.fs_deleted]
    assert len(deleted) == 1
    assert deleted[0].fs_path is not None
    assert deleted[0].fs_path.endswith("one.bin")
    assert deleted[0].sha256 == hashlib.sha256(GONE["gone.bin"]).hexdigest()
    assert any("deleted file" in w for w in deleted[0].warnings)
    # The virtual $MBR/$FAT files and the volume label are not items.
    assert not [p for p in children if p.startswith("/$") or "Volume Label" in p]
    # The folders are items of their own, each under its parent folder.
    folders = _folders(case, image)
    assert set(folders) == {"/DCIM", "/DCIM/100MEDIA"}  # no orphans: no $OrphanFiles
    assert folders["/DCIM/100MEDIA"].parent_id == folders["/DCIM"].id
    assert folders["/DCIM"].parent_id == image.id
    assert verify_case(case).ok


def test_ext_image_with_symlink(case: Case, tmp_path: Path, card_files: dict[str, bytes]) -> None:
    image_path = make_ext_image(tmp_path / "ext.img", card_files, {"/link.txt": "notes.txt"})
    assert sniff(image_path.read_bytes()[:4096]) == "application/x-ext-image"

    report = ingest_paths(case, [image_path])

    assert not report.rejected
    image = report.outcomes[0].item
    assert image is not None
    assert image.mime == "application/x-ext-image"
    _check_children(case, image, card_files)
    children = _children(case, image)
    assert children["/notes.txt"].fs_mtime == FAT_MTIME_ISO
    assert children["/notes.txt"].fs_crtime is not None  # ext4 keeps a creation time
    link = children["/link.txt"]
    assert (link.kind, link.link_target, link.sha256) == ("symlink", "notes.txt", None)


def test_partitioned_disk_prefixes_paths(
    case: Case, tmp_path: Path, card_files: dict[str, bytes]
) -> None:
    fat = make_fat_image(tmp_path / "part.img", card_files, {})
    disk = make_mbr_disk(tmp_path / "disk.img", fat.read_bytes())
    assert sniff(disk.read_bytes()[:4096]) == "application/x-mbr-disk-image"

    report = ingest_paths(case, [disk])

    image = report.outcomes[0].item
    assert image is not None
    children = _children(case, image)
    prefixes = {p.split("/")[1] for p in children}
    assert _folders(case, image)["/" + next(iter(prefixes))].parent_id == image.id
    assert len(prefixes) == 1
    prefix = "/" + prefixes.pop()
    assert prefix.startswith("/p")
    _check_children(case, image, card_files, prefix=prefix)
    assert children[prefix + "/notes.txt"].attributes["partition"]["start_sector"] == 2048


def test_e01_segment_set(case: Case, tmp_path: Path, card_files: dict[str, bytes]) -> None:
    raw = make_fat_image(tmp_path / "card.img", card_files, GONE)
    acquired = tmp_path / "acquired"
    acquired.mkdir()
    segments = make_e01(raw, acquired / "card")
    assert len(segments) >= 3  # a real set, not one file
    assert sniff(segments[0].read_bytes()[:4096]) == "application/x-ewf"

    # Ingesting the folder: the first segment takes its set with it, nothing is doubled.
    report = ingest_paths(case, [acquired])

    assert not report.rejected
    assert [o.status for o in report.outcomes].count("duplicate") == 0
    stored = [o.item for o in report.outcomes if o.item and o.item.mime == "application/x-ewf"]
    assert len(stored) == len(segments)
    first = stored[0]
    assert first.name == "card.E01"
    assert all(s.attributes.get("ewf_first_segment") == first.id for s in stored[1:])
    _check_children(case, first, card_files)
    deleted = [c for c in _children(case, first).values() if c.fs_deleted]
    assert [d.sha256 for d in deleted] == [hashlib.sha256(GONE["gone.bin"]).hexdigest()]
    assert verify_case(case).ok


def test_e01_without_its_later_segments_is_a_warning_not_a_crash(
    case: Case, tmp_path: Path, card_files: dict[str, bytes]
) -> None:
    raw = make_fat_image(tmp_path / "card.img", card_files, GONE)
    acquired = tmp_path / "acquired"
    acquired.mkdir()
    segments = make_e01(raw, acquired / "card")
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "card.E01").write_bytes(segments[0].read_bytes())  # E02... left behind

    report = ingest_paths(case, [alone / "card.E01"])

    [outcome] = report.outcomes
    assert outcome.status == "ingested"  # the segment itself is evidence, hashed and kept
    assert outcome.item is not None
    assert case.items.children(outcome.item.id) == []
    assert any("no file system" in w for w in outcome.warnings)
    assert verify_case(case).ok


def test_image_without_file_system_is_a_warning(case: Case, tmp_path: Path) -> None:
    # A partition table whose only partition holds zeros: sniffed as a disk, no file system.
    disk = make_mbr_disk(tmp_path / "blank.img", bytes(1 << 20), part_type=0x83)

    report = ingest_paths(case, [disk])

    assert len(report.outcomes) == 1
    outcome = report.outcomes[0]
    assert outcome.status == "ingested"
    assert not report.rejected
    assert any("no file system" in w for w in outcome.warnings)
    assert outcome.item is not None
    stored = case.items.get(outcome.item.id)
    assert any("no file system" in w for w in stored.warnings)
    assert verify_case(case).ok  # the warning was logged with the item's new state


def test_interrupted_expansion_resumes(
    case: Case, tmp_path: Path, card_files: dict[str, bytes]
) -> None:
    image_path = make_fat_image(tmp_path / "card.img", card_files, GONE)
    cancel = CancelToken()

    def stop_in_big_file(done: int, total: int, message: str) -> None:
        if message.endswith("/big.bin") and done > 0:
            cancel.cancel()

    first = ingest_paths(case, [image_path], progress=stop_in_big_file, cancel=cancel)
    assert first.cancelled
    image = first.outcomes[0].item
    assert image is not None
    partial = _children(case, image)
    assert "/big.bin" not in partial  # cut mid-copy: nothing of it is left
    assert verify_case(case).ok

    again = ingest_paths(case, [image_path], IngestOptions())

    assert not again.cancelled
    assert again.outcomes[0].status == "duplicate"
    children = _children(case, image)
    assert len(children) == len(card_files) + len(GONE)  # each file once
    assert len(_folders(case, image)) == 2  # each folder once
    _check_children(case, image, card_files)
    assert verify_case(case).ok
    # A third run finds the expansion complete and does not walk the image again.
    third = ingest_paths(case, [image_path])
    assert [o.status for o in third.outcomes] == ["duplicate"]


def test_two_bytes_of_ext_magic_alone_are_not_an_ext_image(tmp_path: Path) -> None:
    """One random file in 65,536 has the ext magic at 1080; the rest of a superblock (block
    size, revision) must agree before it is taken for a disk image and expanded. A real
    image's first 4 KiB still is one (`test_ext_image_with_symlink`)."""
    head = bytearray(random.Random(7).randbytes(4096))
    head[1080:1082] = b"\x53\xef"
    assert sniff(bytes(head)) == "application/octet-stream"
    head[1048:1052] = (2).to_bytes(4, "little")  # 4 KiB blocks
    head[1100:1104] = (1).to_bytes(4, "little")  # a dynamic revision
    assert sniff(bytes(head)) == "application/x-ext-image"
