"""Building GPT disks and NTFS volumes at test time with the real tools.

GPT: `sgdisk` (package gdisk) writes the partition table; the file systems are written into it
at their partitions' offsets. NTFS: `mkntfs` formats, `ntfscp` copies files in and writes named
streams (`ntfscp -N stream`), all straight into the image file. Two things no ntfs-3g command
does without a FUSE mount (not available in CI containers) are making a folder and deleting a
file; for those the tests call libntfs-3g itself (the library the ntfs-3g driver is built on)
through ctypes, so the deletion is the real driver's, not bytes poked into the MFT.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import stat
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.forensics.imaging import FAT_MTIME, need

SECTOR = 512
_AT_DATA = 0x80


def _run(*args: str | Path) -> None:
    subprocess.run(
        [str(a) for a in args], check=True, capture_output=True, stdin=subprocess.DEVNULL
    )


def make_gpt_disk(dest: Path, partitions: list[tuple[str, bytes]]) -> tuple[Path, list[int]]:
    """A whole-disk GPT image holding each (type code, file-system image) as a partition.

    Args:
        dest: the disk image to create.
        partitions: `sgdisk` type codes ("0700" basic data, "8300" Linux) and the bytes of
            each partition's file system, in order.

    Returns:
        The disk, and each partition's start sector.
    """
    need("sgdisk")
    sizes = [(len(data) + SECTOR - 1) // SECTOR for _, data in partitions]
    total = 2048 + sum(-(-s // 2048) * 2048 for s in sizes) + 2048  # room for the backup table
    with open(dest, "wb") as f:
        f.truncate(total * SECTOR)
    args: list[str | Path] = ["sgdisk", "-o"]
    for number, ((code, _), sectors) in enumerate(zip(partitions, sizes, strict=True), 1):
        args += ["-n", f"{number}:0:+{sectors}", "-t", f"{number}:{code}"]
        args += ["-c", f"{number}:part{number}"]
    _run(*args, dest)
    starts = [_gpt_start(dest, n) for n in range(1, len(partitions) + 1)]
    with open(dest, "r+b") as f:
        for start, (_, data) in zip(starts, partitions, strict=True):
            f.seek(start * SECTOR)
            f.write(data)
    return dest, starts


def _gpt_start(disk: Path, number: int) -> int:
    out = subprocess.run(
        ["sgdisk", "-i", str(number), str(disk)], check=True, capture_output=True, text=True
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("First sector:"))
    return int(line.split(":")[1].split()[0])


def make_ntfs_image(
    dest: Path,
    files: dict[str, bytes],
    streams: dict[str, dict[str, bytes]],
    deleted: dict[str, bytes],
    size_kib: int = 8192,
) -> Path:
    """An NTFS volume holding `files`, named `streams` on some of them, and deleted files.

    Args:
        dest: the image file to create.
        files: path inside the volume ("/DCIM/100MEDIA/x.jpg") -> content; folders are made.
        streams: path of a file or folder -> {stream name: content}.
        deleted: name in the root folder -> content, copied in and then deleted.
    """
    need("mkntfs", "ntfscp")
    with open(dest, "wb") as f:
        f.truncate(size_kib * 1024)
    _run("mkntfs", "-F", "-q", "-f", "-s", "512", "-c", "4096", "-L", "CARD", dest)
    folders = sorted(
        {"/".join(p.strip("/").split("/")[:i]) for p in files for i in range(1, p.count("/"))}
    )
    if folders:
        with _volume(dest) as vol:
            for folder in folders:
                vol.mkdir("/" + folder)
    staging = dest.parent / (dest.name + ".src")
    staging.mkdir()
    pieces = [
        (p, None, d) for p, d in {**files, **{"/" + k: v for k, v in deleted.items()}}.items()
    ]
    pieces += [
        (p, name, d)
        for p, named in streams.items()
        if not _is_folder(p, folders)
        for name, d in named.items()
    ]
    # Writing a stream touches its file's times: its content goes in again last, with them.
    pieces += [(p, None, files[p]) for p in streams if p in files]
    for number, (inner, stream, data) in enumerate(pieces):
        local = staging / str(number)
        local.write_bytes(data)
        os.utime(local, (FAT_MTIME, FAT_MTIME))
        # ntfscp keeps the source's time (-t) only for a file's content, not for a stream.
        named = ["-N", stream] if stream else ["-t"]
        _run("ntfscp", "-q", *named, dest, local, inner)
    # ntfscp copies into a folder rather than onto it: a folder's streams need the library.
    folder_streams = {p: named for p, named in streams.items() if _is_folder(p, folders)}
    if deleted or folder_streams:
        with _volume(dest) as vol:
            for folder, named in folder_streams.items():
                for name, data in named.items():
                    vol.add_stream(folder, name, data)
            for name in deleted:
                vol.delete("/" + name)
    for local in staging.iterdir():
        local.unlink()
    staging.rmdir()
    return dest


def _is_folder(path: str, folders: list[str]) -> bool:
    return path == "/" or path.strip("/") in folders


class _Ntfs3g:
    """The few libntfs-3g calls the tests need, on a mounted (in-process) volume."""

    def __init__(self, lib: ctypes.CDLL, vol: int) -> None:
        self._lib = lib
        self._vol = vol

    def _inode(self, path: str) -> int:
        ni = self._lib.ntfs_pathname_to_inode(self._vol, None, path.encode())
        if not ni:
            raise OSError(ctypes.get_errno(), f"ntfs-3g cannot find {path}")
        return int(ni)

    def _name(self, name: str) -> tuple[ctypes.c_void_p, int]:
        out = ctypes.c_void_p()
        length = self._lib.ntfs_mbstoucs(name.encode(), ctypes.byref(out))
        if length <= 0:
            raise OSError(ctypes.get_errno(), f"ntfs-3g cannot convert {name}")
        return out, length

    def mkdir(self, path: str) -> None:
        parent, name = path.rsplit("/", 1)
        dir_ni = self._inode(parent or "/")
        uname, length = self._name(name)
        ni = self._lib.ntfs_create(dir_ni, 0, uname, length, stat.S_IFDIR)
        _libc().free(uname)
        if not ni:
            raise OSError(ctypes.get_errno(), f"ntfs-3g cannot make {path}")
        self._lib.ntfs_inode_close(ni)
        self._lib.ntfs_inode_close(dir_ni)

    def add_stream(self, path: str, name: str, data: bytes) -> None:
        ni = self._inode(path)
        uname, length = self._name(name)
        failed = self._lib.ntfs_attr_add(ni, _AT_DATA, uname, length, data, len(data))
        _libc().free(uname)
        self._lib.ntfs_inode_close(ni)
        if failed:
            raise OSError(ctypes.get_errno(), f"ntfs-3g cannot add stream {name} to {path}")

    def delete(self, path: str) -> None:
        parent, name = path.rsplit("/", 1)
        dir_ni = self._inode(parent or "/")
        ni = self._inode(path)
        uname, length = self._name(name)
        # ntfs_delete closes both inodes whatever happens.
        failed = self._lib.ntfs_delete(self._vol, path.encode(), ni, dir_ni, uname, length)
        _libc().free(uname)
        if failed:
            raise OSError(ctypes.get_errno(), f"ntfs-3g cannot delete {path}")


def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(None)
    libc.free.argtypes = [ctypes.c_void_p]
    return libc


@contextmanager
def _volume(image: Path) -> Iterator[_Ntfs3g]:
    found = ctypes.util.find_library("ntfs-3g")
    if found is None:
        pytest.skip("needs libntfs-3g (apt-get install ntfs-3g)")
    lib = ctypes.CDLL(found, use_errno=True)
    ptr = ctypes.c_void_p
    lib.ntfs_mount.restype = ptr
    lib.ntfs_mount.argtypes = [ctypes.c_char_p, ctypes.c_ulong]
    lib.ntfs_umount.argtypes = [ptr, ctypes.c_int]
    lib.ntfs_pathname_to_inode.restype = ptr
    lib.ntfs_pathname_to_inode.argtypes = [ptr, ptr, ctypes.c_char_p]
    lib.ntfs_mbstoucs.argtypes = [ctypes.c_char_p, ctypes.POINTER(ptr)]
    lib.ntfs_create.restype = ptr
    lib.ntfs_create.argtypes = [ptr, ctypes.c_uint32, ptr, ctypes.c_uint8, ctypes.c_uint32]
    lib.ntfs_inode_close.argtypes = [ptr]
    lib.ntfs_attr_add.argtypes = [
        ptr,
        ctypes.c_uint32,
        ptr,
        ctypes.c_uint8,
        ctypes.c_char_p,
        ctypes.c_int64,
    ]
    lib.ntfs_delete.argtypes = [ptr, ctypes.c_char_p, ptr, ptr, ptr, ctypes.c_uint8]
    vol = lib.ntfs_mount(os.fsencode(image), 0)
    if not vol:
        raise OSError(ctypes.get_errno(), f"ntfs-3g cannot open {image}")
    try:
        yield _Ntfs3g(lib, vol)
    finally:
        if lib.ntfs_umount(vol, 0):
            raise OSError(ctypes.get_errno(), f"ntfs-3g cannot close {image}")
