"""Schema of the 'exchange' component."""

from __future__ import annotations

from forensics.store.migrations import Migration

COMPONENT = "exchange"

MIGRATIONS: tuple[Migration, ...] = ()
