"""Schema of the 'provenance' component."""

from __future__ import annotations

from forensics.store.migrations import Migration

COMPONENT = "provenance"

MIGRATIONS: tuple[Migration, ...] = ()
