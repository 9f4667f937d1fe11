"""`pwb trust add | list | remove`, and what unpack says about a signer (issue 14).

A key is shown by the name we gave it in the trust store; any other key, whatever name it
claims, is an unknown key shown by fingerprint. Every command runs in its own `pwb` process
with the config folder of the test's own (`PWB_HOME`, made by conftest with a profile).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from forensics.case import Case
from tests.app.cli_process import pwb


def _run(home: Path, *args: str | Path) -> str:
    assert os.environ["PWB_HOME"] == str(home)
    done = pwb(*args)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def _signature_line(home: Path, archive: Path, dest: Path, *extra: str | Path) -> str:
    out = _run(home, "unpack", *extra, archive, dest)
    return out.splitlines()[0]


def test_trust_store_names_signers_and_never_believes_a_claimed_name(tmp_path):
    home = Path(os.environ["PWB_HOME"])  # the test's own config folder (conftest)
    with Case.create(tmp_path / "case", title="shared", examiner="A"):
        pass
    _run(home, "keygen", tmp_path / "team-a.key", "--name", "Team A")
    _run(home, "keygen", tmp_path / "mallory.key", "--name", "Team A")  # claims the same name
    _run(home, "pack", tmp_path / "case", tmp_path / "a.pwbcase", "--sign", tmp_path / "team-a.key")
    mallory = tmp_path / "mallory.key"
    _run(home, "pack", tmp_path / "case", tmp_path / "m.pwbcase", "--sign", mallory)
    fp_a = json.loads((tmp_path / "team-a.key.pub").read_text())["fingerprint"]
    fp_m = json.loads((tmp_path / "mallory.key.pub").read_text())["fingerprint"]

    line = _signature_line(home, tmp_path / "a.pwbcase", tmp_path / "d1")
    assert "UNKNOWN key" in line
    assert fp_a in line
    assert "Team A" not in line

    added = _run(home, "trust", "add", tmp_path / "team-a.key.pub")
    assert fp_a in added
    listed = json.loads(_run(home, "trust", "list", "--json"))
    assert [(k["name"], k["fingerprint"]) for k in listed["keys"]] == [("Team A", fp_a)]
    assert Path(listed["store"]) == home / "trusted_keys.json"

    line = _signature_line(home, tmp_path / "a.pwbcase", tmp_path / "d2")
    assert line == f"signed by Team A (trusted key {fp_a})"
    line = _signature_line(home, tmp_path / "m.pwbcase", tmp_path / "d3")
    assert "UNKNOWN key" in line
    assert fp_m in line
    assert "Team A" not in line

    # Trust on first use, from the archive itself, under a name of ours.
    _run(home, "trust", "add", tmp_path / "m.pwbcase", "--name", "Mallory")
    line = _signature_line(home, tmp_path / "m.pwbcase", tmp_path / "d4")
    assert line == f"signed by Mallory (trusted key {fp_m})"

    _run(home, "trust", "remove", fp_a[:12])
    _run(home, "trust", "remove", fp_m[:12])
    assert json.loads(_run(home, "trust", "list", "--json"))["keys"] == []


def test_trust_flag_no_longer_swallows_the_positionals(tmp_path):
    home = Path(os.environ["PWB_HOME"])  # the test's own config folder (conftest)
    with Case.create(tmp_path / "case", title="shared", examiner="A"):
        pass
    _run(home, "keygen", tmp_path / "team-a.key", "--name", "Team A")
    _run(home, "pack", tmp_path / "case", tmp_path / "a.pwbcase", "--sign", tmp_path / "team-a.key")
    pub = tmp_path / "team-a.key.pub"
    line = _signature_line(home, tmp_path / "a.pwbcase", tmp_path / "d", "--trust", pub)
    assert line.startswith("signed by Team A")
    assert (tmp_path / "d" / "case.db").is_file()
