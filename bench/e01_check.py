"""The E01 integrity check at ingest against `ewfverify` doing the same job, in the same run.

An E01 of `--size-mib` MiB (half random, half zeros, as a card with free space) is made with
`ewfacquire` (uncompressed, with SHA-1). Baseline: `ewfverify -q -d sha1` (reads every chunk,
checks its checksum, hashes the media with MD5 and SHA-1). Ours: what `ewf_check.check_e01`
does besides bookkeeping (`ewf_check.verify_media`): the media read through libewf and hashed
(MD5 and SHA-1) while a second thread checks every chunk of the segment files against its
checksum (`ewf_chunks`). Warm page cache,
alternating, best of `--rounds`; the ratio is our time / ewfverify's time.

    .venv/bin/python bench/e01_check.py [--size-mib 512] [--rounds 3]
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

from forensics.intake.ewf import EwfMedia
from forensics.intake.ewf_check import verify_media
from forensics.jobs import CancelToken, no_progress


def make_e01(work: Path, mib: int) -> list[Path]:
    """An uncompressed E01 set of `mib` MiB of media, half random and half zeros."""
    raw = work / "card.img"
    with open(raw, "wb") as f:
        for i in range(mib):
            f.write(os.urandom(1 << 20) if i % 2 == 0 else bytes(1 << 20))
    subprocess.run(
        ["ewfacquire", "-u", "-q", "-c", "none", "-d", "sha1", "-t", str(work / "card"), str(raw)],
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    raw.unlink()
    return sorted(work.glob("card.E??"))


def ewfverify(segments: list[Path]) -> float:
    start = time.perf_counter()
    subprocess.run(
        ["ewfverify", "-q", "-d", "sha1", str(segments[0])], check=True, capture_output=True
    )
    return time.perf_counter() - start


def ours(segments: list[Path]) -> float:
    start = time.perf_counter()
    media = EwfMedia(segments)
    try:
        named = [(p.name, p) for p in segments]
        (md5, sha1, _read, short), report = verify_media(
            media, named, CancelToken(), no_progress, "card.E01"
        )
        stored = media.stored_hashes()
    finally:
        media.close()
    if short is not None or (stored["MD5"], stored["SHA1"]) != (md5, sha1):
        raise SystemExit(f"the check failed on a sound E01: {short or 'hash mismatch'}")
    if not report.checked or report.damaged or report.not_checked:
        raise SystemExit(f"the chunk check failed on a sound E01: {report}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=512)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for tool in ("ewfacquire", "ewfverify"):
        if shutil.which(tool) is None:
            sys.exit(f"needs {tool} (apt-get install ewf-tools)")
    work = Path(tempfile.mkdtemp(prefix="pwb-bench-e01-"))
    try:
        segments = make_e01(work, args.size_mib)
        theirs_t: list[float] = []
        ours_t: list[float] = []
        for _ in range(args.rounds):
            theirs_t.append(ewfverify(segments))
            ours_t.append(ours(segments))
        best_theirs, best_ours = min(theirs_t), min(ours_t)
        print(f"media: {args.size_mib} MiB in {len(segments)} segment(s), best of {args.rounds}")
        print(f"ewfverify -d sha1:        {best_theirs:7.2f} s")
        print(f"pwb E01 check (hash+chunks): {best_ours:7.2f} s")
        print(f"ratio ours / ewfverify:   {best_ours / best_theirs:7.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
