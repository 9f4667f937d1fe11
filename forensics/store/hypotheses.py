"""Geolocation hypotheses, their history and evidence links: the SQL (component "geoloc").

The rules (validation, who may change what, consistency) live in `geoloc.hypotheses`; this
module only reads and writes rows. Writes must run inside `case.transaction()` together with
the custody entry that records them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from forensics.errors import NotFoundError

if TYPE_CHECKING:
    from forensics.store.database import Database

SUBJECT = "geo_hypothesis"
EVIDENCE_SUBJECT = "geo_evidence"

METHODS = (
    "exif_gps",
    "container_location",
    "drone_telemetry",
    "visual_landmark",
    "signage_language",
    "reflection",
    "sun_shadow",
    "reported_by_source",
)
STATUSES = ("proposed", "supported", "refuted", "confirmed")
CONFIDENCES = ("verified", "strong possibility", "possible", "unverified", "false")
ORIGINS = ("analyst", "metadata")
STANCES = ("supporting", "contradicting")
LINK_KINDS = ("annotation", "item", "source", "frame")


@dataclass(frozen=True)
class Hypothesis:
    """Where an item (or a frame range of it) was made, as one analyst or its metadata says."""

    id: str
    item_id: str | None
    frame_start: int | None
    frame_end: int | None
    geometry: str
    """"point" (lat/lon with `radius_m`) or "area" (`area` outline; lat/lon its centroid)."""
    lat: float
    lon: float
    radius_m: float | None
    area: tuple[tuple[float, float], ...] | None
    """Outline as (lon, lat) pairs, GeoJSON order, not closed."""
    place_name: str | None
    methods: tuple[str, ...]
    status: str
    confidence: str
    analyst: str
    notes: str
    origin: str
    """"analyst" or "metadata" (made automatically from a position in the item's metadata)."""
    origin_ref: str | None
    """For metadata hypotheses: the metadata position's id."""
    version: int
    created_at: str
    created_by: str
    updated_at: str


@dataclass(frozen=True)
class EvidenceLink:
    """An annotation, item, frame or source that supports or contradicts a hypothesis."""

    id: str
    hypothesis_id: str
    stance: str
    kind: str
    target_id: str
    clue: str
    """Links sharing a clue are one observation (two frames of the same lantern)."""
    note: str
    created_at: str
    created_by: str

    def to_json(self) -> dict[str, Any]:
        """The link as `--json` documents show it: no note is null, not ""."""
        return {name: getattr(self, name) for name in _L_COLUMNS} | {"note": self.note or None}


@dataclass(frozen=True)
class HistoryEntry:
    """One version of a hypothesis: its full state after a change, who, when and why."""

    id: str
    hypothesis_id: str
    version: int
    action: str
    state: dict[str, Any]
    changes: dict[str, Any]
    reason: str | None
    created_at: str
    created_by: str


_H_COLUMNS = tuple(f.name for f in fields(Hypothesis))
_L_COLUMNS = tuple(f.name for f in fields(EvidenceLink))


def hypothesis_record(h: Hypothesis) -> dict[str, Any]:
    """The canonical JSON-able state whose digest the custody log keeps."""
    out: dict[str, Any] = {name: getattr(h, name) for name in _H_COLUMNS}
    out["methods"] = list(h.methods)
    out["area"] = None if h.area is None else [list(p) for p in h.area]
    return out


def link_record(link: EvidenceLink) -> dict[str, Any]:
    """The canonical JSON-able state of an evidence link."""
    return {name: getattr(link, name) for name in _L_COLUMNS}


def _h_row(h: Hypothesis) -> dict[str, Any]:
    row = hypothesis_record(h)
    row["methods"] = json.dumps(row["methods"])
    row["area"] = None if row["area"] is None else json.dumps(row["area"])
    return row


def _row_to_h(row: Mapping[str, Any]) -> Hypothesis:
    values = {name: row[name] for name in _H_COLUMNS}
    values["methods"] = tuple(json.loads(row["methods"]))
    area = json.loads(row["area"]) if row["area"] else None
    values["area"] = None if area is None else tuple((float(p[0]), float(p[1])) for p in area)
    return Hypothesis(**values)


def _row_to_link(row: Mapping[str, Any]) -> EvidenceLink:
    return EvidenceLink(**{name: row[name] for name in _L_COLUMNS})


class HypothesisRepository:
    """SQL for the geoloc tables of one case database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # hypotheses ---------------------------------------------------------------------------
    def insert(self, h: Hypothesis) -> None:
        """Insert a new hypothesis row."""
        row = _h_row(h)
        self._db.conn.execute(
            f"INSERT INTO geo_hypotheses ({', '.join(row)}) "
            f"VALUES ({', '.join(':' + k for k in row)})",
            row,
        )

    def update(self, h: Hypothesis) -> None:
        """Overwrite a hypothesis row with a new state (same id)."""
        row = _h_row(h)
        sets = ", ".join(f"{k} = :{k}" for k in row if k != "id")
        cursor = self._db.conn.execute(f"UPDATE geo_hypotheses SET {sets} WHERE id = :id", row)
        if cursor.rowcount != 1:
            raise NotFoundError(f"no hypothesis {h.id}")

    def delete(self, hypothesis_id: str) -> None:
        """Remove a hypothesis row (its links must be removed first)."""
        self._db.conn.execute("DELETE FROM geo_hypotheses WHERE id = ?", (hypothesis_id,))

    def find(self, hypothesis_id: str) -> Hypothesis | None:
        """A hypothesis by id, or None."""
        row = self._db.conn.execute(
            "SELECT * FROM geo_hypotheses WHERE id = ?", (hypothesis_id,)
        ).fetchone()
        return None if row is None else _row_to_h(row)

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
        return None if row is None else _row_to_h(row)

    def hypotheses(self, item_id: str | None = None) -> list[Hypothesis]:
        """Hypotheses of one item, or all, oldest first."""
        sql = "SELECT * FROM geo_hypotheses"
        params: list[Any] = []
        if item_id is not None:
            sql += " WHERE item_id = ?"
            params.append(item_id)
        return [_row_to_h(r) for r in self._db.query(sql + " ORDER BY created_at, id", params)]

    # history ------------------------------------------------------------------------------
    def add_history(self, entry: HistoryEntry) -> None:
        """Append one version snapshot."""
        self._db.conn.execute(
            "INSERT INTO geo_hypothesis_history (id, hypothesis_id, version, action, state, "
            "changes, reason, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry.id,
                entry.hypothesis_id,
                entry.version,
                entry.action,
                json.dumps(entry.state, sort_keys=True, ensure_ascii=False),
                json.dumps(entry.changes, sort_keys=True, ensure_ascii=False),
                entry.reason,
                entry.created_at,
                entry.created_by,
            ),
        )

    def history(self, hypothesis_id: str) -> list[HistoryEntry]:
        """Every version of a hypothesis, oldest first."""
        return [
            HistoryEntry(
                id=r["id"],
                hypothesis_id=r["hypothesis_id"],
                version=int(r["version"]),
                action=r["action"],
                state=json.loads(r["state"]),
                changes=json.loads(r["changes"]),
                reason=r["reason"],
                created_at=r["created_at"],
                created_by=r["created_by"],
            )
            for r in self._db.query(
                "SELECT * FROM geo_hypothesis_history WHERE hypothesis_id = ? ORDER BY version",
                [hypothesis_id],
            )
        ]

    # evidence links -----------------------------------------------------------------------
    def insert_link(self, link: EvidenceLink) -> None:
        """Insert an evidence link."""
        row = link_record(link)
        self._db.conn.execute(
            f"INSERT INTO geo_evidence ({', '.join(row)}) "
            f"VALUES ({', '.join(':' + k for k in row)})",
            row,
        )

    def delete_link(self, link_id: str) -> None:
        """Remove an evidence link."""
        self._db.conn.execute("DELETE FROM geo_evidence WHERE id = ?", (link_id,))

    def find_link(self, link_id: str) -> EvidenceLink | None:
        """An evidence link by id, or None."""
        row = self._db.conn.execute(
            "SELECT * FROM geo_evidence WHERE id = ?", (link_id,)
        ).fetchone()
        return None if row is None else _row_to_link(row)

    def links(self, hypothesis_id: str | None = None) -> list[EvidenceLink]:
        """Evidence links of one hypothesis, or all, oldest first."""
        sql = "SELECT * FROM geo_evidence"
        params: list[Any] = []
        if hypothesis_id is not None:
            sql += " WHERE hypothesis_id = ?"
            params.append(hypothesis_id)
        return [_row_to_link(r) for r in self._db.query(sql + " ORDER BY created_at, id", params)]

    def find_same_link(
        self, hypothesis_id: str, stance: str, kind: str, target_id: str
    ) -> EvidenceLink | None:
        """The existing link with these keys, if any (links are unique per target)."""
        row = self._db.conn.execute(
            "SELECT * FROM geo_evidence WHERE hypothesis_id = ? AND stance = ? AND kind = ? "
            "AND target_id = ?",
            (hypothesis_id, stance, kind, target_id),
        ).fetchone()
        return None if row is None else _row_to_link(row)

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


def fetch_hypothesis(db: Database, hypothesis_id: str) -> dict[str, Any] | None:
    """The current state of a hypothesis for `verify` (subject fetcher)."""
    found = HypothesisRepository(db).find(hypothesis_id)
    return None if found is None else hypothesis_record(found)


def fetch_evidence_link(db: Database, link_id: str) -> dict[str, Any] | None:
    """The current state of an evidence link for `verify` (subject fetcher)."""
    found = HypothesisRepository(db).find_link(link_id)
    return None if found is None else link_record(found)
