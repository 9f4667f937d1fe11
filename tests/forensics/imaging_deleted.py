"""Images with a deleted folder full of files, made at test time with each file system's own
tools, and The Sleuth Kit's own listing of them (`fls -r -p`, `icat`) to compare with.

- FAT32: mtools (`mcopy`, then `mdeltree`: the folder's first cluster stays, the rest of its
  listing is lost, so TSK finds most of its files as `$OrphanFiles`);
- exFAT: `mkfs.exfat` and the exfat-fuse driver on a loop device (no tool writes exFAT
  without mounting it), `rm -r` through the driver;
- ext4: `mke2fs -d`, then `debugfs -w` removes the files and the folder;
- NTFS: `mkntfs` + `ntfscp`, then libntfs-3g deletes the files and the folder (see
  `imaging_ntfs`).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.forensics.imaging import FAT_MTIME, need


def _run(*args: str | Path, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(a) for a in args],
        check=check,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "MTOOLS_SKIP_CHECK": "1"},
    )


def make_fat32(dest: Path, files: dict[str, bytes], gone: dict[str, bytes]) -> Path:
    """A FAT32 volume holding `files`, and the folder `/GONE` with `gone` in it, deleted."""
    need("mkfs.fat", "mcopy", "mmd", "mdeltree")
    _run("mkfs.fat", "-C", "-F", "32", "-n", "CARD", dest, "40000")
    staging = Path(tempfile.mkdtemp(dir=dest.parent))
    made: set[str] = set()
    for n, (inner, data) in enumerate({**files, **gone}.items()):
        parts = inner.strip("/").split("/")
        for i in range(1, len(parts)):
            folder = "/".join(parts[:i])
            if folder not in made:
                _run("mmd", "-i", dest, f"::/{folder}")
                made.add(folder)
        local = staging / str(n)
        local.write_bytes(data)
        os.utime(local, (FAT_MTIME, FAT_MTIME))
        _run("mcopy", "-m", "-i", dest, local, f"::/{'/'.join(parts)}")
    _run("mdeltree", "-i", dest, "::/GONE")
    shutil.rmtree(staging)
    return dest


def make_ext4(dest: Path, files: dict[str, bytes], gone: dict[str, bytes]) -> Path:
    """An ext4 volume holding `files`, and `/GONE` with `gone`, removed by debugfs."""
    need("mke2fs", "debugfs")
    staging = Path(tempfile.mkdtemp(dir=dest.parent))
    for inner, data in {**files, **gone}.items():
        path = staging / inner.strip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    _run("mke2fs", "-q", "-t", "ext4", "-d", staging, dest, "16M")
    shutil.rmtree(staging)
    for inner in gone:
        _run("debugfs", "-w", "-R", f"rm {inner}", dest)
    if gone:
        _run("debugfs", "-w", "-R", "rmdir /GONE", dest)
    return dest


def make_exfat(dest: Path, files: dict[str, bytes], gone: dict[str, bytes]) -> Path:
    """An exFAT volume holding `files`, and `/GONE` with `gone`, removed through the driver.

    Skips when this machine cannot mount it (no loop device or FUSE, not root).
    """
    need("mkfs.exfat", "mount.exfat-fuse", "losetup")
    with open(dest, "wb") as f:
        f.truncate(16 << 20)
    _run("mkfs.exfat", dest)
    loop = _run("losetup", "-f", "--show", dest, check=False)
    if loop.returncode != 0:
        pytest.skip(f"cannot attach a loop device here: {loop.stderr.decode().strip()}")
    device = loop.stdout.decode().strip()
    mount = Path(tempfile.mkdtemp(dir=dest.parent))
    try:
        done = _run("mount.exfat-fuse", device, mount, check=False)
        if done.returncode != 0:
            pytest.skip(f"cannot mount exFAT through FUSE here: {done.stderr.decode().strip()}")
        try:
            for inner, data in {**files, **gone}.items():
                path = mount / inner.strip("/")
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            shutil.rmtree(mount / "GONE")
        finally:
            _run("umount", mount)
    finally:
        _run("losetup", "-d", device, check=False)
        mount.rmdir()
    return dest


_FLS = re.compile(r"^(\S)/(\S) (?:\* )?([0-9-]+)(?:\(realloc\))?:\t(.*)$")


def tsk_listing(image: Path, *, offset: int | None = None) -> dict[str, tuple[str, str | None]]:
    """What TSK lists in a volume: path -> ("file", sha256 of what `icat` reads) or
    ("folder", None); without TSK's virtual files and the FAT volume label.

    Args:
        image: a raw image.
        offset: the volume's start sector on a partitioned disk.
    """
    need("fls", "icat")
    where = ["-o", str(offset)] if offset is not None else []
    listing = _run("fls", "-r", "-p", *where, image).stdout.decode("utf-8", "surrogateescape")
    out: dict[str, tuple[str, str | None]] = {}
    for line in listing.splitlines():
        m = _FLS.match(line)
        assert m, f"unexpected fls line {line!r}"
        meta_type, address, path = m.group(2), m.group(3), m.group(4)
        if meta_type == "v" or path.endswith("(Volume Label Entry)"):
            continue
        if meta_type in ("d", "V"):
            out[path] = ("folder", None)
        elif meta_type == "r":
            data = _run("icat", *where, image, address, check=False).stdout
            out[path] = ("file", hashlib.sha256(data).hexdigest())
    return out


def without_empty_orphans(listing: dict[str, tuple[str, str | None]]) -> dict[str, Any]:
    """The listing without TSK's virtual `$OrphanFiles` folder when nothing is left in it
    (a case shows that folder only when it holds an orphan)."""
    if not any(p.startswith("$OrphanFiles/") for p in listing):
        listing = {p: v for p, v in listing.items() if p != "$OrphanFiles"}
    return listing
