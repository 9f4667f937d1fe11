"""Loading PySide6 for the GUI without PySide6 reading every module's source afterwards.

PySide6 (6.x) installs an import hook for its opt-in `from __feature__ import snake_case`
syntax: after every import statement that names a module it has not seen, it reads that
module's whole source file to decide whether the module "uses PySide6" (napari/napari#8584
traces the same cost). The workbench never selects a `__feature__`, and a module imported before
PySide6 cannot be one that does. Measured here: about 30 ms of CPU per start on ~100 standard
library and core modules, a fifth of a bare PySide6 window's whole start-up.

`start_qt()` imports PySide6 after the Qt-free core is loaded (`pwb gui` imports the case,
the profiles and the job tokens first, `app.cli.gui_cmd`) and records every module already
loaded as "ignore this module", the value PySide6 gives itself to modules that do not use it,
so only modules imported later (the GUI's own) are read. If a PySide6 release drops this
internal table, nothing is recorded and start-up is merely slower;
`tests/ui/test_qt_startup.py` says so.
"""

from __future__ import annotations

import sys

IGNORE_MODULE = -1
"""PySide6's `__feature__` selection meaning "ignore this module in switching"."""


def start_qt() -> int:
    """Import PySide6 and mark the modules loaded so far as not using `__feature__`.

    Returns:
        How many modules were marked (0 when PySide6 keeps no such table).
    """
    import PySide6.QtCore  # noqa: F401  (installs PySide6's import hook)

    feature = sys.modules.get("shibokensupport.feature")
    table = getattr(feature, "pyside_feature_dict", None)
    if not isinstance(table, dict):
        return 0
    marked = 0
    for name in list(sys.modules):
        if name not in table:
            table[name] = IGNORE_MODULE
            marked += 1
    return marked
