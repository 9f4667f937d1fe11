"""Export a case as CASE/UCO 1.x JSON-LD, the exchange format of the CASE community.

What maps to what:
- the case -> `case-investigation:Investigation` (its objects: every node below);
- a file item -> `uco-observable:File` with a `FileFacet` (name, size, path inside its image,
  `allocationStatus`: Allocated, Deleted, Recovered or Carved) and a `ContentDataFacet`
  holding its SHA-256 and MD5 as `uco-types:Hash`; EXIF facts -> an `EXIFFacet` dictionary;
- hardware and components -> `uco-observable:Device`; the teardown tree and disk-image contents
  -> `uco-core:Relationship` "Contained_Within";
- positions from metadata and geolocation hypotheses -> `uco-location:Location` with a
  `LatLongCoordinatesFacet`;
- examiners -> `uco-identity:Identity`; each custody entry ->
  `case-investigation:InvestigativeAction` (performer, time, objects, reason), and each ingest's
  result -> a `case-investigation:ProvenanceRecord` naming the evidence it produced;
- manufacturers -> `uco-identity:Organization`, component links -> "Manufactured_By" relations.
Node ids are derived from record uuids, so the same record keeps the same IRI across exports.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from forensics import allocation
from forensics.case import Case
from forensics.exchange.report import log_export
from forensics.models import Item

log = logging.getLogger(__name__)

CONTEXT = {
    "kb": "http://example.org/kb/",
    "case-investigation": "https://ontology.caseontology.org/case/investigation/",
    "uco-action": "https://ontology.unifiedcyberontology.org/uco/action/",
    "uco-core": "https://ontology.unifiedcyberontology.org/uco/core/",
    "uco-identity": "https://ontology.unifiedcyberontology.org/uco/identity/",
    "uco-location": "https://ontology.unifiedcyberontology.org/uco/location/",
    "uco-observable": "https://ontology.unifiedcyberontology.org/uco/observable/",
    "uco-types": "https://ontology.unifiedcyberontology.org/uco/types/",
    "uco-vocabulary": "https://ontology.unifiedcyberontology.org/uco/vocabulary/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


_NS = uuid.UUID("6f1d8c52-3a55-4c4e-9f0e-5b1f3c7f0a11")


def _iri(prefix: str, key: str) -> str:
    """A node IRI ending in a UUID (as UCO asks), stable for the same key."""
    return f"kb:{prefix}-{uuid.uuid5(_NS, key)}"


def _typed(value: Any, xsd: str) -> dict[str, Any]:
    return {"@type": f"xsd:{xsd}", "@value": value if xsd != "decimal" else str(value)}


def _ref(node_id: str) -> dict[str, str]:
    return {"@id": node_id}


def _hash(method: str, value: str) -> dict[str, Any]:
    return {
        "@id": _iri(f"hash-{method.lower()}", value),
        "@type": "uco-types:Hash",
        "uco-types:hashMethod": method,
        "uco-types:hashValue": _typed(value.upper(), "hexBinary"),
    }


class _Graph:
    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}

    def add(self, node: dict[str, Any]) -> str:
        self.nodes.setdefault(node["@id"], node)
        return str(node["@id"])

    def identity(self, name: str) -> str:
        key = _iri("identity", name)
        return self.add({"@id": key, "@type": "uco-identity:Identity", "uco-core:name": name})


def _exif_entries(case: Case, item: Item) -> list[dict[str, Any]]:
    try:
        from forensics.store.media import MediaRepository

        view = MediaRepository(case.db).metadata(item.id)
    except Exception as exc:  # metadata is optional in an export; say why it is missing
        log.warning("%s: no metadata for the CASE export (%s)", item.id, exc)
        return []
    entries: list[dict[str, Any]] = []
    for group in view.groups:
        for f in group.fields:
            if f.value:
                entries.append(
                    {
                        "@id": _iri("exifentry", f"{item.id}/{len(entries)}"),
                        "@type": "uco-types:ControlledDictionaryEntry",
                        "uco-types:key": f.key or f.label,
                        "uco-types:value": f.value,
                    }
                )
    return entries


def _item_node(g: _Graph, case: Case, item: Item) -> str:
    node_id = f"kb:item-{item.id}"
    facets: list[dict[str, Any]] = []
    if item.sha256:
        facets.append(
            {
                "@id": f"kb:filefacet-{item.id}",
                "@type": "uco-observable:FileFacet",
                "uco-observable:fileName": item.name,
                "uco-observable:sizeInBytes": _typed(item.size or 0, "integer"),
                "uco-observable:allocationStatus": allocation.UCO_ALLOCATION_STATUS[
                    allocation.allocation_of(item)
                ],
            }
        )
        if item.fs_path:
            facets[-1]["uco-observable:filePath"] = item.fs_path
        content: dict[str, Any] = {
            "@id": f"kb:contentdata-{item.id}",
            "@type": "uco-observable:ContentDataFacet",
            "uco-observable:sizeInBytes": _typed(item.size or 0, "integer"),
            "uco-observable:hash": [_hash("SHA256", item.sha256)]
            + ([_hash("MD5", item.md5)] if item.md5 else []),
        }
        if item.mime:
            content["uco-observable:mimeType"] = item.mime
        facets.append(content)
        entries = _exif_entries(case, item)
        if entries:
            facets.append(
                {
                    "@id": f"kb:exif-{item.id}",
                    "@type": "uco-observable:EXIFFacet",
                    "uco-observable:exifData": {
                        "@id": f"kb:exifdict-{item.id}",
                        "@type": "uco-types:ControlledDictionary",
                        "uco-types:entry": entries,
                    },
                }
            )
        kind = "uco-observable:File"
    else:
        kind = "uco-observable:Device"
        if item.serial:
            facets.append(
                {
                    "@id": f"kb:devicefacet-{item.id}",
                    "@type": "uco-observable:DeviceFacet",
                    "uco-observable:serialNumber": item.serial,
                }
            )
    node: dict[str, Any] = {"@id": node_id, "@type": kind, "uco-core:name": item.name}
    if item.note:
        node["uco-core:description"] = item.note
    if facets:
        node["uco-core:hasFacet"] = facets
    return g.add(node)


def _relation(g: _Graph, rel_id: str, source: str, target: str, kind: str) -> None:
    g.add(
        {
            "@id": rel_id,
            "@type": "uco-core:Relationship",
            "uco-core:source": [_ref(source)],
            "uco-core:target": _ref(target),
            "uco-core:kindOfRelationship": kind,
            "uco-core:isDirectional": True,
        }
    )


def _location(g: _Graph, node_id: str, lat: float, lon: float, name: str | None) -> str:
    node: dict[str, Any] = {
        "@id": node_id,
        "@type": "uco-location:Location",
        "uco-core:hasFacet": [
            {
                "@id": _iri("latlong", node_id),
                "@type": "uco-location:LatLongCoordinatesFacet",
                "uco-location:latitude": _typed(lat, "decimal"),
                "uco-location:longitude": _typed(lon, "decimal"),
            }
        ],
    }
    if name:
        node["uco-core:name"] = name
    return g.add(node)


def _locations(g: _Graph, case: Case, items: set[str]) -> None:
    from forensics.store.hypotheses import HypothesisRepository
    from forensics.store.media import MediaRepository

    for p in MediaRepository(case.db).positions():
        if p.item_id in items:
            loc = _location(g, f"kb:position-{p.id}", p.lat, p.lon, f"{p.source} position")
            _relation(g, f"kb:rel-position-{p.id}", f"kb:item-{p.item_id}", loc, "Located_At")
    for h in HypothesisRepository(case.db).hypotheses():
        if h.item_id is None or h.item_id in items:
            loc = _location(g, f"kb:hypothesis-{h.id}", h.lat, h.lon, h.place_name)
            if h.item_id:
                _relation(
                    g,
                    f"kb:rel-hypothesis-{h.id}",
                    f"kb:item-{h.item_id}",
                    loc,
                    f"Hypothesised_Location ({h.status}, {h.confidence})",
                )


def _provenance(g: _Graph, case: Case) -> None:
    from forensics.provenance.origins import origins

    for c in origins(case).components:
        if c.manufacturer_id and c.manufacturer and c.link_id:
            org = g.add(
                {
                    "@id": f"kb:org-{c.manufacturer_id}",
                    "@type": "uco-identity:Organization",
                    "uco-core:name": c.manufacturer,
                }
            )
            node = f"kb:item-{c.component_id}"
            if node not in g.nodes:
                node = g.add(
                    {
                        "@id": f"kb:component-{c.component_id}",
                        "@type": "uco-observable:Device",
                        "uco-core:name": c.name,
                    }
                )
            _relation(
                g,
                f"kb:rel-link-{c.link_id}",
                node,
                org,
                f"Manufactured_By ({c.basis}, {c.confidence})",
            )


def _actions(g: _Graph, case: Case, items: set[str], investigation: dict[str, Any]) -> None:
    for e in case.custody.entries():
        if e.item_id is not None and e.item_id not in items:
            continue
        action: dict[str, Any] = {
            "@id": f"kb:action-{e.entry_id}",
            "@type": "case-investigation:InvestigativeAction",
            "uco-core:name": e.action,
            "uco-action:startTime": _typed(e.at, "dateTime"),
            "uco-action:performer": _ref(g.identity(e.actor)),
            "uco-core:description": f"custody entry {e.seq}, hash {e.hash}"
            + (f"; reason: {e.reason}" if e.reason else ""),
        }
        if e.item_id:
            action["uco-action:object"] = [_ref(f"kb:item-{e.item_id}")]
            if e.action == "ingested":
                record = g.add(
                    {
                        "@id": f"kb:provenance-{e.entry_id}",
                        "@type": "case-investigation:ProvenanceRecord",
                        "case-investigation:exhibitNumber": e.item_id,
                        "uco-core:object": [_ref(f"kb:item-{e.item_id}")],
                    }
                )
                action["uco-action:result"] = [_ref(record)]
        investigation.setdefault("uco-core:object", []).append(_ref(g.add(action)))


def case_uco_document(case: Case, items: Iterable[str] | None = None) -> dict[str, Any]:
    """The case as one CASE/UCO JSON-LD document (a dict ready for `json.dump`)."""
    g = _Graph()
    info = case.info
    investigation: dict[str, Any] = {
        "@id": f"kb:investigation-{info.case_id}",
        "@type": "case-investigation:Investigation",
        "uco-core:name": info.title,
        "uco-core:description": f"Provenance Workbench case opened {info.created_at} by "
        f"{info.examiner}",
        "case-investigation:focus": "component provenance",
    }
    all_items = case.items.search()
    wanted = set(items) if items else {i.id for i in all_items}
    objects: list[dict[str, str]] = []
    for item in all_items:
        if item.id not in wanted:
            continue
        objects.append(_ref(_item_node(g, case, item)))
        if item.parent_id and item.parent_id in wanted:
            _relation(
                g,
                f"kb:rel-parent-{item.id}",
                f"kb:item-{item.id}",
                f"kb:item-{item.parent_id}",
                "Contained_Within",
            )
    investigation["uco-core:object"] = objects
    parts: tuple[tuple[str, Callable[[], None]], ...] = (
        ("locations", lambda: _locations(g, case, wanted)),
        ("provenance", lambda: _provenance(g, case)),
    )
    for name, part in parts:
        try:
            part()
        except Exception as exc:  # an absent feature leaves its part out, with a warning
            log.warning("CASE export: %s left out (%s)", name, exc)
    _actions(g, case, wanted, investigation)
    g.add(investigation)
    return {"@context": CONTEXT, "@graph": list(g.nodes.values())}


def write_case_uco(
    case: Case, out: Path, actor: str | None = None, items: Iterable[str] | None = None
) -> dict[str, object]:
    """Write the JSON-LD file and log the export; returns the CLI's summary."""
    wanted = list(items) if items else None
    doc = case_uco_document(case, wanted)
    data = json.dumps(doc, indent=1, ensure_ascii=False).encode("utf-8")
    tmp = out.with_name(f".{out.name}.part")
    tmp.write_bytes(data)
    tmp.replace(out)
    return log_export(
        case, out, "case-uco", data, actor=actor, items=wanted, extra={"nodes": len(doc["@graph"])}
    )
