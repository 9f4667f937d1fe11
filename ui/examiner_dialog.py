"""Who is at the keyboard: pick an examiner profile or create one (first start, or a switch).

Every custody entry the workbench writes is signed with the chosen profile's key, so the
window asks before the first write: on first start when no profile exists, and from
File > Switch examiner… at any time. The profiles live in the user's config folder
(`app.profiles.ProfileStore`, handed to the window by `app.gui`); this dialog only talks to
that service.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from forensics.errors import WorkbenchError
from forensics.identity import Examiner, short_fingerprint


class ProfileLike(Protocol):
    """What the dialog shows of a profile."""

    @property
    def handle(self) -> str:
        """The profile's short name."""
        ...

    @property
    def name(self) -> str:
        """The examiner's name."""
        ...

    @property
    def fingerprint(self) -> str:
        """The key's fingerprint."""
        ...

    @property
    def encrypted(self) -> bool:
        """The private key needs a passphrase."""
        ...

    def label(self) -> str:
        """ "Name (Organisation, role)"."""
        ...


class Profiles(Protocol):
    """The profile store the window is handed (`app.profiles.ProfileStore`)."""

    def profiles(self) -> Sequence[ProfileLike]:
        """Every profile."""
        ...

    def create(
        self,
        handle: str,
        *,
        name: str | None = None,
        organisation: str = "",
        role: str = "",
        passphrase: str | None = None,
    ) -> ProfileLike:
        """Make a profile with a new key pair."""
        ...

    def use(self, ref: str) -> ProfileLike:
        """Make a profile the current one."""
        ...

    def selected(self, explicit: str | None = None) -> ProfileLike | None:
        """The profile chosen last (or by `PWB_PROFILE`)."""
        ...

    def examiner(self, profile: Any, ask: Callable[[str], str] | None = None) -> Examiner:
        """The profile's examiner (key unlocked on first use)."""
        ...


def handle_for(name: str) -> str:
    """A profile handle made from a name ("A. Analyst" -> "a-analyst")."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")
    return slug[:64] or "examiner"


class ExaminerDialog(QDialog):
    """Choose an existing profile, or fill in a new one; `chosen` is the handle afterwards."""

    def __init__(self, profiles: Profiles, *, first_start: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("examiner_dialog")
        self.setWindowTitle("Who is examining?" if first_start else "Switch examiner")
        self.resize(520, 420)
        self._profiles = profiles
        self.chosen: str | None = None
        intro = QLabel(
            "Everything you do in a case is recorded in its chain of custody and signed with "
            "your own key, so the log shows who did each thing."
            + (" Create your examiner profile to begin." if first_start else "")
        )
        intro.setWordWrap(True)
        self.existing = QListWidget()
        self.existing.setObjectName("examiner_profiles")
        for profile in profiles.profiles():
            entry = QListWidgetItem(
                f"{profile.label()}  ·  key {short_fingerprint(profile.fingerprint)}"
            )
            entry.setData(Qt.ItemDataRole.UserRole, profile.handle)
            self.existing.addItem(entry)
        if self.existing.count():
            self.existing.setCurrentRow(0)
        pick = QGroupBox("&Existing profiles")
        QVBoxLayout(pick).addWidget(self.existing)
        pick.setVisible(self.existing.count() > 0)

        self.name = QLineEdit()
        self.name.setObjectName("examiner_name")
        self.name.setPlaceholderText("e.g. A. Analyst")
        self.organisation = QLineEdit()
        self.organisation.setObjectName("examiner_organisation")
        self.role = QLineEdit()
        self.role.setObjectName("examiner_role")
        self.role.setPlaceholderText("e.g. examiner, reviewer")
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("examiner_passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("optional: encrypts your private key")
        self.name.textChanged.connect(self._typing_new)
        new = QGroupBox("&New profile")
        form = QFormLayout(new)
        form.addRow("&Name", self.name)
        form.addRow("&Organisation", self.organisation)
        form.addRow("&Role", self.role)
        form.addRow("&Passphrase", self.passphrase)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.choose)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(pick)
        layout.addWidget(new)
        layout.addWidget(buttons)

    def _typing_new(self, text: str) -> None:
        if text.strip():
            self.existing.clearSelection()
            self.existing.setCurrentRow(-1)

    def choose(self) -> None:
        """Take the new profile when a name is filled in, else the selected one; a problem
        (a profile of that name exists) keeps the dialog open."""
        name = self.name.text().strip()
        if name:
            taken = {p.handle for p in self._profiles.profiles()}
            handle, n = handle_for(name), 2
            base = handle
            while handle in taken:
                handle, n = f"{base}-{n}", n + 1
            try:
                profile = self._profiles.create(
                    handle,
                    name=name,
                    organisation=self.organisation.text(),
                    role=self.role.text(),
                    passphrase=self.passphrase.text() or None,
                )
            except (WorkbenchError, OSError) as exc:
                QMessageBox.warning(self, "Cannot create the profile", str(exc))
                return
            self.chosen = profile.handle
        else:
            current = self.existing.currentItem()
            if current is None:
                QMessageBox.information(
                    self, "Who is examining?", "Choose a profile or type your name."
                )
                return
            self.chosen = str(current.data(Qt.ItemDataRole.UserRole))
        self.accept()
