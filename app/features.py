"""The feature list: every feature of the workbench declared once, as data.

Each `Feature` names, by module path, what it adds to each entry point: its `pwb` command
modules, its GUI contribution, its export formats (of the whole case, and of annotations), its
annotation import formats, the steps it runs after each ingest and its schema component.
Every registry is derived from `FEATURES`:

- `command_modules()`: what `app.cli` loads for a command (only that command's module);
- `gui_contributions()`: what the main window installs (`app.gui.build_window`);
- `export_formats()`: `pwb export --format` and File > Export in the GUI;
- `annotation_exports()` / `annotation_imports()`: `pwb annotations export|import` and the
  Annotations menu, through the core's `forensics.annotations.exchange.install_formats`;
- `post_ingest_steps()`: what `pwb ingest`, the GUI's ingest and the demo run on each new item;
- `schema_modules()`: the schema components, given to `forensics.store.migrations`.

Nothing here imports a feature's code: an entry point imports a module when it uses it
(`pwb export --format csv` loads the CSV writer and nothing else), so start-up stays fast.
The core never imports `app`: `install()` hands it what it needs, explicitly, at start (the
CLI's `main`, the GUI's `run_gui`, the test suite's conftest). A registry filled as a side
effect of importing some module breaks as soon as that import becomes lazy; deriving every
registry from this one list cannot drift.

To add an export format of the case: write `write_x(case, out, *, actor=None) -> dict` (a
summary with at least `path` and `sha256`) in the feature's module, then add one
`ExportFormat` to the feature's entry below. `pwb export --format x`, its `--help`, File >
Export in the GUI and the tests that walk this list (tests/app/test_features.py) follow.

The verify fetchers are not listed here: they are derived from the record declarations.

The entries are `NamedTuple`s, immutable like frozen dataclasses: every `pwb` run imports this
list, and a frozen dataclass costs ~0.5 ms to create at import (Python compiles its six
generated methods) where a `NamedTuple` costs ~0.05 ms.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from forensics.case import Case
    from forensics.intake.records import PostIngest

CaseExporter = Callable[..., dict[str, Any]]
"""`write(case, out, *, actor=None) -> summary` (path, sha256 and counts)."""


def load(target: str) -> Any:
    """The object named by `"package.module:attribute"`, imported now.

    Raises:
        ValueError: `target` does not name an attribute.
        ImportError: the module is missing.
        AttributeError: the module has no such attribute.
    """
    module, _, attribute = target.partition(":")
    if not attribute:
        raise ValueError(f"{target!r}: expected 'module:attribute'")
    return getattr(importlib.import_module(module), attribute)


class Commands(NamedTuple):
    """A `pwb` command module and the commands its `register(sub)` adds."""

    module: str
    names: tuple[str, ...]


class ExportFormat(NamedTuple):
    """A format of `pwb export` and File > Export: the whole case written into one file."""

    name: str
    """What `--format` takes (lower case)."""
    writer: str
    """`"module:function"`, called as `function(case, out, actor=...)`."""
    label: str
    """The GUI's menu text."""
    suffix: str
    """The file name's suffix the save dialog proposes."""
    shortcut: str
    """The GUI action's key sequence."""
    tip: str
    """The GUI action's status tip."""

    def write(self, case: Case, out: Path, actor: str | None = None) -> dict[str, Any]:
        """Write the case into `out` in this format; returns the writer's summary."""
        writer: CaseExporter = load(self.writer)
        return writer(case, out, actor=actor)


class Format(NamedTuple):
    """An annotation export or import format: its name and `"module:function"`."""

    name: str
    target: str


class PostIngestStep(NamedTuple):
    """Work run on each newly ingested item, in feature order.

    `factory` (`"module:callable"`) makes the step for one ingest run; a step may hold a
    resource for the run (the metadata extractor's worker process)."""

    name: str
    factory: str


class Feature(NamedTuple):
    """One feature and what it adds to each entry point (all by module path)."""

    name: str
    commands: tuple[Commands, ...] = ()
    gui: str | None = None
    """`"module:Class"` of its `ui.context.Contribution`."""
    exports: tuple[ExportFormat, ...] = ()
    annotation_exports: tuple[Format, ...] = ()
    annotation_imports: tuple[Format, ...] = ()
    post_ingest: tuple[PostIngestStep, ...] = ()
    schema: tuple[str, ...] = ()
    """Modules of `forensics.store.migrations` (one schema component each)."""


_MIGRATIONS = "forensics.store.migrations."

FEATURES: tuple[Feature, ...] = (
    Feature(
        "case",
        commands=(
            Commands(
                "app.cli.case_cmds",
                ("init", "add", "edit", "ingest", "items", "show", "log", "verify"),
            ),
            Commands("app.cli.export_cmd", ("export",)),
            Commands("app.cli.gui_cmd", ("gui",)),
            Commands("app.cli.identity_cmds", ("profile", "whoami", "seal")),
        ),
        schema=(_MIGRATIONS + "core",),
    ),
    Feature(
        "team",
        commands=(Commands("app.cli.team_cmds", ("team", "copy-case")),),
        gui="ui.team.contribution:TeamContribution",
    ),
    Feature(
        "media",
        commands=(Commands("app.cli.media_cmds", ("meta", "frames")),),
        post_ingest=(PostIngestStep("metadata", "forensics.media.extract:PostIngestExtraction"),),
        schema=(_MIGRATIONS + "media", _MIGRATIONS + "frames"),
    ),
    Feature(
        "annotations",
        commands=(Commands("app.cli.annotation_cmds", ("annotations",)),),
        gui="ui.annotate.contribution:AnnotateContribution",
        annotation_exports=(
            Format("coco", "forensics.annotations.coco:export_coco"),
            Format("cvat-video", "forensics.annotations.cvat_export:export_cvat"),
            Format("cvat-images", "forensics.annotations.cvat_images_export:export_cvat_images"),
            Format("mot", "forensics.annotations.mot:export_mot"),
            Format("png", "forensics.annotations.render_png:export_png"),
        ),
        # `cvat-video` and `cvat-images` name one reader: a CVAT 1.1 file says which it is.
        annotation_imports=(
            Format("coco", "forensics.annotations.coco:import_coco"),
            Format("cvat-video", "forensics.annotations.cvat_import:import_cvat"),
            Format("cvat-images", "forensics.annotations.cvat_import:import_cvat"),
        ),
        schema=(_MIGRATIONS + "annotation",),
    ),
    Feature(
        "geolocation",
        commands=(Commands("app.cli.geo_cmds", ("geo", "geocode")),),
        gui="ui.geo.contribution:GeoContribution",
        exports=(
            ExportFormat(
                "geojson",
                "geoloc.export_geo:write_geojson",
                "&GeoJSON (hypotheses and tracks)…",
                ".geojson",
                "Ctrl+Alt+J",
                "Save the hypotheses and telemetry tracks as GeoJSON",
            ),
            ExportFormat(
                "kml",
                "geoloc.export_geo:write_kml",
                "&KML (hypotheses and tracks)…",
                ".kml",
                # Not Ctrl+Alt+L: most Linux desktops lock the screen with it.
                "Ctrl+Alt+K",
                "Save the hypotheses and telemetry tracks as KML",
            ),
        ),
        # After the metadata step: it turns the positions that step found into hypotheses.
        post_ingest=(PostIngestStep("geolocation", "geoloc.auto:PostIngestHypotheses"),),
        schema=(_MIGRATIONS + "geoloc",),
    ),
    Feature(
        "provenance",
        commands=(
            Commands(
                "app.cli.provenance_cmds",
                (
                    "mfr",
                    "component",
                    "link",
                    "withdraw",
                    "markings",
                    "origins",
                    "search-parts",
                    "source",
                    "cite",
                    "claim",
                    "figure",
                    "demo",
                ),
            ),
        ),
        gui="ui.provenance.contribution:ProvenanceContribution",
        schema=(_MIGRATIONS + "provenance",),
    ),
    Feature(
        "exchange",
        commands=(
            Commands(
                "app.cli.exchange_cmds",
                ("pack", "unpack", "merge", "conflicts", "resolve", "keygen", "report"),
            ),
            Commands("app.cli.trust_cmds", ("trust",)),
        ),
        gui="ui.exchange.contribution:ExchangeContribution",
        exports=(
            ExportFormat(
                "case-uco",
                "forensics.exchange.case_uco:write_case_uco",
                "&CASE/UCO JSON-LD…",
                ".jsonld",
                "Ctrl+Alt+Shift+U",
                "Export the case in the CASE/UCO exchange ontology",
            ),
            ExportFormat(
                "csv",
                "forensics.exchange.csv_export:write_items_csv",
                "Items as C&SV…",
                ".csv",
                "Ctrl+Alt+Shift+V",
                "Export the item list with hashes as CSV",
            ),
        ),
        schema=(_MIGRATIONS + "exchange",),
    ),
    Feature(
        "text",
        commands=(Commands("app.cli.ocr_cmds", ("ocr", "ocr-list", "ocr-accept")),),
        gui="ui.text.contribution:TextContribution",
        schema=(_MIGRATIONS + "ocr",),
    ),
    Feature(
        "comments",
        commands=(Commands("app.cli.comment_cmds", ("comment",)),),
        schema=(_MIGRATIONS + "comments",),
    ),
)
"""Every feature, in order: contributions, post-ingest steps and migrations run in it."""


def _unique(names: Iterable[str], what: str) -> list[str]:
    seen: list[str] = []
    for name in names:
        if name in seen:
            raise RuntimeError(f"two features declare the {what} {name!r}")
        seen.append(name)
    return seen


def command_modules(features: Sequence[Feature] = FEATURES) -> dict[str, tuple[str, ...]]:
    """Command module -> the `pwb` commands it registers.

    Raises:
        RuntimeError: two features declare the same command or module.
    """
    groups = [c for f in features for c in f.commands]
    _unique((c.module for c in groups), "command module")
    _unique((name for c in groups for name in c.names), "command")
    return {c.module: c.names for c in groups}


def gui_contributions(features: Sequence[Feature] = FEATURES) -> list[str]:
    """The `"module:Class"` of every feature's GUI contribution, in feature order."""
    return [f.gui for f in features if f.gui is not None]


def export_formats(features: Sequence[Feature] = FEATURES) -> dict[str, ExportFormat]:
    """Every `pwb export` format by name, in declaration order.

    Raises:
        RuntimeError: two features declare the same format.
    """
    formats = [fmt for f in features for fmt in f.exports]
    _unique((f.name for f in formats), "export format")
    return {f.name: f for f in formats}


def annotation_exports(features: Sequence[Feature] = FEATURES) -> dict[str, str]:
    """Annotation export format -> `"module:function"`."""
    formats = [fmt for f in features for fmt in f.annotation_exports]
    _unique((f.name for f in formats), "annotation export format")
    return {f.name: f.target for f in formats}


def annotation_imports(features: Sequence[Feature] = FEATURES) -> dict[str, str]:
    """Annotation import format -> `"module:function"`."""
    formats = [fmt for f in features for fmt in f.annotation_imports]
    _unique((f.name for f in formats), "annotation import format")
    return {f.name: f.target for f in formats}


def schema_modules(features: Sequence[Feature] = FEATURES) -> list[str]:
    """The schema component modules, in feature order."""
    return _unique((m for f in features for m in f.schema), "schema module")


def post_ingest_steps(
    enabled: bool = True, features: Sequence[Feature] = FEATURES
) -> tuple[PostIngest, ...]:
    """New post-ingest steps for one ingest run (none when `enabled` is false).

    Each step's module is imported here, when an ingest starts, not when the program does.
    """
    if not enabled:
        return ()
    steps = [s for f in features for s in f.post_ingest]
    _unique((s.name for s in steps), "post-ingest step")
    return tuple(load(s.factory)() for s in steps)


def install(features: Sequence[Feature] = FEATURES) -> None:
    """Hand the core what the features declare: the schema components and the annotation
    formats. Imports nothing of the features (the core resolves the paths on first use);
    calling it again replaces what was installed."""
    from forensics.annotations.formats import install_formats
    from forensics.store.migrations import install_components

    install_components(schema_modules(features))
    install_formats(annotation_exports(features), annotation_imports(features))
