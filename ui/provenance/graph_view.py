"""The provenance diagram: item -> component -> manufacturer -> country, evidence on click.

Four columns of boxes in a QGraphicsScene, arrows between them; clicking a box or an arrow
shows the evidence behind it (basis, confidence, sources with grades) in the panel below.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from forensics.provenance.graph import GraphEdge, GraphNode, ProvenanceGraph

COLUMNS = ("item", "component", "manufacturer", "country")
COLOURS = {
    "item": "#d9e4f2",
    "component": "#e6f0d8",
    "manufacturer": "#f6e3c6",
    "country": "#f3d3d3",
}
NODE_W, NODE_H, COL_GAP, ROW_GAP = 210.0, 46.0, 90.0, 18.0


class NodeItem(QGraphicsRectItem):
    """A box of the diagram."""

    def __init__(self, node: GraphNode, rect: QRectF) -> None:
        super().__init__(rect)
        self.node = node
        self.setBrush(QBrush(QColor(COLOURS.get(node.kind, "#eeeeee"))))
        self.setPen(QPen(QColor("#555555"), 1.2))
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setToolTip(f"{node.kind}: {node.label}\n{node.detail}".strip())
        label = QGraphicsSimpleTextItem(_elide(node.label, 30), self)
        label.setPos(rect.x() + 8, rect.y() + 5)
        if node.detail:
            detail = QGraphicsSimpleTextItem(_elide(node.detail, 34), self)
            detail.setBrush(QBrush(QColor("#444444")))
            detail.setPos(rect.x() + 8, rect.y() + 24)


class EdgeItem(QGraphicsPathItem):
    """An arrow of the diagram; its shape is widened so it is easy to click."""

    def __init__(self, edge: GraphEdge, start: QPointF, end: QPointF) -> None:
        path = QPainterPath(start)
        mid = (start.x() + end.x()) / 2
        path.cubicTo(QPointF(mid, start.y()), QPointF(mid, end.y()), end)
        super().__init__(path)
        self.edge = edge
        colour = "#2f6db3" if edge.kind == "made_by" else "#777777"
        self.setPen(QPen(QColor(colour), 2.0 if edge.kind == "made_by" else 1.4))
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setToolTip(edge.evidence[0].summary if edge.evidence else edge.kind)
        self.setZValue(-1)

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        return stroker.createStroke(self.path())


def _elide(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ProvenanceGraphView(QWidget):
    """The diagram and its evidence panel."""

    node_clicked = Signal(str)
    """The clicked node's id ("component:<uuid>" …)."""
    edge_clicked = Signal(str, str)
    """Source and target node ids of the clicked arrow."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = QGraphicsScene(self)
        self.view = QGraphicsView(self.scene)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.evidence = QTextBrowser()
        self.evidence.setOpenExternalLinks(False)
        self.evidence.setPlaceholderText("Click a box or an arrow to see the evidence behind it.")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        split.addWidget(self.evidence)
        split.setStretchFactor(0, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.graph = ProvenanceGraph((), ())
        self.nodes: dict[str, NodeItem] = {}
        self.edges: list[EdgeItem] = []
        self.scene.selectionChanged.connect(self._selection_changed)

    def set_graph(self, graph: ProvenanceGraph) -> None:
        """Draw a graph, replacing the previous one."""
        self.scene.clear()
        self.graph = graph
        self.nodes, self.edges = {}, []
        rows = dict.fromkeys(COLUMNS, 0)
        for node in graph.nodes:
            column = COLUMNS.index(node.kind) if node.kind in COLUMNS else 0
            x = column * (NODE_W + COL_GAP)
            y = rows[node.kind] * (NODE_H + ROW_GAP)
            rows[node.kind] = rows.get(node.kind, 0) + 1
            item = NodeItem(node, QRectF(x, y, NODE_W, NODE_H))
            self.scene.addItem(item)
            self.nodes[node.id] = item
        for edge in graph.edges:
            a, b = self.nodes.get(edge.source), self.nodes.get(edge.target)
            if a is None or b is None:
                continue
            ra, rb = a.rect(), b.rect()
            if rb.x() > ra.x():
                start, end = (
                    QPointF(ra.right(), ra.center().y()),
                    QPointF(rb.left(), rb.center().y()),
                )
            else:  # a component inside a component: same column, arrow down the side
                start, end = QPointF(ra.left() + 20, ra.bottom()), QPointF(rb.left() + 20, rb.top())
            arrow = EdgeItem(edge, start, end)
            self.scene.addItem(arrow)
            self.edges.append(arrow)
        if not graph.nodes:
            self.scene.addSimpleText("No components recorded yet.")
        self.evidence.clear()
        self.view.setSceneRect(self.scene.itemsBoundingRect().adjusted(-20, -20, 20, 20))

    def select_edge(self, source: str, target: str) -> None:
        """Select an arrow as if clicked (and show its evidence)."""
        self.scene.clearSelection()
        for item in self.edges:
            if (item.edge.source, item.edge.target) == (source, target):
                item.setSelected(True)
                return
        raise KeyError((source, target))

    def _selection_changed(self) -> None:
        try:
            selected = self.scene.selectedItems()
        except RuntimeError:  # the scene is being torn down
            return
        if not selected:
            return
        item = selected[0]
        if isinstance(item, NodeItem):
            self.evidence.setHtml(self._node_html(item.node))
            self.node_clicked.emit(item.node.id)
        elif isinstance(item, EdgeItem):
            self.evidence.setHtml(self._edge_html(item.edge))
            self.edge_clicked.emit(item.edge.source, item.edge.target)

    def _node_html(self, node: GraphNode) -> str:
        parts = [f"<h3>{html.escape(node.kind)}: {html.escape(node.label)}</h3>"]
        if node.detail:
            parts.append(f"<p>{html.escape(node.detail)}</p>")
        for edge in self.graph.edges_of(node.id):
            other = edge.target if edge.source == node.id else edge.source
            label = self.graph.node(other).label if other in self.nodes else other
            parts.append(f"<p>{html.escape(edge.kind.replace('_', ' '))}: {html.escape(label)}</p>")
        return "".join(parts)

    def _edge_html(self, edge: GraphEdge) -> str:
        a, b = self.graph.node(edge.source), self.graph.node(edge.target)
        parts = [
            f"<h3>{html.escape(a.label)} → {html.escape(b.label)}</h3>",
            f"<p><i>{html.escape(edge.kind.replace('_', ' '))}</i></p>",
        ]
        for ev in edge.evidence:
            parts.append(f"<p>{html.escape(ev.summary)}</p>")
            if ev.sources:
                parts.append(
                    "<ul>"
                    + "".join(
                        f"<li>[{html.escape(s.grade)}] {html.escape(s.title)}"
                        f"{' (' + html.escape(s.published) + ')' if s.published else ''}"
                        f"{' — ' + html.escape(s.locator) if s.locator else ''}</li>"
                        for s in ev.sources
                    )
                    + "</ul>"
                )
            else:
                parts.append("<p>No source cited.</p>")
        return "".join(parts)

    def evidence_text(self) -> str:
        """The evidence panel's plain text (what the user reads)."""
        return self.evidence.toPlainText()

    def sizeHint(self) -> Any:
        return super().sizeHint().expandedTo(self.view.sizeHint())
