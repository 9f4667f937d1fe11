"""Metadata, positions and telemetry tracks of media items: the only SQL for them.

Re-running an extractor on an item replaces that extractor's record in place (same id, a new
`updated_at`) together with its positions and tracks; the custody log keeps every version.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from forensics.errors import NotFoundError
from forensics.records.declare import canonical_json
from forensics.records.media import (
    ItemContent,
    MetadataRecord,
    MetadataView,
    Position,
    Track,
    TrackPoint,
)
from forensics.records.media_facts import group_facts
from forensics.store.media_rows import (
    decoders_json,
    json_list,
    points_digest,
    real,
    real_or_none,
    row_to_position,
    row_to_record,
)

if TYPE_CHECKING:
    from forensics.store.database import Database

__all__ = ["SUBJECT", "MediaRepository", "fetch_metadata_state", "points_digest"]

SUBJECT = "media_metadata"
"""Custody subject type of a metadata record (its positions and tracks are part of it)."""


class MediaRepository:
    """Reads and writes the 'media' component's tables of one case database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # reading ------------------------------------------------------------------------------
    def positions(self, item_id: str | None = None) -> list[Position]:
        """Positions found in metadata, for one item or the whole case.

        Args:
            item_id: only this item's positions; None for every item.

        Returns:
            EXIF, container and telemetry (first fix of each track) positions, oldest first.
        """
        sql = "SELECT * FROM media_positions"
        params: list[Any] = []
        if item_id is not None:
            sql += " WHERE item_id = ?"
            params.append(item_id)
        sql += " ORDER BY created_at, item_id, source, id"
        return [row_to_position(r) for r in self._db.query(sql, params)]

    def has_positions(self, item_id: str) -> bool:
        """True when the item has a position (one indexed lookup: asked of every new item)."""
        row = self._db.conn.execute(
            "SELECT 1 FROM media_positions WHERE item_id = ? LIMIT 1", (item_id,)
        ).fetchone()
        return row is not None

    def item_contents(self, item_ids: Sequence[str]) -> list[ItemContent]:
        """What extraction needs of each item (kind, hash, type, name, size), in order.

        Raises:
            NotFoundError: an id names no item.
        """
        found: dict[str, ItemContent] = {}
        for start in range(0, len(item_ids), 500):
            chunk = list(item_ids[start : start + 500])
            marks = ", ".join("?" * len(chunk))
            for row in self._db.conn.execute(
                f"SELECT id, kind, name, sha256, mime, size FROM items WHERE id IN ({marks})",
                chunk,
            ):
                found[row["id"]] = ItemContent(*row)
        missing = next((i for i in item_ids if i not in found), None)
        if missing is not None:
            raise NotFoundError(f"no item with id {missing}")
        return [found[i] for i in item_ids]

    def records(self, item_id: str) -> list[MetadataRecord]:
        """Every extractor's record for an item, by extractor name."""
        return [
            row_to_record(r)
            for r in self._db.query(
                "SELECT * FROM media_metadata WHERE item_id = ? ORDER BY extractor", [item_id]
            )
        ]

    def record(self, metadata_id: str) -> MetadataRecord | None:
        """One metadata record by id, or None."""
        row = self._db.conn.execute(
            "SELECT * FROM media_metadata WHERE id = ?", (metadata_id,)
        ).fetchone()
        return None if row is None else row_to_record(row)

    def find_record(self, item_id: str, extractor: str) -> MetadataRecord | None:
        """The record one extractor wrote for an item, or None."""
        row = self._db.conn.execute(
            "SELECT * FROM media_metadata WHERE item_id = ? AND extractor = ?", (item_id, extractor)
        ).fetchone()
        return None if row is None else row_to_record(row)

    def decoder_rows(
        self, item_id: str | None = None
    ) -> list[tuple[str, str, str, dict[str, str]]]:
        """`(item id, extractor, extractor version, decoders)` of every record (or of one
        item's): what reports and the detail panel say decoded the metadata."""
        sql = "SELECT item_id, extractor, extractor_version, decoders FROM media_metadata"
        args: list[Any] = []
        if item_id is not None:
            sql += " WHERE item_id = ?"
            args.append(item_id)
        return [
            (r["item_id"], r["extractor"], r["extractor_version"], json.loads(r["decoders"]))
            for r in self._db.conn.execute(sql + " ORDER BY extractor, item_id", args)
        ]

    def metadata(self, item_id: str) -> MetadataView:
        """Everything extracted from an item, grouped for display (empty when nothing ran)."""
        records = self.records(item_id)
        warnings: list[str] = []
        errors: list[str] = []
        for r in records:
            warnings.extend(r.warnings)
            errors.extend(r.errors)
        return MetadataView(
            item_id=item_id,
            groups=group_facts(records),
            warnings=tuple(warnings),
            errors=tuple(errors),
            records=tuple(records),
            positions=tuple(self.positions(item_id)),
        )

    def tracks(self, item_id: str | None = None) -> list[Track]:
        """Telemetry tracks with their points, for one item or all."""
        sql = "SELECT * FROM media_tracks"
        params: list[Any] = []
        if item_id is not None:
            sql += " WHERE item_id = ?"
            params.append(item_id)
        sql += " ORDER BY created_at, id"
        return [self._track(row) for row in self._db.query(sql, params)]

    def track(self, item_id: str) -> Track | None:
        """The telemetry track of an item (the first, when there are several), or None."""
        found = self.tracks(item_id)
        return found[0] if found else None

    def _track(self, row: Mapping[str, Any]) -> Track:
        points = tuple(
            TrackPoint(
                seq=p["seq"],
                lat=p["lat"],
                lon=p["lon"],
                alt=p["alt"],
                time=p["time"],
                offset_s=p["offset_s"],
                speed_mps=p["speed_mps"],
                fix=p["fix"],
            )
            for p in self._db.query(
                "SELECT seq, lat, lon, alt, time, offset_s, speed_mps, fix "
                "FROM media_track_points WHERE track_id = ? ORDER BY seq",
                [row["id"]],
            )
        )
        return Track(
            id=row["id"],
            item_id=row["item_id"],
            layout=row["layout"],
            points=points,
            start_time=row["start_time"],
            end_time=row["end_time"],
            extractor=row["extractor"],
            extractor_version=row["extractor_version"],
            source_sha256=row["source_sha256"],
            created_at=row["created_at"],
        )

    def record_state(self, metadata_id: str) -> dict[str, Any] | None:
        """The canonical state of a record with its positions and tracks (custody digest)."""
        record = self.record(metadata_id)
        if record is None:
            return None
        positions = [
            row_to_position(r).to_json()
            for r in self._db.query(
                "SELECT * FROM media_positions WHERE metadata_id = ? ORDER BY id", [metadata_id]
            )
        ]
        tracks = []
        for row in self._db.query(
            "SELECT * FROM media_tracks WHERE metadata_id = ? ORDER BY id", [metadata_id]
        ):
            track = self._track(row)
            tracks.append(
                {
                    "id": track.id,
                    "layout": track.layout,
                    "point_count": len(track.points),
                    "start_time": track.start_time,
                    "end_time": track.end_time,
                    "points_sha256": points_digest(track.points),
                }
            )
        state = record.to_json()
        state["positions"] = positions
        state["tracks"] = tracks
        return state

    # writing (inside the caller's transaction) ----------------------------------------------
    def save(
        self, record: MetadataRecord, positions: list[Position], tracks: list[Track]
    ) -> MetadataRecord:
        """Store one extractor's result for an item, replacing its earlier result.

        The record keeps its id and first creation when it already existed. Call inside
        `case.transaction()` together with the custody entry.

        Returns:
            The record as stored (its id may be the existing one).
        """
        return self.save_with_state(record, positions, tracks)[0]

    def save_with_state(
        self, record: MetadataRecord, positions: list[Position], tracks: list[Track]
    ) -> tuple[MetadataRecord, dict[str, Any]]:
        """`save`, also returning the state `record_state` would read back, without reading.

        Reading every record back to digest it for the custody entry cost as much as storing
        it; the state is built from what was written instead, with the column types SQLite
        gives back (REAL columns read as floats). A record with tracks is read back (rare,
        and its points digest must come from the stored points).

        Returns:
            The record as stored and its canonical state.
        """
        stored, stored_positions = self._write(record, positions, tracks)
        if tracks:
            state = self.record_state(stored.id)
            assert state is not None
            return stored, state
        state = stored.to_json()
        state["positions"] = [p.to_json() for p in sorted(stored_positions, key=lambda p: p.id)]
        state["tracks"] = []
        return stored, state

    def _write(
        self, record: MetadataRecord, positions: list[Position], tracks: list[Track]
    ) -> tuple[MetadataRecord, list[Position]]:
        if not self._db.conn.in_transaction:
            raise RuntimeError("media records are saved inside a transaction")
        conn = self._db.conn
        # One statement inserts or replaces (the record keeps its id and first creation);
        # RETURNING says which happened.
        kept = conn.execute(
            "INSERT INTO media_metadata (id, item_id, extractor, extractor_version, "
            "source_sha256, status, facts, warnings, errors, created_at, created_by, "
            "updated_at, decoders) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (item_id, extractor) DO UPDATE SET "
            "extractor_version = excluded.extractor_version, "
            "source_sha256 = excluded.source_sha256, status = excluded.status, "
            "facts = excluded.facts, warnings = excluded.warnings, errors = excluded.errors, "
            "updated_at = excluded.created_at, decoders = excluded.decoders "
            "RETURNING id, created_at, created_by",
            (
                record.id,
                record.item_id,
                record.extractor,
                record.extractor_version,
                record.source_sha256,
                record.status,
                canonical_json(record.facts),
                json_list(record.warnings),
                json_list(record.errors),
                record.created_at,
                record.created_by,
                record.updated_at,
                decoders_json(record.decoders),
            ),
        ).fetchone()
        if kept["id"] != record.id:
            record = replace(
                record,
                id=kept["id"],
                created_at=kept["created_at"],
                created_by=kept["created_by"],
                updated_at=record.created_at,
            )
            self._delete_children(record.id)
        stored_positions = [
            Position(
                id=p.id,
                item_id=record.item_id,
                lat=real(p.lat),
                lon=real(p.lon),
                alt=real_or_none(p.alt),
                source=p.source,
                time=p.time,
                direction=real_or_none(p.direction),
                detail=p.detail,
                extractor=record.extractor,
                extractor_version=record.extractor_version,
                source_sha256=record.source_sha256,
                created_at=p.created_at or record.created_at,
            )
            for p in positions
        ]
        conn.executemany(
            "INSERT INTO media_positions (id, item_id, metadata_id, source, lat, lon, alt, "
            "direction, time, detail, extractor, extractor_version, source_sha256, "
            "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    p.id,
                    p.item_id,
                    record.id,
                    p.source,
                    p.lat,
                    p.lon,
                    p.alt,
                    p.direction,
                    p.time,
                    p.detail,
                    p.extractor,
                    p.extractor_version,
                    p.source_sha256,
                    p.created_at,
                    record.created_by,
                )
                for p in stored_positions
            ],
        )
        for t in tracks:
            conn.execute(
                "INSERT INTO media_tracks (id, item_id, metadata_id, layout, point_count, "
                "start_time, end_time, points_sha256, extractor, extractor_version, "
                "source_sha256, created_at, created_by) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    t.id,
                    record.item_id,
                    record.id,
                    t.layout,
                    len(t.points),
                    t.start_time,
                    t.end_time,
                    points_digest(t.points),
                    record.extractor,
                    record.extractor_version,
                    record.source_sha256,
                    t.created_at or record.created_at,
                    record.created_by,
                ),
            )
            conn.executemany(
                "INSERT INTO media_track_points (id, track_id, seq, time, offset_s, lat, lon, "
                "alt, speed_mps, fix, created_at, created_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        str(uuid.uuid4()),
                        t.id,
                        p.seq,
                        p.time,
                        p.offset_s,
                        p.lat,
                        p.lon,
                        p.alt,
                        p.speed_mps,
                        p.fix,
                        record.created_at,
                        record.created_by,
                    )
                    for p in t.points
                ],
            )
        return record, stored_positions

    def _delete_children(self, metadata_id: str) -> None:
        conn = self._db.conn
        conn.execute(
            "DELETE FROM media_track_points WHERE track_id IN "
            "(SELECT id FROM media_tracks WHERE metadata_id = ?)",
            (metadata_id,),
        )
        conn.execute("DELETE FROM media_tracks WHERE metadata_id = ?", (metadata_id,))
        conn.execute("DELETE FROM media_positions WHERE metadata_id = ?", (metadata_id,))


def fetch_metadata_state(db: Database, metadata_id: str) -> dict[str, Any] | None:
    """Custody fetcher for `media_metadata` subjects (see `forensics.store.subjects`)."""
    return MediaRepository(db).record_state(metadata_id)
