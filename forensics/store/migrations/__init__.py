"""The schema, as forward migrations per component.

Each feature owns one component (its own module here) so features evolve their tables without
touching each other's; which components a program knows is installed by the application
(`install_components`, from its feature list). A case records the version of every component
it has; a case holding a component or version this code does not know is refused rather than
misread.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    """One forward step of one component's schema."""

    component: str
    version: int
    description: str
    statements: tuple[str, ...]
    server_only: bool = False
    """Run on a server case only (SQLite records the version and makes nothing): state only a
    case shared between processes on several machines needs."""


CORE = "forensics.store.migrations.core"
"""The case itself (facts, items, custody): every case has it, whatever is installed."""

_modules: tuple[str, ...] | None = None
_components: dict[str, tuple[Migration, ...]] | None = None


def install_components(modules: Sequence[str]) -> None:
    """Set the schema components, as module paths in the order they migrate.

    The application calls this at start with the components its features declare
    (`app.features.install`); the core does not know its features. A case holding a
    component not installed is refused as too new. The modules are imported on first use
    (`components()`).
    """
    global _modules, _components
    listed = tuple(dict.fromkeys(modules))
    _modules = listed if CORE in listed else (CORE, *listed)
    _components = None


def components() -> dict[str, tuple[Migration, ...]]:
    """Component name -> its migrations, for the installed components.

    Raises:
        RuntimeError: nothing was installed (a case made then would lack every feature's
            tables), two modules declare one component, or a module's migration names
            another component.
    """
    global _components
    if _components is not None:
        return _components
    if _modules is None:
        raise RuntimeError(
            "no schema components installed: call install_components() first "
            "(the application does it at start: app.features.install())"
        )
    registry: dict[str, tuple[Migration, ...]] = {}
    for name in _modules:
        module = importlib.import_module(name)
        if module.COMPONENT in registry:
            raise RuntimeError(f"duplicate schema component {module.COMPONENT}")
        for migration in module.MIGRATIONS:
            if migration.component != module.COMPONENT:
                raise RuntimeError(f"{module.__name__}: migration for {migration.component}")
        registry[module.COMPONENT] = tuple(module.MIGRATIONS)
    _components = registry
    return registry
