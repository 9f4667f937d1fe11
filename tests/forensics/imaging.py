"""Building small disk images at test time with the real tools (mkfs.fat + mtools, mke2fs,
ewfacquire), so disk-image expansion is tested on what those tools write, not on fixtures."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

FAT_MTIME = 1622548800  # 2021-06-01T12:00:00Z: even seconds, FAT keeps 2-second steps
FAT_MTIME_ISO = "2021-06-01T12:00:00.000000Z"


def need(*tools: str) -> None:
    """Skip (fail under CI, where the Makefile installs them) when a tool is missing."""
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        packages = (
            "dosfstools mtools e2fsprogs ewf-tools gdisk ntfs-3g poppler-utils exfatprogs "
            "exfat-fuse sleuthkit"
        )
        message = f"needs {', '.join(missing)} (apt-get install {packages})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


def _run(*args: str | Path) -> None:
    subprocess.run(
        [str(a) for a in args],
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "MTOOLS_SKIP_CHECK": "1"},
    )


def make_fat_image(
    dest: Path, files: dict[str, bytes], deleted: dict[str, bytes], size_kib: int = 8192
) -> Path:
    """A FAT image holding `files`, plus `deleted` files copied in and then deleted.

    Args:
        dest: the image file to create.
        files: path inside the image ("/DCIM/100MEDIA/x.jpg") -> content.
        deleted: name in the root folder -> content, deleted after every copy so its
            clusters stay intact.
    """
    need("mkfs.fat", "mcopy", "mmd", "mdel")
    _run("mkfs.fat", "-C", "-n", "CARD", dest, str(size_kib))
    staging = dest.parent / (dest.name + ".src")
    staging.mkdir()
    made: set[str] = set()
    for inner, data in {**files, **{"/" + k: v for k, v in deleted.items()}}.items():
        parts = inner.strip("/").split("/")
        for i in range(1, len(parts)):
            folder = "/".join(parts[:i])
            if folder not in made:
                _run("mmd", "-i", dest, f"::/{folder}")
                made.add(folder)
        local = staging / parts[-1]
        local.write_bytes(data)
        os.utime(local, (FAT_MTIME, FAT_MTIME))
        _run("mcopy", "-m", "-i", dest, local, f"::/{'/'.join(parts)}")
    for name in deleted:
        _run("mdel", "-i", dest, f"::/{name}")
    shutil.rmtree(staging)
    return dest


def make_ext_image(dest: Path, files: dict[str, bytes], symlinks: dict[str, str]) -> Path:
    """An ext4 image built by `mke2fs -d` from a folder holding `files` and `symlinks`."""
    need("mke2fs")
    staging = dest.parent / (dest.name + ".src")
    for inner, data in files.items():
        path = staging / inner.strip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.utime(path, (FAT_MTIME, FAT_MTIME))
    for inner, target in symlinks.items():
        (staging / inner.strip("/")).symlink_to(target)
    _run("mke2fs", "-q", "-t", "ext4", "-d", staging, dest, "8M")
    shutil.rmtree(staging)
    return dest


def make_mbr_disk(dest: Path, partition: bytes, part_type: int = 0x06) -> Path:
    """A whole-disk image: an MBR with one partition (at sector 2048) holding `partition`."""
    start = 2048
    sectors = (len(partition) + 511) // 512
    mbr = bytearray(512)
    mbr[446:462] = bytes([0x00, 0, 0, 0, part_type, 0, 0, 0]) + struct.pack("<II", start, sectors)
    mbr[510:512] = b"\x55\xaa"
    with open(dest, "wb") as f:
        f.write(mbr)
        f.write(bytes(start * 512 - 512))
        f.write(partition)
        f.write(bytes(sectors * 512 - len(partition) + 512 * 64))
    return dest


def make_e01(source: Path, target_base: Path, segment_bytes: int = 1 << 20) -> list[Path]:
    """Acquire `source` into an E01 segment set with `ewfacquire` (unattended, uncompressed).

    Returns:
        The segment files, first to last.
    """
    need("ewfacquire")
    _run(
        "ewfacquire", "-u", "-q", "-c", "none", "-S", str(segment_bytes), "-t", target_base, source
    )
    return sorted(target_base.parent.glob(target_base.name + ".E??"))
