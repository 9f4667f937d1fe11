"""Schema of the 'frames' component: extraction runs, extracted frames, scenes.

A run is one extraction (a frame on demand, or a scene scan) and is what the custody log
records; every frame and scene row names its run. Frames are unique per item and index (the
same decoded pixels are never stored twice); scenes belong to the scan that found them.
"""

from __future__ import annotations

from forensics.store.migrations import Migration

COMPONENT = "frames"

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        COMPONENT,
        1,
        "frame extraction runs, frames with pixel and PNG digests, scenes",
        (
            """CREATE TABLE frame_runs (
                id TEXT PRIMARY KEY,
                item_id TEXT NOT NULL REFERENCES items(id),
                media_sha256 TEXT NOT NULL,
                purpose TEXT NOT NULL,
                mode TEXT,
                detector TEXT,
                detector_version TEXT,
                parameters TEXT NOT NULL DEFAULT '{}',
                extractor TEXT NOT NULL,
                extractor_version TEXT NOT NULL,
                status TEXT NOT NULL,
                message TEXT,
                frame_count INTEGER,
                duration REAL,
                frames_decoded INTEGER,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL
            )""",
            "CREATE INDEX frame_runs_item ON frame_runs(item_id, created_at)",
            """CREATE TABLE frames (
                id TEXT PRIMARY KEY,
                run_id TEXT NOT NULL REFERENCES frame_runs(id),
                item_id TEXT NOT NULL REFERENCES items(id),
                media_sha256 TEXT NOT NULL,
                frame_index INTEGER NOT NULL,
                pts REAL NOT NULL,
                pixel_sha256 TEXT NOT NULL,
                png_sha256 TEXT NOT NULL,
                thumb_sha256 TEXT,
                width INTEGER NOT NULL,
                height INTEGER NOT NULL,
                kind TEXT NOT NULL,
                extractor TEXT NOT NULL,
                extractor_version TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                UNIQUE (item_id, frame_index)
            )""",
            "CREATE INDEX frames_pixel ON frames(pixel_sha256)",
            "CREATE INDEX frames_run ON frames(run_id)",
            """CREATE TABLE scenes (
                id TEXT PRIMARY KEY,
                run_id TEXT NOT NULL REFERENCES frame_runs(id),
                item_id TEXT NOT NULL REFERENCES items(id),
                scene_index INTEGER NOT NULL,
                start_frame INTEGER NOT NULL,
                end_frame INTEGER NOT NULL,
                start_time REAL NOT NULL,
                end_time REAL NOT NULL,
                start_frame_id TEXT REFERENCES frames(id),
                detector TEXT NOT NULL,
                parameters TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                UNIQUE (run_id, scene_index)
            )""",
            "CREATE INDEX scenes_item ON scenes(item_id)",
        ),
    ),
    Migration(
        COMPONENT,
        2,
        "the versions of the libraries that decoded each run's frames (JSON: component -> version)",
        ("ALTER TABLE frame_runs ADD COLUMN decoders TEXT NOT NULL DEFAULT '{}'",),
    ),
)
