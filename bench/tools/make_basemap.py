"""Convert world-atlas's countries-50m TopoJSON into the compact basemap the map view draws.

One-off tool, kept so the shipped file can be rebuilt and checked. Run it on the npm package:

    cd "$(mktemp -d)" && npm pack world-atlas@2 && tar xzf world-atlas-2.0.2.tgz
    .venv/bin/python bench/tools/make_basemap.py package/countries-50m.json \
        resources/geo/countries-50m.json.gz

The TopoJSON arcs are delta-encoded and quantized; this decodes them (TopoJSON spec 1.0:
`position = previous + delta`, then `x * scale + translate`), stitches each polygon's rings
from its arcs (a negative index `~i` means arc `i` reversed) and writes every ring as a flat
list of integer thousandths of a degree, delta-encoded again (lon, lat, dlon, dlat, ...) so
the gzipped file stays small. Data: Natural Earth 1:50m admin-0 countries (public domain),
packaged by Mike Bostock's world-atlas (ISC licence).
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

SCALE = 1000  # thousandths of a degree: about 110 m, finer than the 1:50m data itself


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Absolute (lon, lat) positions of every arc."""
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    """Stitch one ring from arc indexes; consecutive arcs share their joining point."""
    out: list[tuple[float, float]] = []
    for index in indexes:
        points = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        out.extend(points if not out else points[1:])
    return out


def encode(points: list[tuple[float, float]]) -> list[int]:
    """Flat delta-encoded integer thousandths, consecutive duplicates dropped."""
    flat: list[int] = []
    px = py = 0
    last: tuple[int, int] | None = None
    for lon, lat in points:
        q = (round(lon * SCALE), round(lat * SCALE))
        if q == last:
            continue
        flat += [q[0] - px, q[1] - py]
        px, py = q
        last = q
    return flat


def convert(topology: dict[str, Any]) -> dict[str, Any]:
    """The compact basemap document."""
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        rings = [encode(ring(arcs, r)) for polygon in polygons for r in polygon]
        countries.append(
            {
                "id": geometry.get("id"),
                "name": geometry.get("properties", {}).get("name", ""),
                "rings": [r for r in rings if len(r) >= 6],
            }
        )
    return {
        "format": "pwb-basemap-1",
        "scale": SCALE,
        "source": "Natural Earth 1:50m admin-0 countries via world-atlas@2.0.2 countries-50m.json",
        "license": "Natural Earth: public domain; world-atlas packaging: ISC (Mike Bostock)",
        "countries": countries,
    }


def main(argv: list[str]) -> int:
    """Read the TopoJSON file named first, write the compact gzip file named second."""
    src, dest = Path(argv[0]), Path(argv[1])
    document = convert(json.loads(src.read_text(encoding="utf-8")))
    data = json.dumps(document, separators=(",", ":")).encode("ascii")
    dest.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    print(f"{dest}: {len(document['countries'])} countries, {dest.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
