"""The schema, as forward migrations per component.

Each feature owns one component (its own module here) so features evolve their tables without
touching each other's. A case records the version of every component it has; a case holding a
component or version this code does not know is refused rather than misread.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    """One forward step of one component's schema."""

    component: str
    version: int
    description: str
    statements: tuple[str, ...]


def _registry() -> dict[str, tuple[Migration, ...]]:
    # `annotation` (singular): `annotations` is taken by `from __future__ import annotations`.
    from forensics.store.migrations import (
        annotation,
        core,
        exchange,
        frames,
        geoloc,
        media,
        provenance,
    )

    modules = (core, media, frames, annotation, geoloc, provenance, exchange)
    registry: dict[str, tuple[Migration, ...]] = {}
    for module in modules:
        if module.COMPONENT in registry:
            raise RuntimeError(f"duplicate schema component {module.COMPONENT}")
        for migration in module.MIGRATIONS:
            if migration.component != module.COMPONENT:
                raise RuntimeError(f"{module.__name__}: migration for {migration.component}")
        registry[module.COMPONENT] = tuple(module.MIGRATIONS)
    return registry


ALL_COMPONENTS: dict[str, tuple[Migration, ...]] = _registry()
