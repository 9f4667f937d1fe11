"""Loading PySide6 for the GUI without PySide6 reading every module's source afterwards.

PySide6 (6.x) installs an import hook for its opt-in `from __feature__ import snake_case`
syntax: after every import statement that names a module it has not seen, it reads that
module's whole source file to decide whether the module "uses PySide6" (napari/napari#8584
traces the same cost). The workbench never selects a `__feature__`, and a module imported before
PySide6 cannot be one that does. Measured here: about 30 ms of CPU per start on ~100 standard
library and core modules, a fifth of a bare PySide6 window's whole start-up.

`start_qt()` imports PySide6 after the Qt-free core is loaded (`pwb gui` imports the case,
the profiles and the job tokens first, `app.cli.gui_cmd`) and records every module already
loaded as "ignore this module", the value PySide6 gives itself to modules that do not use it.
It records our own packages' modules that are not loaded yet the same way (the GUI's, ~60 of
them at start, another 5 ms of reading): none of them selects a `__feature__`
(`tests/ui/test_qt_startup.py` fails if one does), so "ignore" and PySide6's "uses PySide6,
no feature" select the same names. Only modules of other packages imported later are read.
If a PySide6 release drops this internal table, nothing is recorded and start-up is merely
slower; `tests/ui/test_qt_startup.py` says so.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator

IGNORE_MODULE = -1
"""PySide6's `__feature__` selection meaning "ignore this module in switching"."""
OWN_PACKAGES = ("app", "forensics", "geoloc", "ui")
"""Our packages: no module in them selects a `__feature__`."""


def start_qt() -> int:
    """Import PySide6 and mark the modules loaded so far, and our own packages' modules, as
    not using `__feature__`.

    Returns:
        How many modules were marked (0 when PySide6 keeps no such table).
    """
    import PySide6.QtCore  # noqa: F401  (installs PySide6's import hook)

    feature = sys.modules.get("shibokensupport.feature")
    table = getattr(feature, "pyside_feature_dict", None)
    if not isinstance(table, dict):
        return 0
    marked = 0
    for name in [*sys.modules, *own_modules()]:
        if name not in table:
            table[name] = IGNORE_MODULE
            marked += 1
    return marked


def own_modules() -> Iterator[str]:
    """The name of every module and package in `OWN_PACKAGES`, from their folders (nothing is
    imported)."""
    for package in OWN_PACKAGES:
        spec = importlib.util.find_spec(package)
        for folder in (spec.submodule_search_locations or ()) if spec else ():
            yield from _modules_in(package, folder)


def _modules_in(package: str, folder: str) -> Iterator[str]:
    yield package
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir():
                if entry.name.isidentifier() and entry.name != "__pycache__":
                    yield from _modules_in(f"{package}.{entry.name}", entry.path)
            elif entry.name.endswith(".py") and entry.name != "__init__.py":
                yield f"{package}.{entry.name[:-3]}"
