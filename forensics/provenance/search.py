"""Search across cases: where else did this part number, marking or manufacturer appear?

Each case is opened read-only, one at a time; a folder that is not a case (or cannot be read)
becomes a recorded error naming the folder and the reason, and the search goes on.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forensics.case import Case
from forensics.errors import ValidationError, WorkbenchError
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.provenance.models import Manufacturer
from forensics.store.provenance import ProvenanceRepository

log = logging.getLogger(__name__)


def squash(text: str) -> str:
    """Letters and digits only, case-folded: "STM32 F405-RGT6" and "stm32f405rgt6" match."""
    return re.sub(r"[\W_]+", "", text.casefold())


@dataclass(frozen=True)
class PartHit:
    """One component in one case that matched."""

    case_dir: str
    case_title: str
    component_id: str
    name: str
    function: str
    part_number: str | None
    marking: str | None
    manufacturers: tuple[str, ...]
    path: tuple[str, ...]
    """Names of the items holding it, outermost first."""
    matched: tuple[str, ...]
    """Which criteria matched: "part_number", "marking", "manufacturer"."""

    def to_json(self) -> dict[str, Any]:
        """As `pwb search-parts --json` prints it."""
        return {
            "case_dir": self.case_dir,
            "case_title": self.case_title,
            "component_id": self.component_id,
            "name": self.name,
            "function": self.function,
            "part_number": self.part_number,
            "marking": self.marking,
            "manufacturers": list(self.manufacturers),
            "path": list(self.path),
            "matched": list(self.matched),
        }


@dataclass
class PartSearch:
    """Hits, and the folders that could not be searched."""

    hits: list[PartHit] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    cases_searched: int = 0

    def to_json(self) -> dict[str, Any]:
        """As `pwb search-parts --json` prints it."""
        return {
            "cases_searched": self.cases_searched,
            "hits": [h.to_json() for h in self.hits],
            "errors": [{"case_dir": d, "reason": r} for d, r in self.errors],
        }


def search_parts(
    case_dirs: Iterable[Path],
    *,
    part_number: str | None = None,
    marking: str | None = None,
    manufacturer: str | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> PartSearch:
    """Find components by part number, marking or manufacturer in several cases.

    Part numbers and markings match as substrings, ignoring case, spaces and punctuation; a
    manufacturer matches its name or any alias as a substring. Every criterion given must match.

    Raises:
        ValidationError: no criterion given.
    """
    wanted_part = squash(part_number) if part_number else None
    wanted_marking = squash(marking) if marking else None
    wanted_maker = manufacturer.casefold().strip() if manufacturer else None
    if not (wanted_part or wanted_marking or wanted_maker):
        raise ValidationError("give a part number, a marking or a manufacturer to search for")
    dirs = [Path(d) for d in case_dirs]
    result = PartSearch()
    for done, case_dir in enumerate(dirs):
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(done, len(dirs), str(case_dir))
        try:
            with Case.open(case_dir, readonly=True) as case:
                result.hits.extend(_search_case(case, wanted_part, wanted_marking, wanted_maker))
                result.cases_searched += 1
        except WorkbenchError as exc:
            result.errors.append((str(case_dir), str(exc)))
        except Exception as exc:  # a damaged case must not stop the search of the others
            log.exception("searching %s failed", case_dir)
            result.errors.append((str(case_dir), f"cannot be searched: {exc}"))
    progress(len(dirs), len(dirs), "done")
    return result


def _maker_matches(maker: Manufacturer, wanted: str) -> bool:
    return wanted in maker.name.casefold() or any(
        wanted in a.name.casefold() for a in maker.aliases
    )


def _search_case(
    case: Case, part: str | None, marking: str | None, maker: str | None
) -> list[PartHit]:
    repo = ProvenanceRepository(case.db)
    if "components" not in case.db.table_names():
        return []
    title = case.info.title
    hits: list[PartHit] = []
    for component in repo.components_under(None):
        matched: list[str] = []
        if part is not None:
            if not component.part_number or part not in squash(component.part_number):
                continue
            matched.append("part_number")
        if marking is not None:
            if not component.marking or marking not in squash(component.marking):
                continue
            matched.append("marking")
        makers = [
            repo.get(Manufacturer, link.manufacturer_id) for link in repo.links_of(component.id)
        ]
        if maker is not None:
            if not any(_maker_matches(m, maker) for m in makers):
                continue
            matched.append("manufacturer")
        item = case.items.get(component.id)
        path = tuple(a.name for a in reversed(case.ancestors(component.id)))
        hits.append(
            PartHit(
                str(case.root),
                title,
                component.id,
                item.name,
                component.function,
                component.part_number,
                component.marking,
                tuple(m.name for m in makers),
                path,
                tuple(matched),
            )
        )
    return hits
