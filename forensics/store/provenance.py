"""SQL for the provenance records: manufacturers, components, links, sources, claims, figures.

Each record type's declaration (`forensics.records.provenance`) gives its table and row
mapping, so inserts, updates and reads are derived; the queries the features need on top
(names and aliases, the components under an item, the sources cited by a record) follow.
Writes run inside `transaction()`; the caller appends the custody entry in the same
transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from forensics.errors import NotFoundError
from forensics.records.declare import RecordType
from forensics.records.provenance import (
    RECORD_TYPES,
    Citation,
    Claim,
    Component,
    ComponentLink,
    Confidence,
    Figure,
    LinkStatus,
    Manufacturer,
    MarkingDecision,
    Source,
)
from forensics.store import record_rows
from forensics.store.rows import quote

if TYPE_CHECKING:
    from forensics.store.database import Database

Record = (
    Manufacturer | Component | ComponentLink | Source | Claim | Figure | Citation | MarkingDecision
)
R = TypeVar(
    "R", Manufacturer, Component, ComponentLink, Source, Claim, Figure, Citation, MarkingDecision
)

_TYPES: dict[type[Any], RecordType[Any]] = {t.cls: t for t in RECORD_TYPES}

_TARGET_TABLES = {
    "item": "items",
    "component": "components",
    "component_link": "component_links",
    "hypothesis": "geo_hypotheses",
    "figure": "figures",
    "claim": "claims",
    "manufacturer": "manufacturers",
}
"""Tables of the records that can cite a source (hypotheses belong to the geoloc schema)."""


def record_type(cls: type[Any]) -> RecordType[Any]:
    """The declaration of a provenance record class."""
    return _TYPES[cls]


class ProvenanceRepository:
    """Reads and writes the provenance tables of one case database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # generic ----------------------------------------------------------------------------
    def find(self, cls: type[R], record_id: str) -> R | None:
        """The record of this class with this id, or None."""
        found: R | None = record_rows.find(self._db, _TYPES[cls], record_id)
        return found

    def get(self, cls: type[R], record_id: str) -> R:
        """The record of this class with this id.

        Raises:
            NotFoundError: none.
        """
        found = self.find(cls, record_id)
        if found is None:
            raise NotFoundError(f"no {_TYPES[cls].subject.replace('_', ' ')} with id {record_id}")
        return found

    def all(
        self,
        cls: type[R],
        *,
        by: Mapping[str, Any] | None = None,
        order: Sequence[str] = ("created_at", "id"),
        nocase: bool = False,
    ) -> list[R]:
        """Every record of a class, optionally only those whose fields equal `by`.

        Args:
            cls: the record class.
            by: field -> value every returned record has.
            order: the fields to sort by, in turn.
            nocase: sort text ignoring case.

        Raises:
            ValueError: a field the record type does not declare.
        """
        rtype = _TYPES[cls]
        by = dict(by or {})
        unknown = (set(by) | set(order)) - set(rtype.columns)
        if unknown:
            raise ValueError(f"{rtype.subject} has no field {', '.join(sorted(unknown))}")
        sql = f"SELECT * FROM {quote(rtype.table)}"
        if by:
            sql += " WHERE " + " AND ".join(f"{quote(k)} = ?" for k in by)
        collate = " COLLATE NOCASE" if nocase else ""
        sql += " ORDER BY " + ", ".join(f"{quote(k)}{collate}" for k in order)
        return [rtype.from_row(r) for r in self._db.conn.execute(sql, tuple(by.values()))]

    def resolve_prefix(self, cls: type[R], prefix: str) -> R:
        """The record whose id is `prefix` or starts with it.

        Raises:
            NotFoundError: none, or several, match.
        """
        found = self.find(cls, prefix)
        if found is not None:
            return found
        rtype = _TYPES[cls]
        rows = self._db.conn.execute(
            f"SELECT * FROM {rtype.table} WHERE id LIKE ? LIMIT 2",
            (prefix.replace("%", "").replace("_", "") + "%",),
        ).fetchall()
        label = rtype.subject.replace("_", " ")
        if not rows:
            raise NotFoundError(f"no {label} with id {prefix}")
        if len(rows) > 1:
            raise NotFoundError(f"the id prefix {prefix} matches several {label}s")
        match: R = rtype.from_row(rows[0])
        return match

    # queries ----------------------------------------------------------------------------
    def manufacturer_named(self, name: str) -> Manufacturer | None:
        """The manufacturer with this name or alias (case-insensitive), if any."""
        for manufacturer in self.all(Manufacturer, order=("name",), nocase=True):
            if manufacturer.matches(name):
                return manufacturer
        return None

    def links_of(self, component_id: str, *, active_only: bool = True) -> list[ComponentLink]:
        """A component's manufacturer links, strongest confidence first."""
        by: dict[str, Any] = {"component_id": component_id}
        if active_only:
            by["status"] = LinkStatus.ACTIVE.value
        links = self.all(ComponentLink, by=by)
        return sorted(links, key=lambda k: (Confidence.rank(k.confidence), k.created_at))

    def components_under(self, item_id: str | None) -> list[Component]:
        """The components in an item's subtree (the item itself included), or in the case."""
        if item_id is None:
            return self.all(Component)
        rows = self._db.conn.execute(
            """WITH RECURSIVE tree(id) AS (
                   SELECT id FROM items WHERE id = ?
                   UNION ALL SELECT items.id FROM items JOIN tree ON items.parent_id = tree.id)
               SELECT components.* FROM components JOIN tree ON components.id = tree.id
               ORDER BY components.created_at, components.id""",
            (item_id,),
        ).fetchall()
        return [record_type(Component).from_row(r) for r in rows]

    def citations_of(self, target_type: str, target_id: str) -> list[tuple[Citation, Source]]:
        """The sources a record cites, with the citation (locator, note)."""
        rows = self._db.conn.execute(
            "SELECT * FROM citations WHERE target_type = ? AND target_id = ? "
            "ORDER BY created_at, id",
            (target_type, target_id),
        ).fetchall()
        out = []
        for row in rows:
            citation = record_type(Citation).from_row(row)
            out.append((citation, self.get(Source, citation.source_id)))
        return out

    def claims_of(self, source_id: str) -> list[Claim]:
        """What a source claimed, by the date the claim refers to."""
        return self.all(
            Claim, by={"source_id": source_id}, order=("claim_date", "created_at", "id")
        )

    def citing(self, source_id: str) -> list[Citation]:
        """Every citation of a source."""
        return self.all(Citation, by={"source_id": source_id})

    def target_exists(self, target_type: str, target_id: str) -> bool:
        """True when the record a citation or an annotation link points at exists in this case."""
        table = _TARGET_TABLES.get(target_type)
        if table is None or table not in self._db.table_names():
            return False
        row = self._db.conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (target_id,)).fetchone()
        return row is not None
