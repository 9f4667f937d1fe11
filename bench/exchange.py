"""Pack and unpack of a case holding 1 GiB of evidence against plain `zipfile`.

Baselines, measured in the same run on the same files: `zipfile.ZipFile.write` of every evidence
file and the database (stored, no hashing, no manifest, no fsync) for pack; `extractall` of
that archive (no checks at all) for unpack. Ours hashes every byte while copying, writes the
manifest, checks the manifest, names, sizes, ratios and hashes while inflating, verifies the
records and chain, fsyncs and renames into place.

    .venv/bin/python bench/exchange.py [--gib 1] [--files 8] [--rounds 2]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forensics.case import Case
from forensics.exchange.archive_checks import Limits
from forensics.exchange.pack import pack_case
from forensics.exchange.unpack import unpack_archive
from forensics.intake.ingest import IngestOptions, ingest_paths


def make_case(root: Path, gib: float, files: int) -> Case:
    src = root / "src"
    src.mkdir()
    size = int(gib * (1 << 30)) // files
    rng = np.random.default_rng(7)
    for n in range(files):
        with open(src / f"evidence-{n}.bin", "wb") as fh:
            left = size
            while left:
                chunk = min(left, 64 << 20)
                fh.write(rng.bytes(chunk))
                left -= chunk
    case = Case.create(root / "case", title="bench", examiner="bench")
    ingest_paths(case, [str(src)], IngestOptions(post_ingest=()))
    shutil.rmtree(src)
    return case


def baseline_pack(case: Case, out: Path) -> None:
    with zipfile.ZipFile(out, "w") as zf:
        zf.write(case.root / "case.db", "case.db")
        for item in case.items.content_items():
            assert item.sha256 is not None
            path = case.evidence.path_of(item.sha256)
            zf.write(path, f"evidence/{item.sha256}")


def baseline_unpack(archive: Path, dest: Path) -> None:
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(dest)


def _unpack_unsigned(archive: Path, dest: Path) -> None:
    unpack_archive(archive, dest, limits=Limits(accept_unsigned=True))


def timed(fn: object, *args: object) -> float:
    start = time.perf_counter()
    fn(*args)  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    from app.features import install

    install()  # the schema components and formats the features declare
    parser = argparse.ArgumentParser()
    parser.add_argument("--gib", type=float, default=1.0)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="pwb-bench-exchange-"))
    try:
        case = make_case(root, args.gib, args.files)
        total = sum(i.size or 0 for i in case.items.content_items())
        best = {"zip_write": 1e9, "pack": 1e9, "zip_extract": 1e9, "unpack": 1e9}
        for r in range(args.rounds):
            base_zip, ours_zip = root / f"base-{r}.zip", root / f"ours-{r}.pwbcase"
            best["zip_write"] = min(best["zip_write"], timed(baseline_pack, case, base_zip))
            best["pack"] = min(best["pack"], timed(pack_case, case, ours_zip))
            best["zip_extract"] = min(
                best["zip_extract"], timed(baseline_unpack, base_zip, root / f"bx-{r}")
            )
            best["unpack"] = min(
                best["unpack"], timed(_unpack_unsigned, ours_zip, root / f"ox-{r}")
            )
            for p in (base_zip, ours_zip):
                p.unlink()
            shutil.rmtree(root / f"bx-{r}")
            shutil.rmtree(root / f"ox-{r}")
        case.close()
        mib = total / (1 << 20)
        print(f"evidence: {mib:.0f} MiB in {args.files} files, best of {args.rounds} rounds")
        for key, seconds in best.items():
            print(f"  {key:<12} {seconds:6.2f} s  {mib / seconds:7.0f} MiB/s")
        print(f"pack   / zipfile write   = {best['zip_write'] / best['pack']:.2f}  (target >= 0.7)")
        print(
            f"unpack / zipfile extract = {best['zip_extract'] / best['unpack']:.2f}  "
            "(target >= 0.7)"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
