"""Frame records, scenes and the extraction runs that made them: SQL and typed records.

A frame record anchors decoded pixels to the file they came from: the media's sha256, the
frame's index and presentation time, and the sha256 of the decoded pixels. The pixel digest is
what an annotation keeps, so `find_by_pixel_sha256` finds the same frame again in another
case or on another machine, whatever ids the records got there.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from forensics.errors import NotFoundError
from forensics.store.custody import record_digest
from forensics.store.rows import insert_row

if TYPE_CHECKING:
    from forensics.store.database import Database

SUBJECT = "frame_run"
"""Custody subject type of an extraction run (its record holds the digests of its rows)."""


class FrameKind:
    """Why a frame was extracted (plain strings in the database)."""

    FRAME = "frame"
    SCENE_START = "scene_start"


@dataclass(frozen=True)
class FrameRecord:
    """One extracted frame, stored as a PNG in the derived store."""

    id: str
    item_id: str
    media_sha256: str
    frame_index: int
    pts: float
    """Presentation time, seconds from the start of the video stream."""
    pixel_sha256: str
    png_sha256: str
    width: int
    height: int
    extractor: str
    extractor_version: str
    created_at: str
    created_by: str
    kind: str = FrameKind.FRAME
    run_id: str = ""
    thumb_sha256: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The record as `--json` documents and the custody digests see it."""
        return asdict(self)


@dataclass(frozen=True)
class SceneRecord:
    """One scene found by a scan: frames `[start_frame, end_frame)`."""

    id: str
    run_id: str
    item_id: str
    scene_index: int
    start_frame: int
    end_frame: int
    start_time: float
    end_time: float
    start_frame_id: str | None
    detector: str
    parameters: dict[str, Any]
    created_at: str
    created_by: str

    def to_json(self) -> dict[str, Any]:
        """The scene as `--json` documents and the custody digests see it."""
        return asdict(self)


@dataclass(frozen=True)
class FrameRun:
    """One extraction: a frame on demand or a scene scan, successful or not."""

    id: str
    item_id: str
    media_sha256: str
    purpose: str
    """"frame" or "scenes"."""
    mode: str | None
    detector: str | None
    detector_version: str | None
    parameters: dict[str, Any]
    extractor: str
    extractor_version: str
    status: str
    """"ok", "failed" or "cancelled"."""
    message: str | None
    frame_count: int | None
    duration: float | None
    frames_decoded: int | None
    created_at: str
    created_by: str
    decoders: dict[str, str] = field(default_factory=dict)
    """The libraries that decoded the frames, component key -> version
    (`forensics.versions`); empty for a run made before they were kept."""

    def to_json(self) -> dict[str, Any]:
        """The run as `--json` documents show it.

        `decoders` appears only when known, so the stored digest of a run made before they
        were kept stays the same and `pwb verify` keeps matching it.
        """
        out = asdict(self)
        if not self.decoders:
            del out["decoders"]
        return out


_FRAME_COLS = tuple(FrameRecord.__dataclass_fields__)
_SCENE_COLS = tuple(SceneRecord.__dataclass_fields__)
_RUN_COLS = tuple(FrameRun.__dataclass_fields__)


def _frame(row: Mapping[str, Any]) -> FrameRecord:
    return FrameRecord(**{k: row[k] for k in _FRAME_COLS})


def _scene(row: Mapping[str, Any]) -> SceneRecord:
    values = {k: row[k] for k in _SCENE_COLS}
    values["parameters"] = json.loads(values["parameters"] or "{}")
    return SceneRecord(**values)


def _run(row: Mapping[str, Any]) -> FrameRun:
    values = {k: row[k] for k in _RUN_COLS}
    values["parameters"] = json.loads(values["parameters"] or "{}")
    values["decoders"] = json.loads(values["decoders"] or "{}")
    return FrameRun(**values)


class FrameRepository:
    """SQL for frames, scenes and runs. Writes must run inside `case.transaction()`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # writes -------------------------------------------------------------------------------
    def insert_run(self, run: FrameRun) -> None:
        """Record an extraction run."""
        row = run.to_json()
        row["parameters"] = json.dumps(run.parameters, sort_keys=True)
        row["decoders"] = json.dumps(run.decoders, sort_keys=True)
        insert_row(self._db, "frame_runs", row)

    def insert_frame(self, frame: FrameRecord) -> None:
        """Record an extracted frame (unique per item and index)."""
        insert_row(self._db, "frames", frame.to_json())

    def insert_scene(self, scene: SceneRecord) -> None:
        """Record one scene of a scan."""
        row = scene.to_json()
        row["parameters"] = json.dumps(scene.parameters, sort_keys=True)
        insert_row(self._db, "scenes", row)

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
            **run.to_json(),
            "frames": {r["id"]: record_digest(_frame(r).to_json()) for r in frames},
            "scenes": {r["id"]: record_digest(_scene(r).to_json()) for r in scenes},
        }


def fetch_run_state(db: Database, run_id: str) -> dict[str, Any] | None:
    """The custody fetcher for `frame_run` subjects (see `forensics.store.subjects`)."""
    return FrameRepository(db).run_record(run_id)
