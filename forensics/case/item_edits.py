"""What a case does to its items beyond storing files: register a physical item, edit one
(with the stale-copy check), walk up its parents.

A mixin of `Case`, so callers keep writing `case.add_item(...)`: it uses only the case's
item repository, its recorded-write path and its idea of who is acting, which `Case`
provides (declared here as abstract, so mypy holds both sides to them).
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from forensics.errors import ValidationError
from forensics.records.core import Item, ItemKind
from forensics.store.custody import Action
from forensics.store.db import utc_now

if TYPE_CHECKING:
    from forensics.store.items import ItemRepository
    from forensics.store.recording import Recording


class ItemEdits(ABC):
    """Item operations of an open case (see the module's note)."""

    items: ItemRepository

    @abstractmethod
    def actor(self, explicit: str | None = None) -> str:
        """Who is acting (`Case.actor`)."""

    @abstractmethod
    def recording(
        self, actor: str | None = None, *, reason: str | None = None
    ) -> AbstractContextManager[Recording]:
        """Recorded writes in one transaction (`Case.recording`)."""

    def add_item(
        self,
        *,
        kind: str,
        name: str,
        actor: str | None = None,
        parent_id: str | None = None,
        serial: str | None = None,
        marking: str | None = None,
        exhibit: str | None = None,
        note: str | None = None,
        tags: Iterable[str] = (),
        attributes: Mapping[str, Any] | None = None,
        reason: str | None = None,
    ) -> Item:
        """Register a physical item (no file content): a drone, a camera module, a chip.

        Raises:
            ValidationError: empty name or unknown kind.
            NotFoundError: the parent does not exist.
        """
        if kind not in (ItemKind.HARDWARE, ItemKind.COMPONENT):
            raise ValidationError(
                f"kind must be {ItemKind.HARDWARE} or {ItemKind.COMPONENT} for items without "
                "a file; files are ingested"
            )
        if not name.strip():
            raise ValidationError("an item needs a name")
        actor = self.actor(actor)
        if parent_id is not None:
            self.items.get(parent_id)
        item = Item(
            id=str(uuid.uuid4()),
            kind=kind,
            name=name,
            parent_id=parent_id,
            serial=serial,
            marking=marking,
            exhibit=exhibit,
            note=note,
            tags=tuple(tags),
            attributes=dict(attributes or {}),
            created_at=utc_now(),
            created_by=actor,
        )
        self.insert_item(
            item,
            Action.ITEM_ADDED,
            details={"kind": kind, "name": name, "parent_id": parent_id},
            reason=reason,
        )
        return item

    def insert_item(
        self, item: Item, action: str, *, details: Mapping[str, Any], reason: str | None
    ) -> None:
        """Store an item built by the caller with the custody entry recording it (by its
        `created_by`), in one transaction: the caller's, when one is open."""
        with self.recording(item.created_by, reason=reason) as rec:
            rec.insert(item, action, details=details)

    def edit_item(
        self,
        item_id: str,
        changes: Mapping[str, Any],
        *,
        actor: str | None = None,
        reason: str | None = None,
        based_on: Item | None = None,
    ) -> Item:
        """Change editable fields of an item; the old and new values go into the log.

        Args:
            item_id: the item.
            changes: field -> new value.
            actor: who (default: see `actor()`).
            reason: why.
            based_on: the copy of the item the user edited (a dialog opened a while ago).
                The changes go onto the item as stored now; when someone changed one of the
                same fields since that copy, nothing is written.

        Raises:
            EditConflictError: `based_on` is stale for a field the changes set.
        """
        actor = self.actor(actor)
        with self.recording(actor, reason=reason) as rec:
            before, after = self.items.edited(item_id, changes, based_on=based_on)
            if "parent_id" in changes and changes["parent_id"] is not None:
                self._check_parent(item_id, changes["parent_id"])
            rec.update(before, after, Action.ITEM_EDITED)
        return after

    def _check_parent(self, item_id: str, parent_id: str) -> None:
        cursor: str | None = parent_id
        while cursor is not None:
            if cursor == item_id:
                raise ValidationError("an item cannot be moved under itself")
            cursor = self.items.get(cursor).parent_id

    def ancestors(self, item_id: str) -> list[Item]:
        """The chain of parents of an item, nearest first."""
        out: list[Item] = []
        parent = self.items.get(item_id).parent_id
        while parent is not None:
            item = self.items.get(parent)
            out.append(item)
            parent = item.parent_id
        return out
