"""The label manager: the case's labels, numbered as keys 1-9 pick them; add and rename.

A rename goes through the core, which carries every mark and track with the old name to the
new one and logs each change, so a typo is fixed once for the whole case. It is made from the
label as listed here: a colleague's rename of it since is settled in the conflict dialog
(`ui.edit_conflict`), never renamed over.

The list follows the case live: a label a colleague adds or renames (their commit reaches the
window as `records_changed`) is listed at once, the selection staying on the same label. A
rename being typed stays, with the label as listed when it was typed as its base (as the
component editor keeps an unsaved edit): saving it asks about their rename, not over it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forensics.annotations.models import Label
from forensics.errors import WorkbenchError
from forensics.records.annotations import LABEL
from forensics.store.events import ChangeSet
from ui.annotate.controller import AnnotationController
from ui.context import WorkbenchSignals
from ui.edit_conflict import save_edit


class LabelManager(QDialog):
    """Lists, adds and renames the case's labels; picks the label for new marks."""

    def __init__(
        self,
        controller: AnnotationController,
        signals: WorkbenchSignals,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("label_manager")
        self.setWindowTitle("Labels")
        self._controller = controller
        self._listed: dict[str, Label] = {}
        """The labels as listed, by name: what a rename is made from."""
        self._held: Label | None = None
        """The selected label as listed before a colleague's change arrived while a rename of
        it was being typed: the rename's base, so their change is asked about, not lost."""
        self._reloading = False
        self.labels = QListWidget()
        self.labels.setObjectName("label_list")
        self.labels.itemDoubleClicked.connect(lambda _i: self.use_selected())
        self.labels.currentItemChanged.connect(lambda _now, _before: self._picked())
        self.name = QLineEdit()
        self.name.setPlaceholderText("a label's name")
        self.name.textChanged.connect(self._typed)
        self.add_button = QPushButton("&Add")
        self.add_button.setToolTip("Add the typed name to the case's labels")
        self.add_button.clicked.connect(self.add)
        self.rename_button = QPushButton("&Rename")
        self.rename_button.setToolTip(
            "Rename the selected label to the typed name, on every mark and track carrying it"
        )
        self.rename_button.clicked.connect(self.rename)
        self.use_button = QPushButton("&Use for new marks")
        self.use_button.clicked.connect(self.use_selected)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        for w in (self.name, self.add_button, self.rename_button):
            row.addWidget(w)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Keys 1-9 pick the first nine labels for new marks."))
        layout.addWidget(self.labels)
        layout.addLayout(row)
        layout.addWidget(self.use_button)
        layout.addWidget(self.status)
        layout.addWidget(close)
        controller.label_changed.connect(lambda _l, _chosen: self.reload())
        signals.records_changed.connect(self._records_changed)
        self.reload()

    def _records_changed(self, changes: ChangeSet) -> None:
        """A label added or renamed, by a colleague or here: list it (while shown)."""
        if self.isVisible() and changes.touches(LABEL.subject):
            self.reload()

    def _picked(self) -> None:
        """Another label picked by hand: a rename typed now is made from it as listed."""
        if not self._reloading:
            self._held = None

    def _typed(self, text: str) -> None:
        """The name emptied: no rename is being typed, nothing to hold."""
        if not text.strip():
            self._held = None

    def reload(self) -> None:
        """List the case's labels, the one for new marks in bold, keeping the selection on
        the same label (renamed or not) and a rename being typed with its base."""
        case = self._controller.current_case()
        for button in (self.add_button, self.rename_button):
            button.setEnabled(case is not None and not case.readonly)  # off for a reviewer
        selected = self._listed.get(self.selected() or "")
        if selected is not None and self.name.text().strip() and self._held is None:
            self._held = selected  # a rename is being typed: keep what it was typed over
        self._reloading = True
        try:
            self._fill(selected.id if selected is not None else None)
        finally:
            self._reloading = False
        self._say_held()

    def _fill(self, selected_id: str | None) -> None:
        self.labels.clear()
        try:
            labels = self._controller.service().labels().labels
        except WorkbenchError:  # the case closed: nothing to manage
            self._held = None
            self.hide()
            return
        self._listed = {label.name: label for label in labels}
        if self._held is not None and self._held.id not in {lb.id for lb in labels}:
            self._held = None
        for number, label in enumerate(labels, start=1):
            text = f"{number}  {label.name}" if number <= 9 else f"    {label.name}"
            entry = QListWidgetItem(text)
            swatch = QPixmap(12, 12)
            swatch.fill(QColor(label.color))
            entry.setIcon(QIcon(swatch))
            entry.setData(Qt.ItemDataRole.UserRole, label.name)
            if label.name == self._controller.label:
                font = entry.font()
                font.setBold(True)
                entry.setFont(font)
            self.labels.addItem(entry)
            if label.id == selected_id:
                self.labels.setCurrentItem(entry)

    def _say_held(self) -> None:
        """Tell the examiner a colleague renamed the label their rename is typed over."""
        held, now = self._held, self._listed.get(self.selected() or "")
        if held is None or now is None or now.id != held.id or now.name == held.name:
            return
        self._report(
            f"'{held.name}' was renamed to '{now.name}' by a colleague meanwhile: "
            "Rename asks which name to keep."
        )

    def names(self) -> list[str]:
        """The labels listed, in order."""
        return [
            str(self.labels.item(n).data(Qt.ItemDataRole.UserRole))
            for n in range(self.labels.count())
        ]

    def selected(self) -> str | None:
        """The selected label's name, or None."""
        entry = self.labels.currentItem()
        return None if entry is None else str(entry.data(Qt.ItemDataRole.UserRole))

    def select(self, name: str) -> None:
        """Select a label by name."""
        for n in range(self.labels.count()):
            if self.labels.item(n).data(Qt.ItemDataRole.UserRole) == name:
                self.labels.setCurrentRow(n)

    def _report(self, message: str) -> None:
        self.status.setText(message)

    def add(self) -> None:
        """Add the typed name to the case's labels."""
        name = self.name.text().strip()
        try:
            self._controller.service().add_label(name)
        except WorkbenchError as exc:
            self._report(f"Not added: {exc}")
            return
        self.name.clear()
        self.reload()
        self.select(name)
        self._report(f"Added '{name}'.")

    def rename(self) -> None:
        """Rename the selected label to the typed name, from the label as listed."""
        old, new = self.selected(), self.name.text().strip()
        if old is None:
            self._report("Select the label to rename.")
            return
        svc = self._controller.service()
        shown = self._listed[old]
        if self._held is not None and self._held.id == shown.id:
            shown = self._held  # typed before a colleague's change arrived: made from that
        try:
            renamed = save_edit(
                self,
                svc.case,
                f"Label '{shown.name}'",
                shown,
                lambda base: svc.rename_label(base.name, new, based_on=base),
                self._theirs,
            )
        except WorkbenchError as exc:
            self._report(f"Not renamed: {exc}")
            return
        if renamed is None:
            return  # reloaded (theirs is listed) or cancelled (the typed name stays)
        chosen = self._controller.label
        if chosen is not None and chosen not in svc.labels():
            self._controller.set_label(renamed.name)  # the label of new marks was renamed
        self._controller.refresh()
        self._controller.changed.emit()
        self.name.clear()
        self._held = None
        self.reload()
        self.select(renamed.name)
        self._report(f"Renamed '{old}' to '{renamed.name}' on every mark and track.")

    def _theirs(self, current: Label | None) -> None:
        """Reload theirs: the labels as stored now, the one renamed selected, my name gone."""
        self.name.clear()
        self._held = None
        self._controller.refresh()
        self.reload()
        if current is not None:
            self.select(current.name)
            self._report(f"Kept '{current.name}' as renamed by a colleague.")

    def use_selected(self) -> None:
        """The selected label becomes the label of new marks."""
        name = self.selected()
        if name is not None:
            self._controller.set_label(name)
            self._report(f"New marks get '{name}'.")
