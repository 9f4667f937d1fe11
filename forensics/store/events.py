"""Committed record changes, delivered to whoever listens (a plain-Python observer).

Every recorded write (`forensics.store.recording`) notes which record changed and how; when
the transaction commits, the case publishes them as one `ChangeSet` on the bus of its case
folder. The bus is per folder and process-wide, so a job that writes through its own `Case`
(its own connection, on another thread) reaches the same listeners as the GUI's own writes.
Listeners run on the writer's thread: the GUI's adapter re-emits them as a Qt signal, which
Qt delivers on the GUI thread. A rolled-back transaction publishes nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from forensics.records.declare import Change, ChangeSet, RecordChange

log = logging.getLogger(__name__)

Listener = Callable[[ChangeSet], None]

__all__ = ["Change", "ChangeBus", "ChangeSet", "Listener", "RecordChange", "bus_for"]


class ChangeBus:
    """The listeners of one case folder's committed changes."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` with every committed `ChangeSet` until the returned function is
        called."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish(self, changes: ChangeSet) -> None:
        """Deliver a committed change set to every listener.

        The write has already committed: a listener that fails is logged and the others
        still hear of it, and the writer is not failed for it.
        """
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(changes)
            except Exception:
                log.exception("a listener of case changes failed")

    @property
    def listening(self) -> int:
        """How many listeners there are."""
        with self._lock:
            return len(self._listeners)


_BUSES: dict[Path, ChangeBus] = {}
_BUSES_LOCK = threading.Lock()


def bus_for(root: Path) -> ChangeBus:
    """The change bus of a case folder (one per folder in this process)."""
    key = Path(root).resolve()
    with _BUSES_LOCK:
        bus = _BUSES.get(key)
        if bus is None:
            bus = _BUSES[key] = ChangeBus()
        return bus
