"""The fast copy path gives the same bytes and hashes as hashlib, whatever the size's tail."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from forensics.errors import CancelledError
from forensics.jobs import CancelToken
from forensics.store.evidence import EvidenceStore
from forensics.store.fastcopy import BUFFER


@pytest.mark.parametrize("size", [8 << 20, (8 << 20) + 1, 3 * BUFFER + 4095, 5 * BUFFER - 512])
def test_copy_matches_hashlib(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    source = tmp_path / "source.bin"
    source.write_bytes(data)
    store = EvidenceStore(tmp_path / "case")
    store.create_dirs()
    seen: list[int] = []
    fd = os.open(source, os.O_RDONLY)
    try:
        tmp, blob = store.copy_in_fd(fd, size, CancelToken(), seen.append)
    finally:
        os.close(fd)
    assert blob.sha256 == hashlib.sha256(data).hexdigest()
    assert blob.md5 == hashlib.md5(data).hexdigest()
    assert blob.size == size == sum(seen)
    assert blob.head == data[:4096]
    assert tmp.read_bytes() == data


def test_cancel_leaves_no_copy(tmp_path: Path) -> None:
    source = tmp_path / "source.bin"
    source.write_bytes(os.urandom(4 * BUFFER))
    store = EvidenceStore(tmp_path / "case")
    store.create_dirs()
    cancel = CancelToken()

    def stop(n: int) -> None:
        cancel.cancel()

    fd = os.open(source, os.O_RDONLY)
    try:
        with pytest.raises(CancelledError):
            store.copy_in_fd(fd, 4 * BUFFER, cancel, stop)
    finally:
        os.close(fd)
    assert list(store.tmp_dir.iterdir()) == []
