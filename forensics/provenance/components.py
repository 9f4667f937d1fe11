"""Components inside recovered hardware, and their attribution to manufacturers.

A component is an item (a child of the hardware it was found in) plus a component row with
its markings; a link attributes it to a manufacturer on a stated basis and confidence,
citing the sources that say so. A withdrawn link stays on the record, marked withdrawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from forensics.case import Case
from forensics.errors import ValidationError
from forensics.models import Item, ItemKind
from forensics.provenance.models import (
    Basis,
    Citation,
    Component,
    ComponentLink,
    Confidence,
    Manufacturer,
)
from forensics.provenance.recording import (
    check_editable,
    derived_id,
    new_id,
    require_sources,
)
from forensics.records.core import CustodyEntry
from forensics.records.provenance import COMPONENT_LINK, LinkStatus, ProvenanceAction
from forensics.store.custody import Action
from forensics.store.db import utc_now
from forensics.store.provenance import ProvenanceRepository
from forensics.store.rebase import rebase


def add_component(
    case: Case,
    *,
    parent_id: str,
    function: str,
    name: str | None = None,
    part_number: str | None = None,
    marking: str | None = None,
    date_code: str | None = None,
    lot_code: str | None = None,
    photo_item_ids: Sequence[str] = (),
    notes: str | None = None,
    exhibit: str | None = None,
    serial: str | None = None,
    tags: Sequence[str] = (),
    actor: str | None = None,
    record_id: str | None = None,
    reason: str | None = None,
) -> Component:
    """Record a component inside a piece of hardware: its item and its component row.

    The marking is stored exactly as given (line breaks and spacing kept). This is the one way
    a component is registered (the item dialog calls it too), so every component item can be
    attributed to a manufacturer without a second, nested component.

    Raises:
        ValidationError: no function given, or a photo that is not an item with content.
        NotFoundError: the parent or a photo item does not exist.
    """
    if not function.strip():
        raise ValidationError("a component needs a function (camera, MCU, radio...)")
    case.items.get(parent_id)
    for photo in photo_item_ids:
        if case.items.get(photo).sha256 is None:
            raise ValidationError(f"photo {photo} is not an evidence file")
    actor = case.actor(actor)
    now = utc_now()
    component_id = new_id(record_id)
    label = (name or "").strip() or " ".join(p for p in (function.strip(), part_number) if p)
    item = Item(
        id=component_id,
        kind=ItemKind.COMPONENT,
        name=label,
        parent_id=parent_id,
        marking=marking,
        exhibit=exhibit,
        serial=serial,
        tags=tuple(tags),
        note=notes,
        created_at=now,
        created_by=actor,
        attributes={"function": function.strip(), "part_number": part_number},
    )
    component = Component(
        id=component_id,
        function=function.strip(),
        part_number=part_number,
        marking=marking,
        date_code=date_code,
        lot_code=lot_code,
        photo_item_ids=tuple(photo_item_ids),
        notes=notes,
        created_at=now,
        created_by=actor,
        updated_at=now,
    )
    with case.transaction():
        case.insert_item(
            item,
            Action.ITEM_ADDED,
            details={"kind": item.kind, "name": label, "parent_id": parent_id},
            reason=reason,
        )
        with case.recording(actor) as rec:
            rec.insert(
                component,
                ProvenanceAction.COMPONENT_ADDED,
                item_id=item.id,
                details={"function": component.function, "part_number": part_number},
                reason=reason,
            )
    return component


_COMPONENT_EDITABLE = (
    "function",
    "part_number",
    "marking",
    "date_code",
    "lot_code",
    "photo_item_ids",
    "notes",
)


def edit_component(
    case: Case,
    component_id: str,
    changes: Mapping[str, Any],
    *,
    actor: str | None = None,
    reason: str | None = None,
    based_on: Component | None = None,
) -> Component:
    """Change a component's fields.

    Args:
        case: the case.
        component_id: the component.
        changes: field -> new value.
        actor: who (default: the case's actor).
        reason: why.
        based_on: the component as the form showed it: only the fields that differ from it
            are changed, and one someone else changed since is a conflict.

    Raises:
        ValidationError: a field that cannot be edited.
        EditConflictError: a field these changes set was changed since `based_on`.
    """
    check_editable(changes, _COMPONENT_EDITABLE)
    with case.recording(actor, reason=reason) as rec:
        before = ProvenanceRepository(case.db).get(Component, component_id)
        values = dict(changes)
        if based_on is not None:
            values = rebase(based_on, before, values, label=_component_label(case, component_id))
        if "photo_item_ids" in values:
            values["photo_item_ids"] = tuple(values["photo_item_ids"])
        after = replace(before, **values, updated_at=utc_now())
        rec.update(before, after, ProvenanceAction.COMPONENT_EDITED, item_id=component_id)
    return after


def _component_label(case: Case, component_id: str) -> str:
    item = case.items.find(component_id)
    return f"component '{item.name}'" if item is not None else f"component {component_id}"


# links ------------------------------------------------------------------------------------
def link_component(
    case: Case,
    component_id: str,
    manufacturer_id: str,
    *,
    basis: str,
    confidence: str = Confidence.POSSIBLE,
    note: str | None = None,
    source_ids: Sequence[str] = (),
    actor: str | None = None,
    record_id: str | None = None,
    reason: str | None = None,
) -> ComponentLink:
    """Attribute a component to a manufacturer, citing the sources that say so.

    Raises:
        ValidationError: an unknown basis or confidence.
        NotFoundError: the component, manufacturer or a source does not exist.
    """
    if basis not in Basis.ALL:
        raise ValidationError(f"basis must be one of: {', '.join(Basis.ALL)}")
    if confidence not in Confidence.ALL:
        raise ValidationError(f"confidence must be one of: {', '.join(Confidence.ALL)}")
    repo = ProvenanceRepository(case.db)
    repo.get(Component, component_id)
    manufacturer = repo.get(Manufacturer, manufacturer_id)
    require_sources(repo, source_ids)
    actor = case.actor(actor)
    now = utc_now()
    link = ComponentLink(
        id=new_id(record_id),
        component_id=component_id,
        manufacturer_id=manufacturer_id,
        basis=basis,
        confidence=confidence,
        note=note,
        created_at=now,
        created_by=actor,
        updated_at=now,
    )
    with case.recording(actor) as rec:
        rec.insert(
            link,
            ProvenanceAction.LINKED,
            item_id=component_id,
            details={"manufacturer": manufacturer.name, "basis": basis, "confidence": confidence},
            reason=reason,
        )
        for source_id in source_ids:
            citation = Citation(
                id=derived_id(link.id, source_id),
                source_id=source_id,
                target_type="component_link",
                target_id=link.id,
                created_at=now,
                created_by=actor,
            )
            rec.insert(
                citation,
                ProvenanceAction.CITED,
                item_id=component_id,
                details={"target_type": "component_link"},
            )
    return link


def withdraw_link(
    case: Case, link_id: str, *, actor: str | None = None, reason: str | None = None
) -> ComponentLink:
    """Withdraw an attribution (it stays on the record, marked withdrawn).

    A withdrawal has no stale form to settle: it is the only change a link can get, to the one
    value "withdrawn", so two examiners withdrawing the same link never clash. The link is
    read inside the write transaction (which holds the case's write lock); one a colleague
    already withdrew is returned as stored, with no second custody entry.

    Raises:
        NotFoundError: no such link.
    """
    with case.recording(actor, reason=reason) as rec:
        link = ProvenanceRepository(case.db).get(ComponentLink, link_id)
        if link.status == LinkStatus.WITHDRAWN:
            return link
        after = replace(link, status=LinkStatus.WITHDRAWN, updated_at=utc_now())
        rec.update(
            link,
            after,
            ProvenanceAction.LINK_WITHDRAWN,
            item_id=link.component_id,
            log_changes=False,
        )
    return after


def withdrawal(case: Case, link_id: str) -> CustodyEntry | None:
    """The custody entry that withdrew a link (None: it is active): who, when and why, for
    an examiner who finds it withdrawn already."""
    entries = case.custody.entries(subject=(COMPONENT_LINK.subject, link_id))
    withdrawn = [e for e in entries if e.action == ProvenanceAction.LINK_WITHDRAWN]
    return withdrawn[-1] if withdrawn else None
