"""Place names on the interactive map: choosing them per view, against a full scan.

    .venv/bin/python bench/map_labels.py

The map view chooses the place names of a view when it comes to rest after a pan or zoom
(while it moves the last choice is carried along). The baseline, measured in the same run, is
the report map's way for one static picture: `choose_labels` over every gazetteer place. The
measure is the same call over `PlaceIndex.within(extent)` (places bucketed by whole degrees;
a continental view walks places by population and stops at 600 in view). Both choose the same
labels (checked here for every view). Target: a choice in under 16 ms (one frame at 60 Hz).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geoloc.map_labels import Occupied, choose_labels, label_places, place_index
from geoloc.mapframe import Extent, Projection

VIEWS = {
    "world": Extent(-80, -180, 80, 180),
    "East Asia": Extent(15, 95, 45, 140),
    "Pearl River delta": Extent(21.5, 112.5, 23.5, 115.0),
    "Nanshan district": Extent(22.47, 113.87, 22.59, 113.99),
    "Kyiv": Extent(50.3, 30.3, 50.6, 30.8),
}


def _median_ms(fn, repeat: int = 15) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> int:
    t = time.perf_counter()
    places = label_places()
    index = place_index()
    print(f"places: {len(places)}, loaded and indexed in {time.perf_counter() - t:.2f} s")
    print(f"{'view':20} {'full scan':>10} {'index':>8} {'ratio':>7}  labels")
    worst = 0.0
    for name, extent in VIEWS.items():
        proj = Projection(extent, 1000, 650)

        def full(proj: Projection = proj) -> list:
            return choose_labels(places, proj, Occupied())

        def indexed(proj: Projection = proj, extent: Extent = extent) -> list:
            return choose_labels(index.within(extent), proj, Occupied())

        same = [x.place.name for x in full()] == [x.place.name for x in indexed()]
        base, fast = _median_ms(full), _median_ms(indexed)
        worst = max(worst, fast)
        print(
            f"{name:20} {base:8.1f} ms {fast:6.2f} ms {base / fast:6.1f}x  "
            f"{len(indexed())} {'same' if same else 'DIFFERENT'}"
        )
        if not same:
            return 1
    print(f"slowest indexed choice: {worst:.2f} ms (target < 16 ms)")
    return 0 if worst < 16 else 1


if __name__ == "__main__":
    raise SystemExit(main())
