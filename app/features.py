"""The feature list: every feature of the workbench declared once, as data.

Each `Feature` names, by module path, what it adds to each entry point: its `pwb` command
modules, its export formats. Nothing here imports a feature's code: the entry points import a
module when it is used (`pwb export --format csv` loads the CSV writer and nothing else), so
start-up stays fast. A registry filled by an import's side effect breaks as soon as that import
becomes lazy; deriving every registry from this one list cannot drift.

To add an export format: write `write_x(case, out, *, actor=None) -> dict` (a summary with at
least `path` and `sha256`) in the feature's module, then add one `ExportFormat` to the feature's
entry below. `pwb export --format x`, its `--help` and File > Export in the GUI follow.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from forensics.case import Case

CaseExporter = Callable[..., dict[str, Any]]
"""`write(case, out, *, actor=None) -> summary` (path, sha256 and counts)."""


def load(target: str) -> Any:
    """The object named by `"package.module:attribute"`, imported now.

    Raises:
        ImportError: the module is missing.
        AttributeError: the module has no such attribute.
    """
    module, _, attribute = target.partition(":")
    if not attribute:
        raise ValueError(f"{target!r}: expected 'module:attribute'")
    return getattr(importlib.import_module(module), attribute)


@dataclass(frozen=True)
class ExportFormat:
    """A format of `pwb export` and File > Export: the whole case written into one file."""

    name: str
    """What `--format` takes (lower case)."""
    writer: str
    """`"module:function"`, called as `function(case, out, actor=...)`."""
    label: str
    """The GUI's menu text."""
    suffix: str
    """The file name's suffix the save dialog proposes."""

    def write(self, case: Case, out: Path, actor: str | None = None) -> dict[str, Any]:
        """Write the case into `out` in this format; returns the writer's summary."""
        writer: CaseExporter = load(self.writer)
        return writer(case, out, actor=actor)


@dataclass(frozen=True)
class Feature:
    """One feature and what it adds to each entry point (all by module path)."""

    name: str
    exports: tuple[ExportFormat, ...] = ()


FEATURES: tuple[Feature, ...] = (
    Feature(
        "geolocation",
        exports=(
            ExportFormat("geojson", "geoloc.export_geo:write_geojson", "&GeoJSON…", ".geojson"),
            ExportFormat("kml", "geoloc.export_geo:write_kml", "&KML…", ".kml"),
        ),
    ),
    Feature(
        "exchange",
        exports=(
            ExportFormat(
                "case-uco",
                "forensics.exchange.case_uco:write_case_uco",
                "&CASE/UCO JSON-LD…",
                ".jsonld",
            ),
            ExportFormat(
                "csv", "forensics.exchange.csv_export:write_items_csv", "Items as C&SV…", ".csv"
            ),
        ),
    ),
)
"""Every feature, in the order their contributions appear."""


def _unique(names: list[str], what: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise RuntimeError(f"two features declare the {what} {name!r}")
        seen.add(name)


def export_formats() -> dict[str, ExportFormat]:
    """Every `pwb export` format by name, in declaration order.

    Raises:
        RuntimeError: two features declare the same format.
    """
    formats = [fmt for feature in FEATURES for fmt in feature.exports]
    _unique([f.name for f in formats], "export format")
    return {f.name: f for f in formats}
