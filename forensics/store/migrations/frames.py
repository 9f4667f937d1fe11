"""Schema of the 'frames' component (frame records, scenes)."""

from __future__ import annotations

from forensics.store.migrations import Migration

COMPONENT = "frames"

MIGRATIONS: tuple[Migration, ...] = ()
