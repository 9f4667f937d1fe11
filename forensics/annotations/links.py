"""Links from an annotation to what it supports (an item, a component, a hypothesis...).

A link is its own record with a stable id: removing it and putting it back (undo) keeps the
id, and both steps are in the custody log.

A link has no fields to edit, so two examiners never clash over one: a removal a colleague
made first is reported with who and when (nothing left to remove), and a link put back where
a colleague has since made the same link is refused rather than doubled.
"""

from __future__ import annotations

import uuid

from forensics.annotations.journal import AnnotationJournal
from forensics.annotations.models import Annotation, Link, TargetType
from forensics.errors import EditConflictError, NotFoundError, ValidationError
from forensics.records.annotations import LINK
from forensics.store.db import utc_now
from forensics.store.provenance import ProvenanceRepository


class AnnotationLinks(AnnotationJournal):
    """Linking annotations to records and following links (a part of `AnnotationService`)."""

    def link(
        self,
        annotation_id: str,
        target_type: str,
        target_id: str,
        *,
        note: str | None = None,
        link_id: str | None = None,
    ) -> Link:
        """Say what an annotation supports.

        Raises:
            ValidationError: unknown target type or a link that exists.
            NotFoundError: the record linked to does not exist in this case.
        """
        with self.case.transaction():
            return self._insert_link(annotation_id, target_type, target_id, note, link_id)

    def _insert_link(
        self,
        annotation_id: str,
        target_type: str,
        target_id: str,
        note: str | None,
        link_id: str | None,
    ) -> Link:
        """Check and store a new link (call inside a transaction)."""
        if target_type not in TargetType.ALL:
            raise ValidationError(
                f"unknown link target '{target_type}' (use one of {', '.join(TargetType.ALL)})"
            )
        if not target_id.strip():
            raise ValidationError("a link needs a target id")
        ann = self.repo.get(annotation_id)
        # A name typed where an id belongs ("Viewpro A40") would otherwise be stored and
        # exported as if it were a record: every kind of target must exist here.
        if not ProvenanceRepository(self.case.db).target_exists(target_type, target_id):
            raise NotFoundError(f"no {target_type} {target_id!r} in this case")
        if any(
            lk.target_type == target_type and lk.target_id == target_id
            for lk in self.repo.links_of(annotation_id)
        ):
            raise ValidationError(f"the annotation already supports {target_type} {target_id}")
        link = Link(
            link_id or str(uuid.uuid4()),
            annotation_id,
            target_type,
            target_id,
            note,
            utc_now(),
            self.actor,
        )
        self._add_link(link, ann.item_id)
        return link

    def _add_link(self, link: Link, item_id: str | None) -> None:
        """Store a link and log it (a new link, a restored one, or one put back by undo)."""
        self.recorded_insert(
            link,
            "link",
            item_id,
            annotation_id=link.annotation_id,
            target_type=link.target_type,
            target_id=link.target_id,
        )

    def _remove_link(self, link: Link, item_id: str | None) -> None:
        """Delete a link and log the deletion."""
        self.recorded_delete(
            link,
            "unlink",
            item_id,
            annotation_id=link.annotation_id,
            target_type=link.target_type,
            target_id=link.target_id,
        )

    def restore_link(self, link: Link) -> Link:
        """Put a removed link back with its id (undo of an unlink, redo of a link).

        Raises:
            EditConflictError: the annotation has another link to the same record now (a
                colleague linked it since): it is not doubled.
        """
        with self.case.transaction():
            ann = self.repo.get(link.annotation_id)
            for other in self.repo.links_of(link.annotation_id):
                if (other.target_type, other.target_id) == (link.target_type, link.target_id):
                    raise EditConflictError(
                        f"annotation '{ann.label}' was linked to {link.target_type} "
                        f"{link.target_id} again since, by {other.created_by}: nothing was "
                        "put back",
                        LINK.subject,
                        other.id,
                        ["target_id"],
                    )
            self._add_link(link, ann.item_id)
        return link

    def unlink(self, link_id: str) -> Link:
        """Remove one link; returns it for an undo.

        Raises:
            NotFoundError: no such link; one removed already says by whom and when.
        """
        with self.case.transaction():
            link = self.repo.find_link(link_id)
            if link is None:
                removed = self.case.custody.entries(subject=(LINK.subject, link_id))
                if removed:
                    last = removed[-1]
                    raise NotFoundError(
                        f"the link was removed already, by {last.actor} at "
                        f"{last.at[:16].replace('T', ' ')} UTC: nothing left to remove"
                    )
                raise NotFoundError(f"no annotation link {link_id}")
            ann = self.repo.find(link.annotation_id)
            self._remove_link(link, ann.item_id if ann else None)
        return link

    def links_of(self, annotation_id: str) -> list[Link]:
        """What an annotation supports."""
        return self.repo.links_of(annotation_id)

    def supporting(self, target_type: str, target_id: str) -> list[Annotation]:
        """The annotations that support a record (the link followed backwards)."""
        return [
            self.repo.get(lk.annotation_id) for lk in self.repo.links_to(target_type, target_id)
        ]
