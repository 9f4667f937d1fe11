"""Frame records, scenes and the extraction runs that made them: the SQL.

A frame record anchors decoded pixels to the file they came from: the media's sha256, the
frame's index and presentation time, and the sha256 of the decoded pixels. The pixel digest is
what an annotation keeps, so `find_by_pixel_sha256` finds the same frame again in another
case or on another machine, whatever ids the records got there.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from forensics.errors import NotFoundError
from forensics.records.frames import (
    FRAME,
    FRAME_RUN,
    SCENE,
    FrameKind,
    FrameRecord,
    FrameRun,
    SceneRecord,
)
from forensics.store import record_rows

if TYPE_CHECKING:
    from forensics.store.database import Database

SUBJECT = FRAME_RUN.subject
"""Custody subject type of an extraction run (its record holds the digests of its rows)."""

__all__ = ["SUBJECT", "FrameKind", "FrameRecord", "FrameRepository", "FrameRun", "SceneRecord"]

_frame = FRAME.from_row
_scene = SCENE.from_row
_run = FRAME_RUN.from_row


class FrameRepository:
    """SQL for frames, scenes and runs. Writes must run inside `case.transaction()`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # writes -------------------------------------------------------------------------------
    def insert_run(self, run: FrameRun) -> None:
        """Record an extraction run."""
        record_rows.insert(self._db, FRAME_RUN, run)

    def insert_frame(self, frame: FrameRecord) -> None:
        """Record an extracted frame (unique per item and index)."""
        record_rows.insert(self._db, FRAME, frame)

    def insert_scene(self, scene: SceneRecord) -> None:
        """Record one scene of a scan."""
        record_rows.insert(self._db, SCENE, scene)

    # reads --------------------------------------------------------------------------------
    def frame(self, frame_id: str) -> FrameRecord:
        """The frame with this id.

        Raises:
            NotFoundError: no such frame.
        """
        row = self._db.conn.execute("SELECT * FROM frames WHERE id = ?", (frame_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no frame with id {frame_id}")
        return _frame(row)

    def frame_at(self, item_id: str, frame_index: int) -> FrameRecord | None:
        """The frame of an item with this index, if it was extracted."""
        row = self._db.conn.execute(
            "SELECT * FROM frames WHERE item_id = ? AND frame_index = ?", (item_id, frame_index)
        ).fetchone()
        return None if row is None else _frame(row)

    def frames(self, item_id: str, kind: str | None = None) -> list[FrameRecord]:
        """The extracted frames of an item, by index (optionally of one kind)."""
        sql = "SELECT * FROM frames WHERE item_id = ?"
        args: list[Any] = [item_id]
        if kind is not None:
            sql += " AND kind = ?"
            args.append(kind)
        rows = self._db.conn.execute(sql + " ORDER BY frame_index", args).fetchall()
        return [_frame(r) for r in rows]

    def find_by_pixel_sha256(self, pixel_sha256: str) -> list[FrameRecord]:
        """Every frame, in any item, whose decoded pixels have this digest."""
        rows = self._db.conn.execute(
            "SELECT * FROM frames WHERE pixel_sha256 = ? ORDER BY item_id, frame_index",
            (pixel_sha256,),
        ).fetchall()
        return [_frame(r) for r in rows]

    def runs(self, item_id: str, purpose: str | None = None) -> list[FrameRun]:
        """The extraction runs of an item, oldest first."""
        sql = "SELECT * FROM frame_runs WHERE item_id = ?"
        args: list[Any] = [item_id]
        if purpose is not None:
            sql += " AND purpose = ?"
            args.append(purpose)
        rows = self._db.conn.execute(sql + " ORDER BY created_at, rowid", args).fetchall()
        return [_run(r) for r in rows]

    def decoder_rows(
        self, item_id: str | None = None
    ) -> list[tuple[str, str, str, dict[str, str]]]:
        """`(item id, "extractor (purpose)", extractor version, decoders)` of every run (or of
        one item's), oldest first: what reports and the detail panel say decoded the frames."""
        sql = "SELECT item_id, extractor, purpose, extractor_version, decoders FROM frame_runs"
        args: list[Any] = []
        if item_id is not None:
            sql += " WHERE item_id = ?"
            args.append(item_id)
        return [
            (
                r["item_id"],
                f"{r['extractor']} ({r['purpose']})",
                r["extractor_version"],
                json.loads(r["decoders"]),
            )
            for r in self._db.conn.execute(sql + " ORDER BY created_at, rowid", args)
        ]

    def run(self, run_id: str) -> FrameRun | None:
        """One run, or None."""
        row = self._db.conn.execute("SELECT * FROM frame_runs WHERE id = ?", (run_id,)).fetchone()
        return None if row is None else _run(row)

    def latest_scan(self, item_id: str) -> FrameRun | None:
        """The newest successful scene scan of an item."""
        row = self._db.conn.execute(
            "SELECT * FROM frame_runs WHERE item_id = ? AND purpose = 'scenes' AND status = 'ok'"
            " ORDER BY created_at DESC, rowid DESC LIMIT 1",
            (item_id,),
        ).fetchone()
        return None if row is None else _run(row)

    def scenes(self, item_id: str, run_id: str | None = None) -> list[SceneRecord]:
        """The scenes of an item from one scan (the newest successful one by default)."""
        if run_id is None:
            latest = self.latest_scan(item_id)
            if latest is None:
                return []
            run_id = latest.id
        rows = self._db.conn.execute(
            "SELECT * FROM scenes WHERE run_id = ? ORDER BY scene_index", (run_id,)
        ).fetchall()
        return [_scene(r) for r in rows]

    def scene_frames(self, item_id: str, run_id: str | None = None) -> list[FrameRecord]:
        """The first frame of every scene of a scan, in order."""
        return [
            self.frame(s.start_frame_id)
            for s in self.scenes(item_id, run_id)
            if s.start_frame_id is not None
        ]

    # custody ------------------------------------------------------------------------------
    def run_record(self, run_id: str) -> dict[str, Any] | None:
        """The state of a run that the custody log digests: the run and its rows' digests."""
        run = self.run(run_id)
        if run is None:
            return None
        frames = self._db.conn.execute(
            "SELECT * FROM frames WHERE run_id = ? ORDER BY id", (run_id,)
        ).fetchall()
        scenes = self._db.conn.execute(
            "SELECT * FROM scenes WHERE run_id = ? ORDER BY id", (run_id,)
        ).fetchall()
        return {
            **FRAME_RUN.state(run),
            "frames": {r["id"]: FRAME.digest(_frame(r)) for r in frames},
            "scenes": {r["id"]: SCENE.digest(_scene(r)) for r in scenes},
        }


def fetch_run_state(db: Database, run_id: str) -> dict[str, Any] | None:
    """The custody fetcher for `frame_run` subjects (see `forensics.store.subjects`)."""
    return FrameRepository(db).run_record(run_id)
