"""Changes other examiners commit to a server case, delivered as the same typed `ChangeSet`s.

A folder case's change bus hears the writes of this process only. On a server case each
committing transaction also sends its `ChangeSet` with PostgreSQL's `NOTIFY` (inside the
transaction: delivered when it commits, never when it rolls back), and the case's bus, once
somebody subscribes, runs a listener thread with a connection of its own that `LISTEN`s and
republishes what other processes committed. The GUI's views therefore reload when another
examiner, on another machine, adds or edits something, exactly as for a job of their own.

A payload is at most 8000 bytes: a large change set (an ingest batch) goes as several
notifications, all delivered at the commit, in order; an action is named once per change set
(listeners ask whether one happened, not how often). This process's own notifications are
skipped (its writes were already published locally) by an origin token in each.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from forensics.records.declare import Change, ChangeSet, RecordChange
from forensics.store.events import ChangeBus, Listener

if TYPE_CHECKING:
    from forensics.store.database import Database
    from forensics.store.location import ServerLocation

log = logging.getLogger(__name__)

CHANNEL = "pwb_changes"
ORIGIN = uuid.uuid4().hex[:16]
"""This process's token: its own notifications are not republished."""
_LIMIT = 7000
"""Bytes of JSON per notification (PostgreSQL's limit is 8000)."""


def payloads(changes: ChangeSet, origin: str = ORIGIN) -> Iterator[str]:
    """The notifications one change set travels as (JSON, each under the size limit): its
    record changes, actions and noted items shared out in order over as many as it takes."""
    parts: list[tuple[str, Any]] = [
        ("c", [c.subject, c.record_id, c.change.value, c.item_id]) for c in changes.changes
    ]
    parts += [("a", a) for a in dict.fromkeys(changes.actions)]  # each action once
    parts += [("n", n) for n in dict.fromkeys(changes.noted)]
    doc: dict[str, Any] = {"o": origin, "c": [], "a": [], "n": []}
    size = len(json.dumps(doc))
    for key, value in parts:
        part_size = len(json.dumps(value)) + 2
        if size + part_size > _LIMIT and (doc["c"] or doc["a"] or doc["n"]):
            yield json.dumps(doc)
            doc = {"o": origin, "c": [], "a": [], "n": []}
            size = len(json.dumps(doc))
        doc[key].append(value)
        size += part_size
    yield json.dumps(doc)


def change_set(payload: str) -> tuple[str, ChangeSet]:
    """The origin and the `ChangeSet` of one notification."""
    doc = json.loads(payload)
    changes = tuple(
        Change(str(s), str(r), RecordChange(c), None if i is None else str(i))
        for s, r, c, i in doc.get("c", [])
    )
    return str(doc.get("o", "")), ChangeSet(
        changes, tuple(doc.get("a", [])), tuple(doc.get("n", []))
    )


def send(db: Database, changes: ChangeSet) -> None:
    """Notify the other listeners of a committing change set (call inside the transaction:
    the notifications go with its COMMIT, in the same exchange with the server)."""
    for payload in payloads(changes):
        db.with_commit.append(("SELECT pg_notify(?, ?)", (CHANNEL, payload)))


class ServerChangeBus(ChangeBus):
    """A server case's bus: local writes as on a folder case, plus other processes' commits
    heard by a listener thread that runs while anyone subscribes."""

    def __init__(self, location: ServerLocation) -> None:
        super().__init__()
        self._location = location
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._ready = threading.Event()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        unsubscribe = super().subscribe(listener)
        with self._lock:
            if self._thread is None:
                self._stop.clear()
                self._ready.clear()
                self._thread = threading.Thread(target=self._listen, name="pwb-listen", daemon=True)
                self._thread.start()
        self._ready.wait(timeout=10)

        def stop_listening() -> None:
            unsubscribe()
            if self.listening == 0:
                self.close()

        return stop_listening

    def close(self) -> None:
        """Stop the listener thread (it ends within a second)."""
        with self._lock:
            thread, self._thread = self._thread, None
        self._stop.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def _listen(self) -> None:
        import psycopg

        try:
            with psycopg.connect(self._location.url, autocommit=True) as conn:
                conn.execute(f"LISTEN {CHANNEL}")
                self._ready.set()
                while not self._stop.is_set():
                    for note in conn.notifies(timeout=0.5):
                        self._heard(note.payload)
        except Exception:
            log.exception("%s: listening for other examiners' changes stopped", self._location)
        finally:
            self._ready.set()

    def _heard(self, payload: str) -> None:
        try:
            origin, changes = change_set(payload)
        except (ValueError, TypeError, KeyError):
            log.warning("%s: a change notification that is not ours was ignored", self._location)
            return
        if origin != ORIGIN:
            self.publish(changes)


_BUSES: dict[str, ServerChangeBus] = {}
_BUSES_LOCK = threading.Lock()


def server_bus_for(location: ServerLocation) -> ServerChangeBus:
    """The change bus of a server case (one per URL in this process)."""
    with _BUSES_LOCK:
        bus = _BUSES.get(location.url)
        if bus is None:
            bus = _BUSES[location.url] = ServerChangeBus(location)
        return bus
