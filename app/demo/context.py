"""What every demo step receives: the case being built, well-known ids, the footage manifest.

Kept apart from `build.py` so step modules can import it without importing the list of steps.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from forensics.case import Case
from forensics.jobs import CancelToken
from forensics.media.demo_manifest import FootageManifest

DEMO_NAMESPACE = uuid.UUID("6d1f2a0e-5b7c-4f60-9a51-3c2e8d4b7a10")
"""uuid5 namespace of the demo's records: the same seed key gives the same id on every build."""

DEMO_ACTOR = "Provenance Workbench demo builder"


def stable_id(key: str) -> str:
    """The demo record id for a seed key (a uuid5, so a rebuild gives the same ids)."""
    return str(uuid.uuid5(DEMO_NAMESPACE, key))


@dataclass
class DemoContext:
    """The state the demo steps share while the case is being built.

    Attributes:
        case: the case being built (a fresh folder; steps only add records).
        ids: well-known names -> record ids ("drone", "memory_card", "footage",
            "camera_a40", "viewpro", "nanshan_hypothesis", ...). A step that creates a record
            other steps refer to puts its id here.
        footage: the generated clip's manifest (per-frame boxes of every drawn object).
        files: the generated clip and stills by file name (their bytes), stored by a step.
        actor: who the custody log names for every demo record.
        cancel: checked between steps; long steps may check it too.
    """

    case: Case
    ids: dict[str, str]
    footage: FootageManifest
    files: dict[str, bytes] = field(default_factory=dict)
    actor: str = DEMO_ACTOR
    cancel: CancelToken = field(default_factory=CancelToken)

    def id_for(self, name: str) -> str:
        """A well-known id another step registered.

        Raises:
            KeyError: with the name, when no earlier step registered it.
        """
        try:
            return self.ids[name]
        except KeyError:
            raise KeyError(f"demo step needs '{name}', which no earlier step registered") from None


DemoStep = Callable[[DemoContext], None]
"""One part of the demo: adds its records to `ctx.case` and its well-known ids to `ctx.ids`."""
