"""Manufacturers: registering one, with its aliases and country, and changing it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from forensics.case import Case
from forensics.errors import ValidationError
from forensics.provenance.countries import resolve_country
from forensics.provenance.models import Alias, Manufacturer, Source
from forensics.provenance.recording import (
    check_editable,
    new_id,
)
from forensics.records.provenance import ProvenanceAction
from forensics.store.db import utc_now
from forensics.store.provenance import ProvenanceRepository
from forensics.store.rebase import rebase


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
    with case.recording(actor) as rec:
        rec.insert(
            manufacturer,
            ProvenanceAction.MANUFACTURER_ADDED,
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
    based_on: Manufacturer | None = None,
) -> Manufacturer:
    """Change a manufacturer's fields; `country` takes a code or a name.

    Args:
        case: the case.
        manufacturer_id: the manufacturer.
        changes: field -> new value.
        actor: who (default: the case's actor).
        reason: why.
        based_on: the manufacturer as the form showed it: only the fields that differ from
            it are changed, and one someone else changed since is a conflict.

    Raises:
        ValidationError: a field that cannot be edited or a bad value.
        EditConflictError: a field these changes set was changed since `based_on`.
    """
    check_editable(changes, _MANUFACTURER_EDITABLE)
    with case.recording(actor, reason=reason) as rec:
        before = ProvenanceRepository(case.db).get(Manufacturer, manufacturer_id)
        values = dict(changes)
        if based_on is not None:
            values = rebase(
                based_on, before, values, view=_form_view, label=f"manufacturer {before.name}"
            )
        if "country" in values:
            country = values.pop("country")
            code, cname = resolve_country(country) if country else (None, None)
            values["country_code"], values["country_name"] = code, cname
        if "aliases" in values:
            values["aliases"] = tuple(values["aliases"])
        after = replace(before, **values, updated_at=utc_now())
        rec.update(before, after, ProvenanceAction.MANUFACTURER_EDITED)
    return after


def _form_view(m: Manufacturer) -> dict[str, Any]:
    """The fields under the names the edit takes (`country`: the code)."""
    return {"country": m.country_code}
