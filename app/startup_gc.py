"""The cyclic garbage collector waits while the window starts.

Starting `pwb gui` makes ~55,000 objects the collector tracks (modules, classes, the records'
dataclasses, PySide6's enums, the window's widgets), nearly all of them alive for as long as
the window. Before the first paint the collector walked them ~70 times (12-14 ms of CPU, about
4 % of the start, measured with `gc.callbacks`) and found next to nothing to free (~400
objects). So the GUI command pauses it (`pause`) and, once the window has painted, freezes
what the start made (`resume`: `gc.freeze()` moves every object alive then out of the
collector's generations, so later collections do not walk them again either, the use Python's
documentation gives for state made at start-up) and turns the collector back on.

Reference counting frees objects as before; only reference cycles among objects made before
the first paint are never collected, a bounded amount made once.
`tests/app/test_startup_gc.py` checks both ends through the real `pwb gui`.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Stop automatic collections until `resume` (nothing when they are already off: whoever
    turned them off turns them back on)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Freeze the objects made so far and collect automatically again, if `pause` stopped it
    (calling it again does nothing)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def paused() -> bool:
    """True between `pause` and `resume`."""
    return _paused
