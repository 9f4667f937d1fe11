"""The provenance graph: item -> component -> manufacturer -> country, with evidence per edge.

Plain data for any renderer (the GUI's diagram, reports): nodes with stable ids
("item:<id>", "component:<id>", "manufacturer:<id>", "country:CN") and edges that carry the
evidence behind them, so a click on an edge can show what it rests on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forensics.case import Case
from forensics.models import ItemKind
from forensics.provenance.models import Evidence, Manufacturer
from forensics.provenance.sources import source_refs
from forensics.store.provenance import ProvenanceRepository


@dataclass(frozen=True)
class GraphNode:
    """One box of the diagram."""

    id: str
    kind: str
    """"item", "component", "manufacturer" or "country"."""
    label: str
    record_id: str
    detail: str = ""


@dataclass(frozen=True)
class GraphEdge:
    """One arrow of the diagram with the evidence behind it."""

    source: str
    target: str
    kind: str
    """"contains", "made_by" or "located_in"."""
    evidence: tuple[Evidence, ...]
    record_id: str | None = None
    """The component link behind a "made_by" edge."""

    def to_json(self) -> dict[str, Any]:
        """As JSON."""
        return {
            "source": self.source,
            "target": self.target,
            "kind": self.kind,
            "record_id": self.record_id,
            "evidence": [e.to_json() for e in self.evidence],
        }


@dataclass(frozen=True)
class ProvenanceGraph:
    """Nodes and edges of one item's (or the whole case's) provenance."""

    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]

    def node(self, node_id: str) -> GraphNode:
        """The node with this id.

        Raises:
            KeyError: none.
        """
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    def edges_of(self, node_id: str) -> tuple[GraphEdge, ...]:
        """The edges touching a node."""
        return tuple(e for e in self.edges if node_id in (e.source, e.target))

    def to_json(self) -> dict[str, Any]:
        """As JSON."""
        return {
            "nodes": [n.__dict__ for n in self.nodes],
            "edges": [e.to_json() for e in self.edges],
        }


def provenance_graph(case: Case, item_id: str | None = None) -> ProvenanceGraph:
    """The graph of an item's subtree, or of the whole case.

    Raises:
        NotFoundError: no such item.
    """
    if item_id is not None:
        case.items.get(item_id)
    repo = ProvenanceRepository(case.db)
    nodes: dict[str, GraphNode] = {}
    edges: list[GraphEdge] = []
    for component in repo.components_under(item_id):
        item = case.items.get(component.id)
        cnode = f"component:{component.id}"
        detail = " ".join(p for p in (component.function, component.part_number) if p)
        nodes[cnode] = GraphNode(cnode, "component", item.name, component.id, detail)
        if item.parent_id is not None:
            parent = case.items.get(item.parent_id)
            kind = "component" if parent.kind == ItemKind.COMPONENT else "item"
            pnode = f"{kind}:{parent.id}"
            nodes.setdefault(
                pnode, GraphNode(pnode, kind, parent.name, parent.id, parent.exhibit or "")
            )
            teardown = Evidence(
                f"teardown: recorded inside '{parent.name}' by {item.created_by} "
                f"on {item.created_at[:10]}",
                sources=source_refs(case, "item", component.id),
            )
            edges.append(GraphEdge(pnode, cnode, "contains", (teardown,)))
        for link in repo.links_of(component.id):
            maker = repo.get(Manufacturer, link.manufacturer_id)
            mnode = f"manufacturer:{maker.id}"
            nodes.setdefault(
                mnode, GraphNode(mnode, "manufacturer", maker.name, maker.id, maker.place())
            )
            summary = f"{link.basis} ({link.confidence})"
            if component.marking and link.basis == "marking observed":
                summary += f": marking '{component.marking}'"
            if link.note:
                summary += f"; {link.note}"
            edges.append(
                GraphEdge(
                    cnode,
                    mnode,
                    "made_by",
                    (
                        Evidence(
                            summary,
                            link.basis,
                            link.confidence,
                            source_refs(case, "component_link", link.id),
                        ),
                    ),
                    link.id,
                )
            )
            if maker.country_code and not any(
                e.source == mnode and e.kind == "located_in" for e in edges
            ):
                knode = f"country:{maker.country_code}"
                nodes.setdefault(
                    knode,
                    GraphNode(
                        knode,
                        "country",
                        maker.country_name or maker.country_code,
                        maker.country_code,
                    ),
                )
                where = maker.place() or maker.country_code
                edges.append(
                    GraphEdge(
                        mnode,
                        knode,
                        "located_in",
                        (
                            Evidence(
                                f"manufacturer registry: {where}",
                                sources=source_refs(case, "manufacturer", maker.id),
                            ),
                        ),
                    )
                )
    return ProvenanceGraph(tuple(nodes.values()), tuple(edges))
