"""The environment the suite runs in is the one the lock describes.

`make test` installs from `requirements-test.lock` with `--require-hashes`; this proves the
install took every pin as written (a second install gives the same versions by construction),
so a result in this suite names exact versions of every decoder behind it.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def _pins(lock: Path) -> dict[str, str]:
    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line)
        if match:
            pins[_normal(match.group(1))] = match.group(2)
    return pins


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_pin_has_a_hash() -> None:
    for lock in ROOT.glob("requirements*.lock"):
        text = lock.read_text(encoding="utf-8")
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
        for block in blocks:
            if _PIN.match(block):
                assert "--hash=sha256:" in block, (lock.name, block.splitlines()[0])


def test_the_app_pins_agree_with_the_test_pins() -> None:
    app = _pins(ROOT / "requirements.lock")
    test = _pins(ROOT / "requirements-test.lock")
    assert app, "requirements.lock pins nothing"
    assert {name: test.get(name) for name in app} == app


def test_the_installed_versions_are_the_locked_ones() -> None:
    pins = _pins(ROOT / "requirements-test.lock")
    if not pins:
        pytest.fail("requirements-test.lock pins nothing")
    installed = {_normal(d.metadata["Name"]): d.version for d in metadata.distributions()}
    wrong = {
        name: (version, installed.get(name))
        for name, version in pins.items()
        if installed.get(name) != version
    }
    assert not wrong, f"installed versions differ from the lock (pinned, installed): {wrong}"
