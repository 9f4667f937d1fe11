"""GoPro GPMF telemetry: our pure-Python track reader against C demuxers, in the same run.

For each GoPro clip of the corpus, alternating, best of `--rounds`:
- ours: `read_gopro_track` (sample tables, every `gpmd` payload read, parsed, GPS decoded);
- PyAV: open the file and demux the `gpmd` data stream's packets (bytes only, no parsing),
  FFmpeg's C demuxer: the floor for getting the payloads out;
- MediaInfo: `pymediainfo.MediaInfo.parse`, which the container extractor already pays per
  video (and which does not decode GPMF).
A ratio below 1 means ours is faster.

    .venv/bin/python bench/gpmf.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import av
from pymediainfo import MediaInfo

from forensics.media.gpmf_track import read_gopro_track

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
CLIPS = ("video/gopro/hero7.mp4", "video/gopro/karma.mp4", "video/gopro/max-heromode.mp4")


def ours(path: Path) -> int:
    return len(read_gopro_track(path).fixes)


def pyav(path: Path) -> int:
    with av.open(str(path)) as container:
        streams = [
            s
            for s in container.streams
            if s.type == "data" and "GoPro MET" in (s.metadata.get("handler_name") or "")
        ]
        total = 0
        for packet in container.demux(streams):
            total += packet.size
        return total


def mediainfo(path: Path) -> int:
    return len(MediaInfo.parse(str(path)).tracks)


def timed(fn: Callable[[Path], int], path: Path) -> float:
    start = time.perf_counter()
    fn(path)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print("| clip | GPS fixes | ours | PyAV demux | MediaInfo | ours/PyAV | ours/MediaInfo |")
    print("|---|---|---|---|---|---|---|")
    for clip in CLIPS:
        path = CORPUS / clip
        if pyav(path) == 0:
            raise SystemExit(f"{clip}: PyAV found no GoPro MET data stream")
        t = {"ours": float("inf"), "pyav": float("inf"), "mediainfo": float("inf")}
        for _ in range(args.rounds):  # alternate, best of rounds: load spikes hit all three
            for name, fn in (("ours", ours), ("pyav", pyav), ("mediainfo", mediainfo)):
                t[name] = min(t[name], timed(fn, path))
        print(
            f"| `{Path(clip).name}` | {ours(path)} | {t['ours'] * 1e3:.1f} ms | "
            f"{t['pyav'] * 1e3:.1f} ms | {t['mediainfo'] * 1e3:.1f} ms | "
            f"**{t['ours'] / t['pyav']:.2f}** | **{t['ours'] / t['mediainfo']:.2f}** |"
        )


if __name__ == "__main__":
    main()
