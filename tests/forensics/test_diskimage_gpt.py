"""A GPT disk with a FAT and an ext4 partition: every partition's files, deleted ones included."""

from __future__ import annotations

import hashlib
import random
import subprocess
from pathlib import Path

from forensics.case import Case
from forensics.intake.ingest import ingest_paths
from forensics.intake.sniff import sniff
from forensics.models import Item
from forensics.store.custody import Action
from forensics.verify import verify_case
from tests.forensics.imaging import FAT_MTIME_ISO, make_ext_image, make_fat_image, need
from tests.forensics.imaging_ntfs import make_gpt_disk


def _random(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


FAT_FILES = {"/DCIM/100MEDIA/clip.bin": _random(1_300_000, 11), "/card.txt": b"fat side\n"}
FAT_GONE = {"gone.bin": _random(70_000, 12)}
EXT_FILES = {"/logs/flight.log": b"ext side\n" * 300, "/keep.bin": _random(400_000, 13)}
EXT_GONE = _random(90_000, 14)


def _ext_with_deleted_file(dest: Path) -> Path:
    """An ext4 volume where `/erased.bin` was written and then removed with `debugfs rm`.

    debugfs frees the inode and its blocks but leaves the extent tree in the inode (a kernel
    unlink clears it), so the content is still there to recover: a case TSK must show.
    """
    need("debugfs")
    make_ext_image(dest, {**EXT_FILES, "/erased.bin": EXT_GONE}, {})
    subprocess.run(
        ["debugfs", "-w", "-R", "rm /erased.bin", str(dest)],
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    return dest


def _by_path(case: Case, image: Item) -> dict[str, Item]:
    """The files (not folders) inside the image, by path."""
    return {c.fs_path or "": c for c in case.items.descendants(image.id) if c.kind != "folder"}


def test_gpt_disk_expands_every_partition(case: Case, tmp_path: Path) -> None:
    fat = make_fat_image(tmp_path / "fat.img", FAT_FILES, FAT_GONE, size_kib=4096)
    ext = _ext_with_deleted_file(tmp_path / "ext.img")
    disk, starts = make_gpt_disk(
        tmp_path / "disk.img", [("0700", fat.read_bytes()), ("8300", ext.read_bytes())]
    )
    assert sniff(disk.read_bytes()[:4096]) == "application/x-gpt-disk-image"

    report = ingest_paths(case, [disk])

    assert not report.rejected
    image = report.outcomes[0].item
    assert image is not None
    assert image.mime == "application/x-gpt-disk-image"
    children = _by_path(case, image)
    by_partition: dict[int, dict[str, Item]] = {}
    for path, child in children.items():
        part = child.attributes["partition"]
        assert path.startswith(f"/p{part['slot']}/")  # the address `mmls` lists
        by_partition.setdefault(part["number"], {})[path.split("/", 2)[2]] = child
    assert sorted(by_partition) == [1, 2]  # the numbers sgdisk gave the partitions

    fat_items, ext_items = by_partition[1], by_partition[2]
    assert {c.attributes["partition"]["start_sector"] for c in fat_items.values()} == {starts[0]}
    assert {c.attributes["partition"]["start_sector"] for c in ext_items.values()} == {starts[1]}
    assert {c.attributes["partition"]["description"] for c in fat_items.values()} == {"part1"}
    for files, items, fs in ((FAT_FILES, fat_items, "FAT"), (EXT_FILES, ext_items, "EXT")):
        for inner, data in files.items():
            item = items[inner.lstrip("/")]
            assert item.sha256 == hashlib.sha256(data).hexdigest()
            assert item.md5 == hashlib.md5(data).hexdigest()
            assert item.size == len(data)
            assert item.fs_deleted is False
            assert item.fs_mtime == FAT_MTIME_ISO
            assert item.attributes["fs_type"].startswith(fs)
            assert case.evidence.path_of(item.sha256).read_bytes() == data
            assert item.fs_path_raw == item.fs_path.encode()  # type: ignore[union-attr]

    fat_deleted = [c for c in fat_items.values() if c.fs_deleted]
    assert [c.sha256 for c in fat_deleted] == [hashlib.sha256(FAT_GONE["gone.bin"]).hexdigest()]
    ext_deleted = [c for c in ext_items.values() if c.fs_deleted]
    assert [(c.name, c.sha256) for c in ext_deleted] == [
        ("erased.bin", hashlib.sha256(EXT_GONE).hexdigest())
    ]
    assert any("deleted file" in w for w in ext_deleted[0].warnings)
    # Nothing else: no partition-table entries, no virtual files, no lost+found noise.
    assert len(children) == len(FAT_FILES) + len(FAT_GONE) + len(EXT_FILES) + 1
    # Each partition is a folder of the image, holding its files' folders.
    parts = case.items.children(image.id)
    assert {p.kind for p in parts} == {"folder"}
    assert sorted(p.attributes["partition"]["number"] for p in parts) == [1, 2]
    assert all(case.items.get(c.parent_id or "").kind == "folder" for c in children.values())

    expanded = [
        e for e in case.custody.entries(item_id=image.id) if e.action == Action.DISK_IMAGE_EXPANDED
    ]
    assert len(expanded) == 1
    systems = expanded[0].details["file_systems"]
    assert [s["partition"]["number"] for s in systems] == [1, 2]
    assert [s["offset"] for s in systems] == [start * 512 for start in starts]
    assert verify_case(case).ok
