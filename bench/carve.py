"""Carving a card image: `carve_disk_image` against PhotoRec run by hand on the same image.

The image is a FAT32 file system made with mkfs.fat, holding corpus JPEGs and MP4s written
straight into free clusters. Baseline, measured in the same run on the same image: the very
`photorec /log /d DIR /cmd IMAGE partition_none,...,freespace,search` command the workbench
runs, alone (no hashing, no evidence store, no records). Ours adds reading PhotoRec's progress
and report, hashing and storing each carved file, its item and custody entry. For an E01 of the
same image ours first writes the media out raw for PhotoRec (Debian's is built without libewf).

    .venv/bin/python bench/carve.py [--mib 512] [--files 300] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forensics.case import Case
from forensics.intake.carve import carve_disk_image
from forensics.intake.ingest import IngestOptions, ingest_paths
from forensics.intake.photorec import command
from forensics.jobs import CancelToken
from forensics.models import Item

CORPUS = Path(os.environ.get("PWB_CORPUS") or Path(__file__).resolve().parents[2] / "shared/corpus")


def make_image(path: Path, mib: int, files: int) -> int:
    """A FAT32 image with `files` corpus files in free clusters; returns the bytes hidden."""
    subprocess.run(
        ["mkfs.fat", "-F", "32", "-C", str(path), str(mib * 1024)], check=True, capture_output=True
    )
    sources = sorted((CORPUS / "exif-samples/jpg").glob("*.jpg"))[:20]
    sources.append(CORPUS / "video/pyscenedetect/counter.mp4")
    blobs = [p.read_bytes() for p in sources]
    step = (mib << 20) // (files + 2) // 65536 * 65536
    hidden = 0
    with path.open("r+b") as f:
        for n in range(files):
            data = blobs[n % len(blobs)]
            f.seek((n + 1) * step)
            f.write(data)
            hidden += len(data)
    return hidden


def baseline(image: Path, work: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        ["photorec", "/log", "/d", str(work / "recup"), "/cmd", str(image),
         command("partition_none", None)],
        cwd=work, check=True, capture_output=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - started


def ours(case_root: Path, image: Item, segments: list[Item]) -> tuple[float, int]:
    with Case.open(case_root) as case:
        started = time.perf_counter()
        out = carve_disk_image(
            case, image, IngestOptions(post_ingest=()), cancel=CancelToken(), segments=segments
        )
        elapsed = time.perf_counter() - started
    return elapsed, sum(o.status == "ingested" for o in out)


def main() -> None:
    from app.features import install

    install()  # the schema components and formats the features declare
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=512)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="pwb-bench-carve-"))
    try:
        image = root / "card.img"
        hidden = make_image(image, args.mib, args.files)
        subprocess.run(
            ["ewfacquire", "-u", "-q", "-c", "none", "-S", "1500MiB", "-t", str(root / "card"),
             str(image)], check=True, capture_output=True, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        print(f"{args.mib} MiB FAT32 image, {args.files} files ({hidden:,} bytes) hidden")
        best: dict[str, float] = {}
        for r in range(args.rounds):
            for label in ("photorec", "raw", "e01"):
                work = root / f"w-{label}-{r}"
                work.mkdir()
                if label == "photorec":
                    seconds = baseline(image, work)
                    found = len(list(work.glob("recup.*/f*")))
                else:
                    source = image if label == "raw" else root / "card.E01"
                    with Case.create(work / "case", title="bench", examiner="bench") as case:
                        report = ingest_paths(
                            case, [source], IngestOptions(post_ingest=(), expand_disk_images=False)
                        )
                        item = report.items[0]
                    seconds, found = ours(work / "case", item, [])
                best[label] = min(best.get(label, seconds), seconds)
                print(f"round {r + 1} {label:>8}: {seconds:6.2f} s, {found} files carved")
                shutil.rmtree(work)
        base = best["photorec"]
        for label in ("raw", "e01"):
            print(f"{label:>4}: {best[label]:.2f} s = {best[label] / base:.2f} x photorec alone "
                  f"({base:.2f} s)")  # fmt: skip
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
