"""Geolocation hypotheses, their history and evidence links: the SQL (component "geoloc").

The rules (validation, who may change what, consistency) live in `geoloc.hypotheses`; this
module only reads and writes rows. Writes must run inside `case.transaction()` together with
the custody entry that records them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from forensics.errors import NotFoundError
from forensics.records.geoloc import (
    CONFIDENCES,
    GEO_EVIDENCE,
    HISTORY,
    HYPOTHESIS,
    LINK_KINDS,
    METHODS,
    ORIGINS,
    STANCES,
    STATUSES,
    EvidenceLink,
    HistoryEntry,
    Hypothesis,
)
from forensics.store import record_rows

if TYPE_CHECKING:
    from forensics.store.database import Database

SUBJECT = HYPOTHESIS.subject
EVIDENCE_SUBJECT = GEO_EVIDENCE.subject

__all__ = [
    "CONFIDENCES",
    "EVIDENCE_SUBJECT",
    "LINK_KINDS",
    "METHODS",
    "ORIGINS",
    "STANCES",
    "STATUSES",
    "SUBJECT",
    "EvidenceLink",
    "HistoryEntry",
    "Hypothesis",
    "HypothesisRepository",
]


class HypothesisRepository:
    """SQL for the geoloc tables of one case database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # hypotheses ---------------------------------------------------------------------------
    def find(self, hypothesis_id: str) -> Hypothesis | None:
        """A hypothesis by id, or None."""
        row = self._db.conn.execute(
            "SELECT * FROM geo_hypotheses WHERE id = ?", (hypothesis_id,)
        ).fetchone()
        return None if row is None else HYPOTHESIS.from_row(row)

    def get(self, hypothesis_id: str) -> Hypothesis:
        """A hypothesis by id.

        Raises:
            NotFoundError: there is none.
        """
        found = self.find(hypothesis_id)
        if found is None:
            raise NotFoundError(f"no hypothesis {hypothesis_id}")
        return found

    def resolve_prefix(self, prefix: str) -> str:
        """The id of the one hypothesis whose id starts with `prefix`.

        Raises:
            NotFoundError: none or several match.
        """
        rows = self._db.conn.execute(
            "SELECT id FROM geo_hypotheses WHERE id >= ? AND id < ? LIMIT 2",
            (prefix, prefix + "\uffff"),
        ).fetchall()
        if len(rows) != 1:
            what = "no hypothesis" if not rows else "several hypotheses"
            raise NotFoundError(f"{what} with an id starting {prefix!r}")
        return str(rows[0]["id"])

    def by_origin_ref(self, origin_ref: str) -> Hypothesis | None:
        """The metadata hypothesis made from one metadata position, if any."""
        row = self._db.conn.execute(
            "SELECT * FROM geo_hypotheses WHERE origin_ref = ?", (origin_ref,)
        ).fetchone()
        return None if row is None else HYPOTHESIS.from_row(row)

    def hypotheses(self, item_id: str | None = None) -> list[Hypothesis]:
        """Hypotheses of one item, or all, oldest first."""
        sql = "SELECT * FROM geo_hypotheses"
        params: list[Any] = []
        if item_id is not None:
            sql += " WHERE item_id = ?"
            params.append(item_id)
        return [
            HYPOTHESIS.from_row(r) for r in self._db.query(sql + " ORDER BY created_at, id", params)
        ]

    # history ------------------------------------------------------------------------------
    def add_history(self, entry: HistoryEntry) -> None:
        """Append one version snapshot."""
        record_rows.insert(self._db, HISTORY, entry)

    def history(self, hypothesis_id: str) -> list[HistoryEntry]:
        """Every version of a hypothesis, oldest first."""
        return [
            HISTORY.from_row(r)
            for r in self._db.query(
                "SELECT * FROM geo_hypothesis_history WHERE hypothesis_id = ? ORDER BY version",
                [hypothesis_id],
            )
        ]

    # evidence links -----------------------------------------------------------------------
    def find_link(self, link_id: str) -> EvidenceLink | None:
        """An evidence link by id, or None."""
        row = self._db.conn.execute(
            "SELECT * FROM geo_evidence WHERE id = ?", (link_id,)
        ).fetchone()
        return None if row is None else GEO_EVIDENCE.from_row(row)

    def links(self, hypothesis_id: str | None = None) -> list[EvidenceLink]:
        """Evidence links of one hypothesis, or all, oldest first."""
        sql = "SELECT * FROM geo_evidence"
        params: list[Any] = []
        if hypothesis_id is not None:
            sql += " WHERE hypothesis_id = ?"
            params.append(hypothesis_id)
        return [
            GEO_EVIDENCE.from_row(r)
            for r in self._db.query(sql + " ORDER BY created_at, id", params)
        ]

    def find_same_link(
        self, hypothesis_id: str, stance: str, kind: str, target_id: str
    ) -> EvidenceLink | None:
        """The existing link with these keys, if any (links are unique per target)."""
        row = self._db.conn.execute(
            "SELECT * FROM geo_evidence WHERE hypothesis_id = ? AND stance = ? AND kind = ? "
            "AND target_id = ?",
            (hypothesis_id, stance, kind, target_id),
        ).fetchone()
        return None if row is None else GEO_EVIDENCE.from_row(row)

    # other features' records --------------------------------------------------------------
    def logged_subject(self, record_id: str) -> tuple[str, bool] | None:
        """What the custody log last said about a record id: `(subject type, deleted)`.

        Evidence links can point at any feature's records (annotations, sources, frames);
        every such record is logged, so the log says whether it exists without this module
        knowing the other features' tables.
        """
        row = self._db.conn.execute(
            "SELECT subject_type, record_sha256 FROM custody WHERE subject_id = ? "
            "ORDER BY seq DESC LIMIT 1",
            (record_id,),
        ).fetchone()
        if row is None or row["subject_type"] is None:
            return None
        return str(row["subject_type"]), row["record_sha256"] == "deleted"
