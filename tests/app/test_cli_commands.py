"""`pwb` loads only the module of the command it runs; the table naming each module's commands
agrees with what the modules register, so no command can go missing from a run."""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import app.cli
from app.cli import COMMAND_MODULES, build_parser, main

REPO = Path(__file__).resolve().parents[2]


def _registered(module: str) -> set[str]:
    sub = argparse.ArgumentParser().add_subparsers()
    importlib.import_module(module).register(sub)
    return set(sub.choices)


@pytest.mark.parametrize("module", list(COMMAND_MODULES))
def test_each_module_registers_exactly_the_commands_listed_for_it(module: str) -> None:
    assert _registered(module) == set(COMMAND_MODULES[module])


def test_the_full_parser_has_every_command_once() -> None:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    listed = [c for commands in COMMAND_MODULES.values() for c in commands]
    assert len(listed) == len(set(listed))
    assert set(sub.choices) == set(listed)


def test_a_table_that_disagrees_with_its_module_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table: dict[str, Any] = dict(COMMAND_MODULES)
    table["app.cli.media_cmds"] = ("meta",)
    monkeypatch.setattr(app.cli, "COMMAND_MODULES", table)
    with pytest.raises(RuntimeError, match="media_cmds registers"):
        build_parser("meta")


def test_a_run_loads_only_its_own_command_module() -> None:
    probe = (
        "import json, sys\n"
        "from app.cli import build_parser\n"
        "args = build_parser('gui').parse_args(['gui'])\n"
        "print(json.dumps([args.command, sorted(m for m in sys.modules "
        "if m.startswith('app.cli.') and m.endswith(('_cmds', '_cmd')))]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    command, loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert command == "gui"
    assert loaded == ["app.cli.gui_cmd"]


def test_an_unknown_command_is_a_usage_error_listing_the_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["no-such-command"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: pwb: ")  # ours; the rest of the sentence is argparse's
    assert "no-such-command" in err
    assert "annotations" in err
    assert "gui" in err
