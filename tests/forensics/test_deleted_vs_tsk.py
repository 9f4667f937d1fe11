"""Every file TSK can recover becomes an item, compared with TSK's own `fls -r -p` and `icat`
on images with a deleted folder full of files, made at test time: FAT32 (raw, E01, MBR and
GPT disks), exFAT, ext4 and NTFS."""

from __future__ import annotations

import hashlib
import random
import subprocess
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.intake.ingest import ingest_paths
from forensics.models import ContentState, Item, Recovery
from forensics.verify import verify_case
from tests.forensics.imaging import make_e01, make_mbr_disk, need
from tests.forensics.imaging_deleted import (
    make_exfat,
    make_ext4,
    make_fat32,
    tsk_listing,
    without_empty_orphans,
)
from tests.forensics.imaging_ntfs import _volume, make_gpt_disk, make_ntfs_image


def _random(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


LIVE = {"/DCIM/100MEDIA/IMG_0001.JPG": _random(40_000, 1), "/notes.txt": b"card notes\n"}


def _gone(count: int, stem: str = "photo_number_") -> dict[str, bytes]:
    return {f"/GONE/{stem}{n}.jpg": _random(700 * n + 7, 100 + n) for n in range(count)}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _ours(case: Case, image: Item, prefix: str = "") -> dict[str, tuple[str, str | None]]:
    """Our items below the image as TSK would list them: path -> (kind, sha256)."""
    out: dict[str, tuple[str, str | None]] = {}
    for item in case.items.descendants(image.id):
        assert item.fs_path is not None
        if prefix and item.fs_path == prefix:
            continue  # the partition's own folder item
        path = item.fs_path.removeprefix(prefix).lstrip("/")
        out[path] = (item.kind, item.sha256)
    return out


def _ingest(case: Case, path: Path) -> Item:
    report = ingest_paths(case, [path])
    assert not report.rejected, [(o.path, o.reason) for o in report.rejected]
    image = report.outcomes[0].item
    assert image is not None
    return image


def _check_deleted(case: Case, image: Item, gone: dict[str, bytes]) -> list[Item]:
    """Every file of the deleted folder is an item, deleted, recovered byte for byte."""
    below = case.items.descendants(image.id)
    deleted = [i for i in below if i.kind == "file" and i.fs_deleted]
    assert {i.sha256 for i in deleted} >= {_sha(d) for d in gone.values()}
    for item in deleted:
        assert item.recovery in Recovery.ALL
        assert item.content_state in ContentState.ALL
    for item in deleted:
        parent = case.items.get(item.parent_id or "")
        assert parent.id == image.id or parent.kind == "folder"
        if item.recovery == Recovery.ORPHAN:
            assert "$OrphanFiles" in (item.fs_path or "")
            assert parent.name == "$OrphanFiles"
    assert verify_case(case).ok
    return deleted


@pytest.mark.parametrize("container", ["raw", "e01", "mbr", "gpt"])
def test_fat32_deleted_folder_equals_tsk(case: Case, tmp_path: Path, container: str) -> None:
    gone = _gone(60)
    volume = make_fat32(tmp_path / "fat32.img", LIVE, gone)
    truth = tsk_listing(volume)
    assert sum(p.startswith("$OrphanFiles/") for p in truth) > 40  # most lost their names
    if container == "raw":
        image = _ingest(case, volume)
        prefix = ""
    elif container == "e01":
        acquired = tmp_path / "acquired"
        acquired.mkdir()
        image = _ingest(case, make_e01(volume, acquired / "card", segment_bytes=8 << 20)[0])
        prefix = ""
    else:
        data = volume.read_bytes()
        if container == "mbr":
            disk = make_mbr_disk(tmp_path / "disk.img", data, part_type=0x0C)
            start = 2048
        else:
            disk, starts = make_gpt_disk(tmp_path / "disk.img", [("0700", data)])
            start = starts[0]
        assert tsk_listing(disk, offset=start) == truth
        image = _ingest(case, disk)
        parts = case.items.children(image.id)
        assert len(parts) == 1
        assert parts[0].kind == "folder"
        prefix = parts[0].fs_path or ""
        assert prefix.startswith("/p")

    assert _ours(case, image, prefix) == truth
    deleted = _check_deleted(case, image, gone)
    assert {i.recovery for i in deleted} == {Recovery.DELETED_ENTRY, Recovery.ORPHAN}
    assert {i.content_state for i in deleted} == {ContentState.INTACT}


def test_exfat_deleted_folder_equals_tsk(case: Case, tmp_path: Path) -> None:
    gone = _gone(40, "clip_")
    volume = make_exfat(tmp_path / "exfat.img", LIVE, gone)
    image = _ingest(case, volume)
    assert _ours(case, image) == without_empty_orphans(tsk_listing(volume))
    _check_deleted(case, image, gone)


def test_ext4_deleted_folder_equals_tsk(case: Case, tmp_path: Path) -> None:
    gone = _gone(12)
    volume = make_ext4(tmp_path / "ext4.img", LIVE, gone)
    image = _ingest(case, volume)
    truth = without_empty_orphans(tsk_listing(volume))
    assert _ours(case, image) == truth
    deleted = _check_deleted(case, image, gone)
    gone_folder = next(i for i in case.items.descendants(image.id) if i.fs_path == "/GONE")
    assert (gone_folder.kind, gone_folder.fs_deleted) == ("folder", True)
    assert all(i.parent_id == gone_folder.id for i in deleted)


def test_ntfs_deleted_folder_equals_tsk(case: Case, tmp_path: Path) -> None:
    gone = _gone(24, "file")
    volume = make_ntfs_image(tmp_path / "ntfs.img", {**LIVE, **gone}, {}, {}, size_kib=16384)
    with _volume(volume) as vol:
        for inner in gone:
            vol.delete(inner)
    with _volume(volume) as vol:  # the folder's index is written back only on unmount
        vol.delete("/GONE")
    image = _ingest(case, volume)
    truth = {
        path: found
        for path, found in tsk_listing(volume).items()
        # NTFS's own files are not items (see forensics/intake/ntfs.py), nor are the
        # reserved MFT records 16-23 TSK lists as empty orphans: no file ever lived there.
        if not path.startswith("$") or path == "$OrphanFiles"
    }
    assert [p for p in truth if p.startswith("GONE/")]  # TSK lists what the folder held
    assert _ours(case, image) == without_empty_orphans(truth)
    deleted = _check_deleted(case, image, gone)
    assert {i.recovery for i in deleted} == {Recovery.FREED_RECORD}
    assert len(deleted) == len(gone)


def test_reused_blocks_make_a_deleted_file_partly_reallocated(case: Case, tmp_path: Path) -> None:
    need("debugfs")
    old = _random(200_000, 7)
    volume = make_ext4(tmp_path / "ext4.img", {"/old.bin": old}, {})
    newer = tmp_path / "newer.bin"
    newer.write_bytes(_random(60_000, 8))
    # Delete old.bin, then write newer.bin into its freed blocks while its inode (12) is kept
    # from reuse, so TSK still finds old.bin's inode, now an orphan, naming those blocks.
    for command in ("rm /old.bin", "seti <12>", f"write {newer} /newer.bin", "freei <12>"):
        subprocess.run(
            ["debugfs", "-w", "-R", command, str(volume)], check=True, capture_output=True
        )
    image = _ingest(case, volume)
    assert _ours(case, image) == without_empty_orphans(tsk_listing(volume))
    items = {i.fs_path: i for i in case.items.descendants(image.id)}
    assert items["/newer.bin"].content_state is None  # live
    reused = items["/$OrphanFiles/OrphanFile-12"]
    assert (reused.fs_deleted, reused.recovery) == (True, Recovery.ORPHAN)
    assert reused.content_state == ContentState.PARTLY_REALLOCATED
    assert reused.sha256 != _sha(old)  # its start is newer.bin's now, as icat reads it
    assert any("now belong to live files" in w for w in reused.warnings)


def test_a_deleted_folder_that_lost_its_name_is_an_orphan_folder(
    case: Case, tmp_path: Path
) -> None:
    # 60 files, then a subfolder: its entry sits in a later cluster of GONE's listing, which
    # the deletion cut off, so TSK finds the subfolder (and what it holds) as an orphan.
    inner = {f"/GONE/SUBFOLDER/inner_{n}.jpg": _random(5_000, 300 + n) for n in range(2)}
    gone = {**_gone(60), **inner}
    volume = make_fat32(tmp_path / "fat32.img", LIVE, gone)
    truth = tsk_listing(volume)
    [orphan_path] = [p for p, (kind, _) in truth.items() if p.count("/") == 1 and kind == "folder"
                     and p.startswith("$OrphanFiles/")]  # fmt: skip

    image = _ingest(case, volume)

    assert _ours(case, image) == truth
    items = {i.fs_path: i for i in case.items.descendants(image.id)}
    orphan = items["/" + orphan_path]
    assert (orphan.kind, orphan.fs_deleted, orphan.recovery) == ("folder", True, "orphan")
    assert orphan.parent_id == items["/$OrphanFiles"].id
    held = [i for i in items.values() if i.parent_id == orphan.id]
    assert {i.sha256 for i in held} == {_sha(d) for d in inner.values()}
