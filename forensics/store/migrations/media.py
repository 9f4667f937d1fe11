"""Schema of the 'media' component."""

from __future__ import annotations

from forensics.store.migrations import Migration

COMPONENT = "media"

MIGRATIONS: tuple[Migration, ...] = ()
