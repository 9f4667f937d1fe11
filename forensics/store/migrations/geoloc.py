"""Schema of the 'geoloc' component."""

from __future__ import annotations

from forensics.store.migrations import Migration

COMPONENT = "geoloc"

MIGRATIONS: tuple[Migration, ...] = ()
