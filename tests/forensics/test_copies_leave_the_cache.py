"""An ingest without extraction leaves its copies out of the page cache once they are
durable (nothing reads them soon; the next batch reuses the pages), and one with extraction
keeps them for the workers: `BlobMoves.keep_cached`, through `pwb ingest` as users run it."""

from __future__ import annotations

import os
from pathlib import Path

from forensics.store.durable import BlobMoves
from tests.app.cli_process import pwb
from tests.page_cache import require_droppable_cache, resident_pages


def _copies(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True)
    paths = [folder / f"{n}.part" for n in range(count)]
    for path in paths:
        path.write_bytes(os.urandom(200_000))  # through the page cache, dirty
    return paths


def test_durable_copies_leave_the_page_cache_unless_kept(tmp_path: Path) -> None:
    require_droppable_cache(tmp_path)
    placed: dict[bool, list[Path]] = {}
    for keep in (True, False):
        tmp = tmp_path / f"tmp-{keep}"
        copies = _copies(tmp, 3)
        finals = [tmp_path / f"store-{keep}" / "ab" / "cd" / c.name for c in copies]
        BlobMoves(
            str(tmp),
            tuple(str(c) for c in copies),
            tuple((str(c), str(f)) for c, f in zip(copies, finals, strict=True)),
            keep_cached=keep,
        ).run()
        placed[keep] = finals
    for final in placed[True]:
        assert resident_pages(final) == 49  # 200,000 bytes: every page still cached
        assert oct(final.stat().st_mode & 0o777) == "0o444"
    for final in placed[False]:
        assert resident_pages(final) == 0
        assert oct(final.stat().st_mode & 0o777) == "0o444"
        assert len(final.read_bytes()) == 200_000


def _card(root: Path, count: int) -> Path:
    folder = root / "DCIM" / "100CAMERA"
    folder.mkdir(parents=True)
    for n in range(count):
        (folder / f"IMG_{n:04d}.JPG").write_bytes(n.to_bytes(4, "big") + os.urandom(150_000))
    return folder.parent


def _stored(case: Path) -> list[Path]:
    return sorted(p for p in (case / "evidence").rglob("*") if p.is_file())


def test_pwb_ingest_without_extraction_leaves_its_copies_uncached(tmp_path: Path) -> None:
    require_droppable_cache(tmp_path)
    card = _card(tmp_path / "card", 40)
    for name, extra in (("kept", ()), ("dropped", ("--no-extract",))):
        case = tmp_path / name
        assert pwb("init", case, "--title", name, "--examiner", "E").returncode == 0
        done = pwb("ingest", case, card, *extra)
        assert done.returncode == 0, done.stderr[-2000:]
        stored = _stored(case)
        assert len(stored) == 40
        cached = sum(resident_pages(p) > 0 for p in stored)
        # With extraction the workers read every copy (not a JPEG: sniffed, then given
        # up), so each is cached; without it none is.
        assert cached == (40 if name == "kept" else 0), (name, cached)
