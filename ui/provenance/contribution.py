"""The provenance feature's part of the main window: five docks and the Provenance menu."""

from __future__ import annotations

import html
import logging
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from forensics.case import Case, is_case
from forensics.errors import NotFoundError
from forensics.jobs import CancelToken, ProgressFn
from forensics.store.events import ChangeSet
from ui.actions import make_action
from ui.context import WorkbenchContext
from ui.lazy import LazyPanel, WhenShown, reveal

if TYPE_CHECKING:
    from forensics.provenance.search import PartSearch
    from ui.comments.box import CommentsBox
    from ui.provenance.component_editor import ComponentEditor
    from ui.provenance.graph_view import ProvenanceGraphView
    from ui.provenance.manufacturers_dock import ManufacturersDock
    from ui.provenance.origins_view import OriginsView
    from ui.provenance.sources_dock import SourcesDock

_DOCKS = (
    ("manufacturers", "Manufacturers", "right"),
    ("component", "Component", "right"),
    ("sources", "Sources", "right"),
    ("graph", "Provenance graph", "bottom"),
    ("origins", "Origins", "right"),
)
"""Each dock's name, title and default area: lists beside Details, the graph wide below."""

log = logging.getLogger(__name__)


def _subjects() -> tuple[str, ...]:
    """What the provenance docks show: its records, and the items components are."""
    from forensics.records.provenance import RECORD_TYPES

    return (*(t.subject for t in RECORD_TYPES), "item")


class ProvenanceContribution:
    """Installs the manufacturers, component, sources, graph and origins docks."""

    def install(self, ctx: WorkbenchContext) -> None:
        """Add the docks, the menu, and follow the case and the selection."""
        self.ctx = ctx
        self.component_comments: CommentsBox | None = None
        """The comments on the component shown in the component editor (once it is built)."""
        self.selected_item: str | None = None
        self.scope_item: str | None = None
        # Every dock starts tabbed behind the viewer or Details: each widget is built, and reads the
        # case, when its dock is first looked at (or an action needs it).
        self.slots: dict[str, LazyPanel] = {}
        for name, title, area in _DOCKS:
            panel = LazyPanel(partial(self._make, name, title), ctx.window)
            self.slots[name] = panel
            ctx.add_dock(title, panel, area=area)
        self.refreshers = (
            WhenShown(self.slots["manufacturers"], lambda: self.manufacturers.reload()),
            WhenShown(self.slots["sources"], lambda: self.sources.reload()),
            WhenShown(self.slots["component"], self._show_component),
            WhenShown(self.slots["graph"], self._show_graph),
            WhenShown(self.slots["origins"], self._show_origins),
        )
        self._component_refresh = self.refreshers[2]
        menu = ctx.menu("&Provenance")
        self.actions: dict[str, QAction] = {}
        for key, text, shortcut, tip, slot in (
            (
                "scope_item",
                "Show &selected item's provenance",
                "Ctrl+Alt+G",
                "Graph and origin figures of the selected item and everything inside it",
                self.show_selected_item,
            ),
            (
                "scope_case",
                "Show whole &case's provenance",
                "Ctrl+Alt+W",
                "Graph and origin figures of every component in the case",
                self.show_whole_case,
            ),
            (
                "suggest",
                "&Marking assistant",
                # Ctrl+Alt+M is the Geo menu's "Hypotheses from metadata".
                "Ctrl+Alt+A",
                "Suggest the manufacturer of the selected component from its marking",
                self.marking_assistant,
            ),
            (
                "search",
                "Search &parts across cases…",
                "Ctrl+Alt+F",
                "Find a part number in this case and the cases in a folder",
                self.search_dialog,
            ),
            (
                "refresh",
                "&Refresh provenance",
                "Ctrl+Alt+R",
                "Read the provenance records again",
                self.reload,
            ),
        ):
            action = make_action(ctx.window, text, shortcut, tip, slot)
            menu.addAction(action)
            self.actions[key] = action
        ctx.signals.case_opened.connect(lambda _case: self._case_opened())
        ctx.signals.case_closed.connect(self.reload)
        ctx.signals.records_changed.connect(self._records_changed)
        ctx.signals.item_selected.connect(self._item_selected)
        # The window owns the docks; keep this object alive as long as they are.
        self.slots["graph"]._contribution = self  # type: ignore[attr-defined]
        if ctx.current_case() is not None:
            self._case_opened()

    # the lazily built widgets -------------------------------------------------------------
    def _make(self, key: str, title: str) -> QWidget:
        case = self.ctx.current_case
        widget: QWidget
        if key == "manufacturers":
            from ui.provenance.manufacturers_dock import ManufacturersDock

            makers = ManufacturersDock(case)
            widget = makers
        elif key == "component":
            from ui.comments.box import CommentsBox
            from ui.provenance.component_editor import ComponentEditor

            editor = ComponentEditor(case)
            # The thread on the component shown, under its fields.
            self.component_comments = CommentsBox(self.ctx.signals, case, editor)
            layout = editor.layout()
            assert layout is not None
            layout.addWidget(self.component_comments)
            widget = editor
        elif key == "sources":
            from ui.provenance.sources_dock import SourcesDock

            sources = SourcesDock(case)
            widget = sources
        elif key == "graph":
            from ui.provenance.graph_view import ProvenanceGraphView

            graph = ProvenanceGraphView()
            graph.node_clicked.connect(self._node_clicked)
            widget = graph
        else:
            from ui.provenance.origins_view import OriginsView

            widget = OriginsView()
        widget.setObjectName(f"provenance_{title.split()[0].lower()}")
        return widget

    @property
    def manufacturers(self) -> ManufacturersDock:
        """The manufacturers dock's widget (built on first use)."""
        return cast("ManufacturersDock", self.slots["manufacturers"].ensure())

    @property
    def component(self) -> ComponentEditor:
        """The component editor (built on first use)."""
        return cast("ComponentEditor", self.slots["component"].ensure())

    @property
    def sources(self) -> SourcesDock:
        """The sources and claims dock's widget (built on first use)."""
        return cast("SourcesDock", self.slots["sources"].ensure())

    @property
    def graph(self) -> ProvenanceGraphView:
        """The provenance graph (built on first use)."""
        return cast("ProvenanceGraphView", self.slots["graph"].ensure())

    @property
    def origins(self) -> OriginsView:
        """The origins view (built on first use)."""
        return cast("OriginsView", self.slots["origins"].ensure())

    def _case_opened(self) -> None:
        self.scope_item = None
        self.selected_item = None
        self.reload()

    def _records_changed(self, changes: ChangeSet) -> None:
        if changes.touches(*_subjects()):
            self.reload()

    def _item_selected(self, item_id: str) -> None:
        self.selected_item = item_id
        self._component_refresh.request()

    def marking_assistant(self) -> None:
        """Bring the component editor forward on the selected item and suggest makers."""
        reveal(self.slots["component"])
        if self._component_refresh.stale:
            self._component_refresh.run_now()
        self.component.run_suggest()

    def _node_clicked(self, node_id: str) -> None:
        kind, _, record_id = node_id.partition(":")
        if kind in ("item", "component"):
            self.ctx.signals.item_selected.emit(record_id)

    def reload(self) -> None:
        """Read every provenance view again from the open case (hidden ones when shown)."""
        for refresh in self.refreshers:
            refresh.request()

    def _show_component(self) -> None:
        case = self.ctx.current_case()
        self.component.show_item(self.selected_item if case is not None else None)
        shown = self.component.component
        if self.component_comments is not None:
            self.component_comments.show_for(shown.id if shown is not None else None)

    def _scope(self, case: Case) -> tuple[str | None, str]:
        scope = self.scope_item
        try:
            return scope, "Whole case" if scope is None else case.items.get(scope).name
        except NotFoundError:
            return None, "Whole case"

    def _show_graph(self) -> None:
        from forensics.provenance.graph import ProvenanceGraph, provenance_graph

        case = self.ctx.current_case()
        if case is None:
            self.graph.set_graph(ProvenanceGraph((), ()))
            return
        self.graph.set_graph(provenance_graph(case, self._scope(case)[0]))

    def _show_origins(self) -> None:
        from forensics.provenance.figures import reported_figures
        from forensics.provenance.origins import origins

        case = self.ctx.current_case()
        if case is None:
            self.origins.components.set_rows([])
            self.origins.chart.set_shares(())
            self.origins.shares.set_rows([])
            self.origins.set_figures([])
            return
        scope, label = self._scope(case)
        self.origins.set_report(origins(case, scope), label)
        self.origins.set_figures(reported_figures(case))

    def show_selected_item(self) -> None:
        """Scope the graph and origins to the selected item, and bring the graph forward."""
        self.scope_item = self.selected_item
        reveal(self.slots["graph"])
        self.reload()

    def show_whole_case(self) -> None:
        """Scope the graph and origins to the whole case, and bring the graph forward."""
        self.scope_item = None
        reveal(self.slots["graph"])
        self.reload()

    def search_dialog(self) -> None:
        """Ask for a part number and a folder of cases; search in the background."""
        window = self.ctx.window
        text, ok = QInputDialog.getText(window, "Search parts", "Part number (or part of it):")
        if not ok or not text.strip():
            return
        folder = QFileDialog.getExistingDirectory(window, "Folder holding other cases")
        dirs: list[Path] = []
        root = self.ctx.case_root()
        if isinstance(root, Path):  # other folder cases are searched beside a folder case
            dirs.append(root)
        if folder:
            base = Path(folder)
            dirs += (
                [base]
                if is_case(base)
                else sorted(p for p in base.iterdir() if p.is_dir() and is_case(p) and p != root)
            )

        def work(progress: ProgressFn, cancel: CancelToken) -> PartSearch:
            from forensics.provenance.search import search_parts

            return search_parts(dirs, part_number=text, progress=progress, cancel=cancel)

        job = self.ctx.runner.start("Searching parts", work)
        job.signals.finished.connect(self._show_search)
        job.signals.failed.connect(
            lambda message, _tb: QMessageBox.warning(
                window, "Search parts", f"The search failed: {message}"
            )
        )

    def _show_search(self, result: Any) -> None:
        lines = [f"<p>{len(result.hits)} match(es) in {result.cases_searched} case(s)</p><ul>"]
        for hit in result.hits:
            lines.append(
                f"<li><b>{html.escape(hit.case_title)}</b>: {html.escape(hit.name)} "
                f"({html.escape(hit.part_number or '')}) in "
                f"{html.escape(' > '.join(hit.path))}</li>"
            )
        lines.append("</ul>")
        for case_dir, reason in result.errors:
            lines.append(f"<p>{html.escape(case_dir)}: {html.escape(reason)}</p>")
        QMessageBox.information(self.ctx.window, "Search parts", "".join(lines))
