"""Thumbnails through Pillow's draft mode against a full decode, measured in the same run.

A 12-megapixel JPEG (4000x3000, made from a corpus photo, quality 90) is thumbnailed to
256 px `--rounds` times each way: with draft mode (the JPEG decoder scales by 1/8 while
decoding) and with a full decode. Prints the median milliseconds and the speed-up.

    .venv/bin/python bench/thumbnails.py [--rounds 10]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image

from forensics.media.thumbnails import make_thumbnail

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    with Image.open(CORPUS / "exif-samples/jpg/gps/DSCN0010.jpg") as src:
        big = src.convert("RGB").resize((4000, 3000), Image.Resampling.BICUBIC)
    out = io.BytesIO()
    big.save(out, "JPEG", quality=90)
    data = out.getvalue()
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(args.rounds):
        for draft in (True, False):
            start = time.perf_counter()
            make_thumbnail(data, draft=draft)
            times[draft].append((time.perf_counter() - start) * 1000)
    d, f = statistics.median(times[True]), statistics.median(times[False])
    print(
        f"12 MP JPEG ({len(data) / 1e6:.1f} MB) -> 256 px thumbnail + pHash: draft "
        f"{d:.0f} ms, full decode {f:.0f} ms, speed-up {f / d:.1f}x"
    )


if __name__ == "__main__":
    main()
