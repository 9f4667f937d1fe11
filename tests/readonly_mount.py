"""A case folder seen through a read-only bind mount: how a write-blocked disk, a DVD or a
read-only share looks to the workbench (EROFS on every write, even for root)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def read_only_view(source: Path, target: Path) -> Iterator[Path]:
    """`target` shows `source` read-only until the block ends.

    Skips the test when this sandbox may not mount (not root, no CAP_SYS_ADMIN): a chmod
    would not do instead, as root writes through it and the point is what the media refuses.
    """
    target.mkdir(parents=True)
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    bound = subprocess.run(
        ["mount", "--bind", str(source), str(target)], capture_output=True, check=False
    )
    if bound.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {bound.stderr.decode(errors='replace')}")
    try:
        subprocess.run(
            ["mount", "-o", "remount,ro,bind", str(target)], capture_output=True, check=True
        )
        probe = target / ".probe"
        try:
            probe.touch()
        except OSError:
            pass
        else:
            probe.unlink()
            pytest.fail("the read-only bind mount accepted a write")
        yield target
    finally:
        done = subprocess.run(["umount", str(target)], capture_output=True, check=False)
        if done.returncode != 0:
            # Still busy (a window of the test holds the case open until its teardown): detach
            # it now and let the kernel finish when the files close, or the mount outlives
            # the test and pytest cannot remove its folder.
            subprocess.run(["umount", "--lazy", str(target)], capture_output=True, check=False)
