"""Manufacturers, components and the links between them, each change logged in custody.

Every function writes its record and its custody entry in one transaction. `record_id` lets
a caller that needs stable ids (the demo builder) choose them; otherwise ids are uuid4.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from forensics.case import Case
from forensics.errors import ValidationError
from forensics.models import Item, ItemKind
from forensics.provenance.countries import resolve_country
from forensics.provenance.models import (
    Alias,
    Basis,
    Citation,
    Component,
    ComponentLink,
    Confidence,
    Manufacturer,
    Source,
)
from forensics.store.custody import Action
from forensics.store.db import utc_now
from forensics.store.items import item_record
from forensics.store.provenance import ProvenanceRepository, Record, subject_of

log = logging.getLogger(__name__)


class ProvenanceAction:
    """Custody actions of the provenance records."""

    MANUFACTURER_ADDED = "manufacturer_added"
    MANUFACTURER_EDITED = "manufacturer_edited"
    COMPONENT_ADDED = "component_added"
    COMPONENT_EDITED = "component_edited"
    LINKED = "component_linked"
    LINK_WITHDRAWN = "component_link_withdrawn"
    SOURCE_ADDED = "source_added"
    SOURCE_EDITED = "source_edited"
    CLAIM_ADDED = "claim_added"
    FIGURE_ADDED = "figure_added"
    CITED = "source_cited"
    MARKING_DECISION = "marking_suggestion_decided"


def new_id(record_id: str | None) -> str:
    """The caller's id, else a new uuid4."""
    return record_id or str(uuid.uuid4())


def derived_id(parent: str, key: str) -> str:
    """A stable id for a record owned by `parent` (e.g. its citation of a source).

    Deriving it (uuid5) rather than drawing a uuid4 keeps rebuilt cases identical.
    """
    return str(uuid.uuid5(uuid.UUID(parent), key))


def require_sources(repo: ProvenanceRepository, source_ids: Iterable[str]) -> None:
    """Check every cited source exists before anything is written.

    Raises:
        NotFoundError: a source does not exist.
    """
    for source_id in source_ids:
        repo.get(Source, source_id)


def write(
    case: Case,
    record: Record,
    action: str,
    actor: str,
    *,
    insert: bool,
    item_id: str | None = None,
    details: Mapping[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    """Insert or update one record and append its custody entry (own transaction)."""
    repo = ProvenanceRepository(case.db)
    with case.transaction():
        if insert:
            repo.insert(record)
        else:
            repo.update(record)
        case.custody.append(
            action,
            actor,
            item_id=item_id,
            subject=(subject_of(record), record.id),
            record=record.record(),
            details=dict(details or {}),
            reason=reason,
        )


# manufacturers ----------------------------------------------------------------------------
def parse_alias(text: str) -> Alias:
    """An alias from "name" or "name@script" (e.g. "维普@Han")."""
    name, _, script = text.partition("@")
    if not name.strip():
        raise ValidationError("an alias needs a name")
    if script.strip():
        return Alias(name.strip(), script.strip())
    latin = all(ord(ch) < 0x250 for ch in name)
    return Alias(name.strip(), "Latin" if latin else "native")


def add_manufacturer(
    case: Case,
    *,
    name: str,
    aliases: Iterable[Alias] = (),
    country: str | None = None,
    region: str | None = None,
    city: str | None = None,
    notes: str | None = None,
    listing_status: str | None = None,
    listing_source_id: str | None = None,
    actor: str | None = None,
    record_id: str | None = None,
    reason: str | None = None,
) -> Manufacturer:
    """Register a manufacturer.

    Raises:
        ValidationError: empty name, a name already registered, an unknown country, or an
            unknown listing source.
    """
    if not name.strip():
        raise ValidationError("a manufacturer needs a name")
    repo = ProvenanceRepository(case.db)
    if repo.manufacturer_named(name) is not None:
        raise ValidationError(f"a manufacturer named '{name}' is already registered")
    code, cname = resolve_country(country) if country else (None, None)
    if listing_source_id is not None:
        repo.get(Source, listing_source_id)
    actor = case.actor(actor)
    now = utc_now()
    manufacturer = Manufacturer(
        id=new_id(record_id),
        name=name.strip(),
        aliases=tuple(aliases),
        country_code=code,
        country_name=cname,
        region=region,
        city=city,
        notes=notes,
        listing_status=listing_status,
        listing_source_id=listing_source_id,
        created_at=now,
        created_by=actor,
        updated_at=now,
    )
    write(
        case,
        manufacturer,
        ProvenanceAction.MANUFACTURER_ADDED,
        actor,
        insert=True,
        details={"name": manufacturer.name, "country": code},
        reason=reason,
    )
    return manufacturer


_MANUFACTURER_EDITABLE = (
    "name",
    "aliases",
    "region",
    "city",
    "notes",
    "listing_status",
    "listing_source_id",
    "country",
)


def edit_manufacturer(
    case: Case,
    manufacturer_id: str,
    changes: Mapping[str, Any],
    *,
    actor: str | None = None,
    reason: str | None = None,
) -> Manufacturer:
    """Change a manufacturer's fields; `country` takes a code or a name.

    Raises:
        ValidationError: a field that cannot be edited or a bad value.
    """
    _check_editable(changes, _MANUFACTURER_EDITABLE)
    before = ProvenanceRepository(case.db).get(Manufacturer, manufacturer_id)
    values = dict(changes)
    if "country" in values:
        country = values.pop("country")
        code, cname = resolve_country(country) if country else (None, None)
        values["country_code"], values["country_name"] = code, cname
    if "aliases" in values:
        values["aliases"] = tuple(values["aliases"])
    after = replace(before, **values, updated_at=utc_now())
    _write_edit(case, before, after, ProvenanceAction.MANUFACTURER_EDITED, actor, reason)
    return after


def _check_editable(changes: Mapping[str, Any], editable: Sequence[str]) -> None:
    """Refuse fields outside `editable` (ids, creation stamps) before reading anything."""
    bad = set(changes) - set(editable)
    if bad:
        raise ValidationError(f"cannot edit {', '.join(sorted(bad))}")


def _write_edit(
    case: Case,
    before: Record,
    after: Record,
    action: str,
    actor: str | None,
    reason: str | None,
    *,
    item_id: str | None = None,
) -> None:
    """Save an edited record, logging each changed field's old and new value."""
    old, new = before.record(), after.record()
    diff = {
        k: {"from": old[k], "to": new[k]} for k in new if old[k] != new[k] and k != "updated_at"
    }
    write(
        case,
        after,
        action,
        case.actor(actor),
        insert=False,
        item_id=item_id,
        details={"changes": diff},
        reason=reason,
    )


# components -------------------------------------------------------------------------------
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
    actor: str | None = None,
    record_id: str | None = None,
    reason: str | None = None,
) -> Component:
    """Record a component inside a piece of hardware: its item and its component row.

    The marking is stored exactly as given (line breaks and spacing kept).

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
    label = name or " ".join(p for p in (function.strip(), part_number) if p)
    item = Item(
        id=component_id,
        kind=ItemKind.COMPONENT,
        name=label,
        parent_id=parent_id,
        marking=marking,
        exhibit=exhibit,
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
        case.items.insert(item)
        case.custody.append(
            Action.ITEM_ADDED,
            actor,
            item_id=item.id,
            record=item_record(item),
            reason=reason,
            details={"kind": item.kind, "name": label, "parent_id": parent_id},
        )
        write(
            case,
            component,
            ProvenanceAction.COMPONENT_ADDED,
            actor,
            insert=True,
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
) -> Component:
    """Change a component's fields.

    Raises:
        ValidationError: a field that cannot be edited.
    """
    _check_editable(changes, _COMPONENT_EDITABLE)
    before = ProvenanceRepository(case.db).get(Component, component_id)
    values = dict(changes)
    if "photo_item_ids" in values:
        values["photo_item_ids"] = tuple(values["photo_item_ids"])
    after = replace(before, **values, updated_at=utc_now())
    _write_edit(
        case,
        before,
        after,
        ProvenanceAction.COMPONENT_EDITED,
        actor,
        reason,
        item_id=component_id,
    )
    return after


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
    with case.transaction():
        write(
            case,
            link,
            ProvenanceAction.LINKED,
            actor,
            insert=True,
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
            write(
                case,
                citation,
                ProvenanceAction.CITED,
                actor,
                insert=True,
                item_id=component_id,
                details={"target_type": "component_link"},
            )
    return link


def withdraw_link(
    case: Case, link_id: str, *, actor: str | None = None, reason: str | None = None
) -> ComponentLink:
    """Withdraw an attribution (it stays on the record, marked withdrawn)."""
    repo = ProvenanceRepository(case.db)
    link = repo.get(ComponentLink, link_id)
    after = replace(link, status="withdrawn", updated_at=utc_now())
    write(
        case,
        after,
        ProvenanceAction.LINK_WITHDRAWN,
        case.actor(actor),
        insert=False,
        item_id=link.component_id,
        reason=reason,
    )
    return after
