"""Pick, don't paste: a search-as-you-type field for every field that names a record.

The analyst types part of a name ("viewp", "nansh") and chooses from a popup showing each
record's name, kind and a line about it, with a small thumbnail for images and frames; the
field then holds the record's id without the analyst ever seeing it. The search is the core's
(`forensics.store.record_search`), paged: only the first `limit` hits of each kind are fetched
per keystroke, after a short pause so typing stays smooth on a large case. An id typed or
pasted in full still works (the field gives back what was typed when nothing was picked).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QIcon,
    QImageReader,
    QPixmap,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from forensics.case import Case
from forensics.store.record_search import KINDS, RecordHit, name_of, search_records
from ui.narrow import hint
from ui.record_drag import records_from_mime

_NAME_ROLE = Qt.ItemDataRole.UserRole + 1
_HIT_ROLE = Qt.ItemDataRole.UserRole + 2
THUMB = 32
"""Thumbnail edge in pixels."""


class RecordPicker(QLineEdit):
    """A line edit that completes record names from the open case and remembers the pick."""

    picked = Signal(str, str)
    """kind, id of the record the analyst chose."""

    def __init__(
        self,
        case: Callable[[], Case | None],
        kinds: Sequence[str] = KINDS,
        parent: QWidget | None = None,
        *,
        limit: int = 12,
        delay_ms: int = 120,
    ) -> None:
        super().__init__(parent)
        self._case = case
        self._kinds = tuple(kinds)
        self._limit = limit
        self._hits: list[RecordHit] = []
        self._hit: RecordHit | None = None
        self.model = QStandardItemModel(self)
        self.completer_ = QCompleter(self.model, self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setCompletionRole(_NAME_ROLE)
        self.completer_.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer_.setWidget(self)
        popup = self.completer_.popup()
        if popup is not None:
            popup.setIconSize(QSize(THUMB, THUMB))
            popup.setObjectName("record_picker_popup")
        self.completer_.activated[QModelIndex].connect(self._activated)  # type: ignore[index]
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.refresh)
        self.textEdited.connect(self._edited)
        self.setAcceptDrops(True)
        self._update_placeholder()

    # what the caller reads --------------------------------------------------------------
    def record(self) -> RecordHit | None:
        """The record picked (or the one whose name was typed exactly), else None."""
        text = self.text().strip()
        if self._hit is not None and text == self._hit.name:
            return self._hit
        exact = [h for h in self._hits if h.name.casefold() == text.casefold() and text]
        return exact[0] if len(exact) == 1 else None

    def record_id(self) -> str:
        """The picked record's id; what was typed when nothing was picked (a pasted id)."""
        hit = self.record()
        return hit.id if hit is not None else self.text().strip()

    def set_kinds(self, kinds: Sequence[str]) -> None:
        """Offer other kinds of record (the link type changed); forgets the pick."""
        self._kinds = tuple(kinds)
        self.clear_pick()
        self._update_placeholder()

    def clear_pick(self) -> None:
        """Empty the field and forget the pick."""
        self._hit = None
        self._hits = []
        self.model.clear()
        self.clear()

    def set_record(self, kind: str, record_id: str, name: str) -> None:
        """Show an existing choice (a hypothesis's item when the editor opens)."""
        self._hit = RecordHit(kind=kind, id=record_id, name=name or record_id, detail="")
        self.setText(self._hit.name)

    # dropping ---------------------------------------------------------------------------
    def drop_records(self, records: Sequence[tuple[str, str]]) -> RecordHit | None:
        """Pick the first dropped record this field can name; None when none fits.

        A dragged item that is also a component (or any record of an offered kind with the
        same id) is taken as that kind, so dropping a component from the tree onto a
        component link works."""
        case = self._case()
        if case is None:
            return None
        for _kind, record_id in records:
            for kind in self._kinds:
                name = name_of(case.db, kind, record_id)
                if name is not None:
                    hit = RecordHit(kind=kind, id=record_id, name=name or record_id, detail="")
                    self._pick(hit)
                    return hit
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept dragged records (from the case tree or the catalogue)."""
        if records_from_mime(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        """Keep accepting dragged records over the field."""
        if records_from_mime(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        """Fill the field with the dropped record (as picking it would)."""
        records = records_from_mime(event.mimeData())
        if not records:
            super().dropEvent(event)
            return
        if self.drop_records(records) is not None:
            event.acceptProposedAction()
        else:
            kinds = ", ".join(self._kinds)
            self.setToolTip(f"what was dropped is not a {kinds}")
            event.ignore()

    # searching --------------------------------------------------------------------------
    def _update_placeholder(self) -> None:
        # Short enough to be read whole in a narrow panel; the kinds are in the tooltip.
        if len(self._kinds) == 1:
            kind = self._kinds[0]
            article = "an" if kind[:1] in "aeiou" else "a"
            hint(self, f"Find {article} {kind}…", f"Type part of a name to find {article} {kind}")
        else:
            hint(self, "Find a record…", "Type part of a name to find: " + ", ".join(self._kinds))

    def _edited(self, _text: str) -> None:
        self._hit = None
        self._timer.start()

    def refresh(self) -> list[RecordHit]:
        """Search the case for the text now in the field and show the hits."""
        self._timer.stop()
        case = self._case()
        text = self.text().strip()
        self.model.clear()
        self._hits = []
        if case is None or not text:
            self._hide_popup()
            return []
        self._hits = search_records(case.db, text, self._kinds, limit=self._limit)
        for n, hit in enumerate(self._hits):
            entry = QStandardItem(f"{hit.name}   [{hit.kind}]  {hit.detail}".rstrip())
            entry.setData(hit.name, _NAME_ROLE)
            entry.setData(n, _HIT_ROLE)
            entry.setToolTip(f"{hit.kind} {hit.id}")
            icon = _thumbnail(case, hit)
            if icon is not None:
                entry.setIcon(icon)
            entry.setEditable(False)
            self.model.appendRow(entry)
        if self._hits and self.isVisible():
            self.completer_.complete()
        elif not self._hits:
            self._hide_popup()
        return list(self._hits)

    def choose(self, row: int) -> None:
        """Pick the hit on `row` of the popup (what a click or Enter on it does)."""
        self._pick(self._hits[row])
        self._hide_popup()

    def _hide_popup(self) -> None:
        popup = self.completer_.popup()
        if popup is not None:
            popup.hide()

    def _activated(self, index: QModelIndex) -> None:
        row = index.data(_HIT_ROLE)
        if isinstance(row, int) and 0 <= row < len(self._hits):
            self._pick(self._hits[row])

    def _pick(self, hit: RecordHit) -> None:
        self._hit = hit
        self.setText(hit.name)
        self.picked.emit(hit.kind, hit.id)


def _thumbnail(case: Case, hit: RecordHit) -> QIcon | None:
    """A small picture of an image item or a frame, decoded at thumbnail size."""
    if hit.thumb_sha256:
        path = case.evidence.derived_path(hit.thumb_sha256, ".png")
    elif hit.sha256 and (hit.mime or "").startswith("image/"):
        path = case.evidence.path_of(hit.sha256)
    else:
        return None
    if not path.is_file():
        return None
    reader = QImageReader(str(path))
    size = reader.size()
    if size.isValid() and size.width() > 0 and size.height() > 0:
        reader.setScaledSize(size.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return None if image.isNull() else QIcon(QPixmap.fromImage(image))
