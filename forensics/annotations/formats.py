"""Which annotation formats this program reads and writes: installed by the application.

The core does not list its formats: the application declares them (`app.features`) and
installs them at start with `install_formats`, as `"module:function"` paths imported when a
format is first used, so listing the formats (a menu, `--help`) loads none of their code.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

from forensics.errors import ValidationError

_exporters: dict[str, str] = {}
_importers: dict[str, str] = {}


def install_formats(exporters: Mapping[str, str], importers: Mapping[str, str]) -> None:
    """Set the export and import formats: name -> `"module:function"` (replaces the last)."""
    _exporters.clear()
    _exporters.update(exporters)
    _importers.clear()
    _importers.update(importers)


def export_names() -> list[str]:
    """The installed export formats, in order."""
    return list(_exporters)


def import_names() -> list[str]:
    """The installed import formats, in order."""
    return list(_importers)


def _load(table: dict[str, str], name: str, what: str) -> Callable[..., Any]:
    target = table.get(name)
    if target is None:
        known = ", ".join(table) or "none installed"
        raise ValidationError(f"unknown {what} format '{name}' (use one of {known})")
    module, _, attribute = target.partition(":")
    function: Callable[..., Any] = getattr(importlib.import_module(module), attribute)
    return function


def exporter(name: str) -> Callable[..., Any]:
    """The export function of a format.

    Raises:
        ValidationError: no such format is installed.
    """
    return _load(_exporters, name, "export")


def importer(name: str) -> Callable[..., Any]:
    """The import function of a format.

    Raises:
        ValidationError: no such format is installed.
    """
    return _load(_importers, name, "import")
