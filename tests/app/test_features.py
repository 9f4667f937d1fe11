"""The feature list walked from the command line, as users run it: every command answers
`--help` in a fresh `pwb`, every declared format is offered, a new case holds every declared
schema component, and `pwb ingest` runs every post-ingest step (metadata, then hypotheses
from the positions it found, once only).

The GUI side of the same walk is tests/ui/test_features_gui.py; the export formats from a
fresh `pwb` are tests/app/test_export_formats_cli.py.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from app.features import (
    FEATURES,
    Commands,
    ExportFormat,
    Feature,
    annotation_exports,
    annotation_imports,
    command_modules,
    export_formats,
    install,
    schema_modules,
)
from forensics.annotations import formats
from forensics.case import Case
from tests.conftest import pwb_executable

COMMANDS = [name for names in command_modules().values() for name in names]

GEO_INPUTS = {
    "gps_control_eiffel.jpg": ("synthetic/gps_control_eiffel.jpg", "exif_gps"),
    "synthetic_udta_xyz_location.mp4": (
        "synthetic/synthetic_udta_xyz_location.mp4",
        "container_location",
    ),
    "air2s.srt": ("video/dji-srt/air2s.srt", "drone_telemetry"),
}
"""One input per kind of position in metadata: EXIF GPS, a location atom, a telemetry
track; and the method its hypothesis must name."""


def pwb(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [pwb_executable(), *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def pwb_json(*args: str) -> Any:
    done = pwb(*args, "--json")
    assert done.returncode == 0, f"pwb {' '.join(args)}: {done.stderr[-2000:]}"
    return json.loads(done.stdout)


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_of_the_feature_list_answers_help_in_a_fresh_pwb(command: str) -> None:
    done = pwb(command, "--help", timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"usage: pwb {command}" in done.stdout


def test_the_full_help_names_every_command_once() -> None:
    done = pwb("--help", timeout=60)
    assert done.returncode == 0, done.stderr
    # argparse lists each subcommand on its own line, indented, with its help.
    listed = re.findall(r"^ {4}(\S+)\s", done.stdout, re.M)
    assert sorted(listed) == sorted(COMMANDS)


def test_annotation_formats_are_the_declared_ones_everywhere() -> None:
    """The core's registry (what the GUI's menu offers) and `pwb annotations` take exactly
    the formats the feature list declares."""
    assert formats.export_names() == list(annotation_exports())
    assert formats.import_names() == list(annotation_imports())
    for action, declared in (("export", annotation_exports()), ("import", annotation_imports())):
        done = pwb("annotations", action, "--help", timeout=60)
        assert done.returncode == 0, done.stderr
        choices = re.search(r"--format \{([^}]+)\}", done.stdout)
        assert choices, done.stdout
        assert choices.group(1).split(",") == list(declared)


def test_a_new_case_holds_every_declared_schema_component(tmp_path: Path) -> None:
    import importlib

    root = tmp_path / "case"
    assert pwb("init", str(root), "--title", "T").returncode == 0
    declared = [importlib.import_module(m).COMPONENT for m in schema_modules()]
    with Case.open(root, readonly=True) as case:
        rows = list(case.db.query("SELECT component FROM schema_version"))
    assert sorted(r["component"] for r in rows) == sorted(declared)


def test_a_case_with_a_component_not_installed_is_refused(tmp_path: Path) -> None:
    """The core knows only what the application installed: a case holding more is refused
    (as a case from a newer version is), never half read."""
    from forensics.errors import SchemaTooNewError

    Case.create(tmp_path / "case", title="T").close()
    core_only = (Feature("case", schema=FEATURES[0].schema),)
    install(core_only)
    try:
        with pytest.raises(SchemaTooNewError, match="media"):
            Case.open(tmp_path / "case")
    finally:
        install()


def test_a_duplicate_declaration_is_refused() -> None:
    twice = (
        Feature("a", commands=(Commands("app.cli.case_cmds", ("init",)),)),
        Feature("b", commands=(Commands("app.cli.media_cmds", ("init",)),)),
    )
    with pytest.raises(RuntimeError, match="command 'init'"):
        command_modules(twice)
    fmt = ExportFormat("csv", "m:f", "CSV", ".csv", "Ctrl+1", "tip")
    with pytest.raises(RuntimeError, match="export format 'csv'"):
        export_formats((Feature("a", exports=(fmt,)), Feature("b", exports=(fmt,))))


# post-ingest steps ----------------------------------------------------------------------------
def ingest_geo_inputs(root: Path, corpus: Path) -> dict[str, Any]:
    paths = [str(corpus / rel) for rel, _ in GEO_INPUTS.values()]
    return pwb_json("ingest", str(root), *paths)  # type: ignore[no-any-return]


def item_ids(root: Path) -> dict[str, str]:
    """Item name -> id."""
    return {i["name"]: i["id"] for i in pwb_json("items", str(root))["items"]}


_VOLATILE = re.compile(r"(^id$|_id$|_at$|^version$|^fs_)")


def scrubbed(value: Any, names: dict[str, str]) -> Any:
    """`value` with ids and times left out and item ids replaced by the item's name, so two
    cases holding the same files compare equal."""
    if isinstance(value, dict):
        return {k: scrubbed(v, names) for k, v in value.items() if not _VOLATILE.search(k)}
    if isinstance(value, list):
        return [scrubbed(v, names) for v in value]
    if isinstance(value, str):
        for item_id, name in names.items():
            value = value.replace(item_id, name)
    return value


def extraction_records(root: Path) -> dict[str, Any]:
    """What `pwb meta` shows of each item's extraction (the item itself left out)."""
    ids = item_ids(root)
    names = {v: k for k, v in ids.items()}
    out = {}
    for name, item_id in ids.items():
        shown = pwb_json("meta", str(root), item_id)
        shown.pop("item", None)
        out[name] = scrubbed(shown, names)
    return out


def metadata_hypotheses(root: Path) -> list[Any]:
    names = {v: k for k, v in item_ids(root).items()}
    found = pwb_json("geo", "list", str(root))["hypotheses"]
    assert all(h["origin"] == "metadata" for h in found)
    return sorted((scrubbed(h, names) for h in found), key=lambda h: json.dumps(h, sort_keys=True))


def check_hypotheses_from_metadata(root: Path) -> None:
    """One hypothesis per position kind, marked as coming from metadata."""
    names = {v: k for k, v in item_ids(root).items()}
    found = pwb_json("geo", "list", str(root))["hypotheses"]
    by_item = {names[h["item_id"]]: h for h in found}
    assert set(by_item) == set(GEO_INPUTS)
    for name, (_, method) in GEO_INPUTS.items():
        assert by_item[name]["origin"] == "metadata"
        assert by_item[name]["methods"] == [method]
        assert by_item[name]["status"] == "proposed"
    assert len(found) == len(GEO_INPUTS)


def test_pwb_ingest_makes_hypotheses_from_metadata_once(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "case"
    assert pwb("init", str(root), "--title", "T").returncode == 0
    report = ingest_geo_inputs(root, corpus)
    assert report["ingested"] == len(GEO_INPUTS)
    check_hypotheses_from_metadata(root)
    before = metadata_hypotheses(root)
    # Neither a second ingest of the same files nor `geo auto` adds any.
    assert ingest_geo_inputs(root, corpus)["duplicates"] == len(GEO_INPUTS)
    auto = pwb_json("geo", "auto", str(root))
    assert auto["created"] == []
    assert auto["existing"] == len(GEO_INPUTS)
    assert metadata_hypotheses(root) == before
    assert pwb("verify", str(root)).returncode == 0


def test_no_extract_runs_no_post_ingest_step(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "case"
    assert pwb("init", str(root), "--title", "T").returncode == 0
    rel = GEO_INPUTS["gps_control_eiffel.jpg"][0]
    assert pwb_json("ingest", str(root), str(corpus / rel), "--no-extract")["ingested"] == 1
    assert pwb_json("geo", "list", str(root))["hypotheses"] == []
    # Nothing was extracted, so `geo auto` has no position to turn into a hypothesis.
    assert pwb_json("geo", "auto", str(root))["created"] == []


def test_the_core_without_installed_features_refuses_to_make_a_case(tmp_path: Path) -> None:
    """A case made before the application installed its features would lack their tables;
    the core says so instead of making one."""
    import sys

    probe = (
        "from pathlib import Path\n"
        "from forensics.case import Case\n"
        f"Case.create(Path({str(tmp_path / 'case')!r}), title='T')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode != 0
    assert "no schema components installed" in done.stderr
