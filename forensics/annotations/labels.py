"""The case's label set: the default labels until the case stores its own, and changes to it.

The default labels get ids derived from their names (uuid5), the same in every case, so two
cases merged later agree on them. The set is written to the case on its first annotation
write; until then `labels()` answers with the defaults.
"""

from __future__ import annotations

import uuid

from forensics.annotations.journal import AnnotationJournal
from forensics.annotations.models import DEFAULT_LABELS, Label, LabelSet
from forensics.errors import ValidationError
from forensics.store.db import utc_now

_LABEL_NS = uuid.UUID("6f1c7a52-3f0e-4c1e-9a55-5d1c2f0b7e11")


def label_id(name: str) -> str:
    """The id of a default label: the same in every case, so merged cases agree."""
    return str(uuid.uuid5(_LABEL_NS, f"label:{name}"))


class LabelBook(AnnotationJournal):
    """Reading, checking and changing the case's labels (a part of `AnnotationService`)."""

    def labels(self) -> LabelSet:
        """The case's labels (the default set until the case stores its own)."""
        stored = self.repo.labels()
        if stored:
            return LabelSet(tuple(stored))
        return LabelSet(tuple(Label(label_id(n), n, c) for n, c in DEFAULT_LABELS))

    def ensure_labels(self) -> None:
        """Store the default labels if the case has none yet (call inside a transaction)."""
        if self.repo.labels():
            return
        now = utc_now()
        for name, color in DEFAULT_LABELS:
            self._insert_label(Label(label_id(name), name, color, now, self.actor))

    def _insert_label(self, label: Label) -> None:
        self.recorded_insert(label, "label_create", None, name=label.name)

    def add_label(self, name: str, color: str = "#cccccc") -> Label:
        """Add a label to the case's set.

        Raises:
            ValidationError: empty name, or the set already has it.
        """
        name = name.strip()
        if not name:
            raise ValidationError("a label needs a name")
        if name in self.labels():
            raise ValidationError(f"the label set already has '{name}'")
        label = Label(str(uuid.uuid4()), name, color, utc_now(), self.actor)
        with self.case.transaction():
            self.ensure_labels()
            self._insert_label(label)
        return label

    def remove_label(self, name: str) -> None:
        """Remove a label no annotation uses.

        Raises:
            ValidationError: the label is in use or unknown.
        """
        if name in self.repo.label_names_in_use():
            raise ValidationError(f"the label '{name}' is in use and cannot be removed")
        with self.case.transaction():
            self.ensure_labels()
            found = [lb for lb in self.repo.labels() if lb.name == name]
            if not found:
                raise ValidationError(f"no label '{name}'")
            self.recorded_delete(found[0], "label_delete", None, name=name)

    def check_label(self, label: str) -> None:
        """Refuse a label the case's set does not have.

        Raises:
            ValidationError: the label is unknown.
        """
        if label not in self.labels():
            raise ValidationError(
                f"unknown label '{label}' (the case's labels: {', '.join(self.labels().names())})"
            )
