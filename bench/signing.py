"""What signing every custody entry costs: recorded writes with a key against without one.

Each round makes two fresh cases in a temporary folder and adds `--items` hardware items to
each through `Case.add_item` (one recorded write and one custody entry per item, one
transaction each, as `pwb add` and the GUI do): one case with no examiner (entries unsigned,
the baseline), one signed by an examiner's Ed25519 key (the signer's first entry also adds its
key to the case). The two alternate within a round and the median of the rounds' ratios is
reported, so the load of a shared machine weighs on both alike. Then `verify_case` of each
case (no evidence files: the chain, the records and, for the signed one, every signature)
is timed the same way.

    .venv/bin/python bench/signing.py [--items 2000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from app.features import install
from forensics.case import Case
from forensics.identity import Examiner, use_examiner
from forensics.verify import verify_case


def _fill(root: Path, items: int, signer: Examiner | None) -> tuple[float, float]:
    """Seconds to add the items, and seconds to verify the case afterwards."""
    use_examiner(signer)
    with Case.create(root, title="bench", examiner="Bench") as case:
        start = time.perf_counter()
        for n in range(items):
            case.add_item(kind="hardware", name=f"part {n}")
        added = time.perf_counter() - start
        start = time.perf_counter()
        report = verify_case(case, record_result=False)
        verified = time.perf_counter() - start
    assert report.ok, report.findings
    return added, verified


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    install()
    examiner = Examiner.generate("Bench Examiner", organisation="Bench Lab")
    write_ratios: list[float] = []
    verify_ratios: list[float] = []
    rows: list[str] = []
    for n in range(args.rounds):
        work = Path(tempfile.mkdtemp(prefix="pwb-bench-signing-"))
        try:
            load = os.getloadavg()[0]
            plain_add, plain_verify = _fill(work / "plain", args.items, None)
            signed_add, signed_verify = _fill(work / "signed", args.items, examiner)
        finally:
            use_examiner(None)
            shutil.rmtree(work, ignore_errors=True)
        write_ratios.append(signed_add / plain_add)
        verify_ratios.append(signed_verify / plain_verify)
        rows.append(
            f"round {n + 1} (load {load:.1f}): add {plain_add:.2f} s unsigned, "
            f"{signed_add:.2f} s signed; verify {plain_verify:.2f} s / {signed_verify:.2f} s"
        )
    for row in rows:
        print(row)
    per_entry = statistics.median(write_ratios)
    print(f"{args.items} recorded writes: signed/unsigned time = {per_entry:.2f}x (median)")
    print(f"verify of {args.items + 2} entries: signed/unsigned = "
          f"{statistics.median(verify_ratios):.2f}x (median)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
