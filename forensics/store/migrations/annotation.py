"""Schema of the 'annotations' component."""

from __future__ import annotations

from forensics.store.migrations import Migration

COMPONENT = "annotations"

MIGRATIONS: tuple[Migration, ...] = ()
