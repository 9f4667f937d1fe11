"""When a deleted NTFS name is paired again with its freed MFT record, and when it is not.

The guards are checked on real volumes made by mkntfs/ntfscp/libntfs-3g: the names handed in
stand for what TSK reads from a folder's index (name, record number, sequence number).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import pytsk3

from forensics.intake import ntfs
from tests.forensics.imaging_ntfs import make_ntfs_image

ROOT = 5  # the root folder's MFT record


def _fs(image: Path) -> Any:
    return pytsk3.FS_Info(pytsk3.Img_Info(str(image)))


def _name(name: bytes, addr: int, seq: int) -> SimpleNamespace:
    return SimpleNamespace(name=name, meta_addr=addr, meta_seq=seq)


@pytest.fixture
def volume(tmp_path: Path) -> tuple[Path, int]:
    """A volume where `/gone.bin` was deleted; returns it and the freed record's number."""
    image = make_ntfs_image(
        tmp_path / "n.img", {"/D/a.txt": b"a"}, {}, {"gone.bin": b"g" * 5000}, size_kib=4096
    )
    fs = _fs(image)
    listed = {bytes(f.info.name.name): f for f in fs.open_dir("/")}
    entry = listed[b"gone.bin"]
    assert entry.info.meta is None  # TSK refuses the pair: the reason the recovery exists
    return image, int(entry.info.name.meta_addr)


def test_freed_record_of_this_file_is_recovered(volume: tuple[Path, int]) -> None:
    image, addr = volume
    freed = ntfs.recover_freed_record(_fs(image), _name(b"gone.bin", addr, 1), ROOT, orphan=False)
    assert freed is not None
    assert freed.file.read_random(0, 5000) == b"g" * 5000
    assert f"record {addr}" in freed.note


@pytest.mark.parametrize(
    ("name", "seq", "folder", "why"),
    [
        (b"other.bin", 1, ROOT, "the record names another file"),
        (b"gone.bin", 1, 99, "the record names another folder"),
        (b"gone.bin", 0, ROOT, "freed more than once since the name pointed at it"),
        (b"gone.bin", 2, ROOT, "the name is as new as the record: not a deletion"),
    ],
)
def test_freed_record_that_cannot_be_shown_to_be_the_files_is_not_used(
    volume: tuple[Path, int], name: bytes, seq: int, folder: int, why: str
) -> None:
    image, addr = volume
    assert ntfs.recover_freed_record(_fs(image), _name(name, addr, seq), folder, orphan=False) is (
        None
    ), why


def test_record_in_use_again_is_not_used(volume: tuple[Path, int], tmp_path: Path) -> None:
    image, addr = volume
    (tmp_path / "new").write_bytes(b"n" * 7000)
    subprocess.run(["ntfscp", "-q", str(image), str(tmp_path / "new"), "/new.bin"], check=True)
    fs = _fs(image)
    reused = {bytes(f.info.name.name): f for f in fs.open_dir("/")}[b"new.bin"]
    assert int(reused.info.meta.addr) == addr  # the new file took the freed record

    assert ntfs.recover_freed_record(fs, _name(b"gone.bin", addr, 1), ROOT, orphan=False) is None


def test_reserved_empty_records_are_not_files(volume: tuple[Path, int]) -> None:
    image, _ = volume
    fs = _fs(image)
    orphans = list(fs.open_dir("/$OrphanFiles"))
    assert orphans  # mkntfs's reserved records 16-23 are listed as orphans
    for orphan in orphans:
        addr = int(orphan.info.name.meta_addr)
        assert ntfs.never_named(fs, addr)
        assert ntfs.recover_freed_record(fs, orphan.info.name, 0, orphan=True) is None
    assert not ntfs.never_named(fs, ROOT)  # in use
