"""The Annotate menu: drawing tools, tracks, undo, export and import, each with a shortcut."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from ui.actions import make_action, mark_writes

if TYPE_CHECKING:
    from ui.annotate.contribution import AnnotateContribution

TOOLS = (
    ("box", "&Box", "B"),
    ("point", "&Point", "P"),
    ("polygon", "Pol&ygon", "G"),
    ("arrow", "&Arrow", "A"),
)
"""Drawing tools: (tool, menu text, shortcut)."""


def build_annotate_menu(menu: QMenu, owner: AnnotateContribution) -> dict[str, QAction]:
    """Fill the Annotate menu; returns the checkable tool actions by tool name.

    The entries reach the annotation layer through `owner.controller`, so the layer is built
    by the first entry used, not by building the menu.
    """
    w = owner.ctx.window
    tool_actions: dict[str, QAction] = {}
    for tool, text, key in TOOLS:
        act = make_action(
            w,
            text,
            key,
            f"Draw a {tool} on the frame in the viewer",
            lambda _c=False, t=tool: owner.controller.tool.set_tool(t),
            writes=True,
        )
        act.setCheckable(True)
        tool_actions[tool] = act
        menu.addAction(act)
    _add(
        menu,
        w,
        (
            "Stop &drawing",
            "S",
            "Back to panning the frame",
            lambda: owner.controller.tool.set_tool(""),
        ),
        ("&Label for new marks…", "L", "Choose the label new marks get", owner.choose_label),
        (
            "&Manage labels…",
            "Ctrl+Shift+L",
            "Add and rename the case's labels; see which key picks which",
            owner.manage_labels,
        ),
    )
    _label_keys(menu.addMenu("Pick label (&1-9)"), owner)
    menu.addSeparator()
    _add(
        menu,
        w,
        (
            "Start &track",
            "T",
            "Drawn boxes become keyframes of a new track; frames between are interpolated",
            lambda: owner.controller.start_track(),
        ),
        (
            "&End track on this frame",
            "E",
            "The tracked object leaves the view here",
            lambda: owner.controller.end_track_here(),
        ),
        (
            "Stop tracking",
            "Shift+T",
            "Drawn shapes are single marks again",
            lambda: owner.controller.stop_track(),
        ),
        writes=True,
    )
    menu.addSeparator()
    undo = owner.undo_stack.createUndoAction(w, "&Undo")
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    undo.setStatusTip("Undo the last annotation edit")
    redo = owner.undo_stack.createRedoAction(w, "&Redo")
    redo.setShortcut(QKeySequence.StandardKey.Redo)
    redo.setStatusTip("Redo the annotation edit undone last")
    menu.addActions([undo, redo])
    mark_writes(undo, redo)
    _add(
        menu,
        w,
        (
            "&Delete annotation",
            "Delete",
            "Delete the selected annotation and its links, saying why (kept in the custody log)",
            lambda: owner.delete_annotation(),
        ),
        writes=True,
    )
    menu.addSeparator()
    _add(
        menu,
        w,
        (
            "E&xport annotations…",
            "Ctrl+Shift+E",
            "Export as COCO, CVAT for video or for images, MOT or drawn PNGs",
            lambda: owner.jobs.ask_export(lambda: owner.list.current_filter()),
        ),
    )
    _add(
        menu,
        w,
        (
            "&Import annotations…",
            "Ctrl+Shift+I",
            "Import COCO JSON or CVAT XML (for video or for images)",
            owner.jobs.ask_import,
        ),
        (
            "Refresh frames of &interest",
            "Ctrl+Shift+F",
            "Draw the thumbnails of every annotated frame again",
            owner.frames_refresh.show_and_run,
        ),
        writes=True,
    )
    return tool_actions


def _label_keys(sub: QMenu, owner: AnnotateContribution) -> None:
    """Keys 1-9 pick the case's first nine labels; the entries show the names when opened."""
    sub.menuAction().setStatusTip("Keys 1-9 pick the label new marks get")
    entries = []
    for number in range(1, 10):
        act = make_action(
            owner.ctx.window,
            f"Label {number}",
            str(number),
            f"New marks get the case's label number {number}",
            lambda _c=False, n=number: owner.pick_label(n),
        )
        entries.append(act)
        sub.addAction(act)

    def name_them() -> None:
        names = owner.label_names()
        for number, act in enumerate(entries, start=1):
            act.setText(f"&{number} {names[number - 1]}" if number <= len(names) else f"{number}")
            act.setEnabled(number <= len(names))

    sub.aboutToShow.connect(name_them)


def _add(
    menu: QMenu,
    parent: Any,
    *entries: tuple[str, str, str, Callable[..., Any]],
    writes: bool = False,
) -> None:
    for text, shortcut, tip, slot in entries:
        menu.addAction(make_action(parent, text, shortcut, tip, slot, writes=writes))
