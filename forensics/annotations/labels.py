"""The case's label set: the default labels until the case stores its own, and changes to it.

The default labels get ids derived from their names (uuid5), the same in every case, so two
cases merged later agree on them. The set is written to the case on its first annotation
write; until then `labels()` answers with the defaults.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from forensics.annotations.journal import AnnotationJournal
from forensics.annotations.models import DEFAULT_LABELS, AnnotationFilter, Label, LabelSet
from forensics.errors import ValidationError
from forensics.store.db import utc_now
from forensics.store.rebase import rebase

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

    def rename_label(self, old: str, new: str, *, based_on: Label | None = None) -> Label:
        """Rename a label, and every annotation and track carrying it, in one transaction
        (each change logged), so a typo in a label is fixed once for the whole case.

        Args:
            old: the label's name.
            new: its new name.
            based_on: the label as the form listed it: the label is found by its id, and a
                colleague's rename of it since is a conflict (never renamed over), unless
                they chose the same new name.

        Raises:
            ValidationError: empty or taken new name, or no label `old`.
            EditConflictError: the label was renamed since `based_on` to another name.
        """
        new = new.strip()
        if not new:
            raise ValidationError("a label needs a name")
        with self.case.transaction():
            # Read inside the write transaction (it holds the case's write lock), so the
            # label, marks and tracks renamed are the ones stored now, a colleague's included.
            self.ensure_labels()
            stored = self.repo.labels()
            wanted = based_on.id if based_on is not None else None
            found = [lb for lb in stored if lb.id == wanted or (wanted is None and lb.name == old)]
            if not found:
                raise ValidationError(f"no label '{old}'")
            current = found[0]
            if based_on is not None:
                mine = rebase(based_on, current, {"name": new}, label=f"label '{based_on.name}'")
                if not mine or current.name == new:
                    return current  # nothing to rename (a colleague chose the same name)
            if any(lb.name == new for lb in stored):
                raise ValidationError(f"the label set already has '{new}'")
            old = current.name
            renamed = replace(current, name=new)
            self.recorded_update(current, renamed, "label_rename", None, old=old, name=new)
            now = utc_now()
            changes = {"label": {"from": old, "to": new}}
            for ann in self.repo.search(AnnotationFilter(label=old)):
                after = replace(ann, label=new, updated_at=now)
                self.recorded_update(ann, after, "edit", ann.item_id, changes=changes)
            for track in self.repo.tracks():
                if track.label == old:
                    after_track = replace(track, label=new, updated_at=now)
                    self.recorded_update(track, after_track, "track_edit", track.item_id, label=new)
        return renamed

    def last_used_label(self) -> str | None:
        """The label of the mark made last, if the case's set still has it."""
        last = self.repo.last_used_label()
        return last if last is not None and last in self.labels() else None

    def check_label(self, label: str) -> None:
        """Refuse a label the case's set does not have.

        Raises:
            ValidationError: the label is unknown.
        """
        if label not in self.labels():
            raise ValidationError(
                f"unknown label '{label}' (the case's labels: {', '.join(self.labels().names())})"
            )
