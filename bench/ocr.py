"""OCR on generated chip markings and Chinese street signs: accuracy, makers, places, speed.

The sets are drawn at run time (`app/demo/ocr_sets.py`): chip markings (part number or brand,
then a date code) on dark packages with rotation, blur, low contrast and noise, and blue or
green street signs naming Shenzhen's districts and China's largest cities in Chinese. For each
engine this prints:

- character accuracy: 1 - edit distance / length, text compared without spaces or case;
- markings whose first maker suggestion is the right maker, with the tolerant matcher
  (`read_markings.suggest_from_read`) and with the plain marking assistant (`suggest`) on the
  same OCR text: the baseline, measured in the same run;
- signs whose first place clue is the right place;
- seconds per region (the engine's call only; model loading is reported apart).

Targets (issue 20): makers >= 95 %, places >= 90 %, < 1 s per region on the 2-core machine.

    .venv/bin/python bench/ocr.py [--markings 111] [--signs 76] [--engine tesseract]

RapidOCR runs when `rapidocr_onnxruntime` is importable (it is not in the lock: see
`forensics/ocr/engines.py`); run it from an environment that has it, e.g.
`PYTHONPATH=. /path/to/venv-with-rapidocr/bin/python bench/ocr.py --engine rapidocr`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.demo.ocr_sets import markings, signs
from forensics.ocr.engines import engine_named
from forensics.provenance.markings import suggest
from forensics.provenance.read_markings import suggest_from_read
from geoloc.gazetteer import default_gazetteer
from geoloc.signage import place_clues


def distance(a: str, b: str) -> int:
    """Levenshtein distance."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def accuracy(read: str, truth: str) -> float:
    """1 - edit distance / length of the truth, spaces and case ignored (floored at 0)."""
    a = "".join(read.split()).casefold()
    b = "".join(truth.split()).casefold()
    return max(0.0, 1.0 - distance(a, b) / max(1, len(b)))


def run(engine_name: str, n_markings: int, n_signs: int, verbose: bool) -> None:
    engine = engine_named(engine_name)
    print(f"engine: {engine.version()}")
    gazetteer = default_gazetteer()
    gazetteer.places()
    started = time.perf_counter()
    engine.recognise(np.zeros((32, 32, 3), np.uint8), ("eng",))
    engine.recognise(np.zeros((32, 32, 3), np.uint8), ("chi_sim",))
    print(f"model loading (eng, chi_sim): {time.perf_counter() - started:.2f} s")
    times: list[float] = []
    acc: list[float] = []
    tolerant = plain = 0
    for m in markings(n_markings):
        rgb = np.asarray(m.image.convert("RGB"))
        t0 = time.perf_counter()
        text = "\n".join(line.text for line in engine.recognise(rgb, ("eng",)))
        times.append(time.perf_counter() - t0)
        acc.append(accuracy(text, m.text))
        first = suggest_from_read(text)
        ok = bool(first) and first[0].manufacturer == m.maker
        tolerant += ok
        base = suggest(text)
        plain += bool(base) and base[0].manufacturer == m.maker
        if verbose and not ok:
            print(f"  marking {m.lines!r} read {text!r}: {first[0].explain() if first else '-'}")
    mark_acc = statistics.mean(acc or [0.0])
    sign_acc: list[float] = []
    places = 0
    for s in signs(gazetteer, n_signs):
        rgb = np.asarray(s.image.convert("RGB"))
        t0 = time.perf_counter()
        text = "\n".join(line.text for line in engine.recognise(rgb, ("chi_sim",)))
        times.append(time.perf_counter() - t0)
        sign_acc.append(accuracy(text, s.text))
        clues = place_clues(text, gazetteer)
        ok = bool(clues) and clues[0].place.key == s.place_key
        places += ok
        if verbose and not ok:
            print(f"  sign {s.lines!r} read {text!r}: {clues[0].explain() if clues else '-'}")
    n = max(1, n_markings)
    print(f"markings: {n_markings}, character accuracy {mark_acc:.3f}")
    print(
        f"  right maker first: tolerant {tolerant / n:.1%} ({tolerant}), "
        f"plain assistant (baseline) {plain / n:.1%} ({plain}), "
        f"ratio {tolerant / max(1, plain):.2f}"
    )
    print(f"signs: {n_signs}, character accuracy {statistics.mean(sign_acc or [0.0]):.3f}")
    print(f"  right place first: {places / max(1, n_signs):.1%} ({places})")
    times.sort()
    print(
        f"seconds per region: median {statistics.median(times):.3f}, "
        f"p95 {times[int(0.95 * (len(times) - 1))]:.3f}, max {times[-1]:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markings", type=int, default=111, help="chip photos (3 per marking)")
    parser.add_argument("--signs", type=int, default=76, help="street signs (2 per place)")
    parser.add_argument("--engine", action="append", help="tesseract, rapidocr (repeatable)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every miss")
    args = parser.parse_args()
    for name in args.engine or ["tesseract"]:
        run(name, args.markings, args.signs, args.verbose)


if __name__ == "__main__":
    main()
