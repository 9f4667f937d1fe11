"""Schema of the 'media' component: extracted metadata, positions and telemetry tracks.

Every row says where it came from (extractor, its version, the source file's sha256, when),
so a value shown to a court can be traced to the bytes it was read from.
"""

from __future__ import annotations

from forensics.store.migrations import Migration

COMPONENT = "media"

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        COMPONENT,
        1,
        "media metadata per item and extractor, positions, telemetry tracks and points",
        (
            """CREATE TABLE media_metadata (
                id TEXT PRIMARY KEY,
                item_id TEXT NOT NULL REFERENCES items(id),
                extractor TEXT NOT NULL,
                extractor_version TEXT NOT NULL,
                source_sha256 TEXT NOT NULL,
                status TEXT NOT NULL,
                facts TEXT NOT NULL DEFAULT '{}',
                warnings TEXT NOT NULL DEFAULT '[]',
                errors TEXT NOT NULL DEFAULT '[]',
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                updated_at TEXT,
                UNIQUE (item_id, extractor)
            )""",
            "CREATE INDEX media_metadata_item ON media_metadata(item_id)",
            """CREATE TABLE media_positions (
                id TEXT PRIMARY KEY,
                item_id TEXT NOT NULL REFERENCES items(id),
                metadata_id TEXT NOT NULL REFERENCES media_metadata(id),
                source TEXT NOT NULL,
                lat REAL NOT NULL,
                lon REAL NOT NULL,
                alt REAL,
                direction REAL,
                time TEXT,
                detail TEXT,
                extractor TEXT NOT NULL,
                extractor_version TEXT NOT NULL,
                source_sha256 TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL
            )""",
            "CREATE INDEX media_positions_item ON media_positions(item_id)",
            "CREATE INDEX media_positions_metadata ON media_positions(metadata_id)",
            """CREATE TABLE media_tracks (
                id TEXT PRIMARY KEY,
                item_id TEXT NOT NULL REFERENCES items(id),
                metadata_id TEXT NOT NULL REFERENCES media_metadata(id),
                layout TEXT NOT NULL,
                point_count INTEGER NOT NULL,
                start_time TEXT,
                end_time TEXT,
                points_sha256 TEXT NOT NULL,
                extractor TEXT NOT NULL,
                extractor_version TEXT NOT NULL,
                source_sha256 TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL
            )""",
            "CREATE INDEX media_tracks_item ON media_tracks(item_id)",
            """CREATE TABLE media_track_points (
                id TEXT PRIMARY KEY,
                track_id TEXT NOT NULL REFERENCES media_tracks(id),
                seq INTEGER NOT NULL,
                time TEXT,
                offset_s REAL,
                lat REAL NOT NULL,
                lon REAL NOT NULL,
                alt REAL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                UNIQUE (track_id, seq)
            )""",
        ),
    ),
    Migration(
        COMPONENT,
        2,
        "ground speed and satellite fix per telemetry point (GoPro GPMF)",
        (
            "ALTER TABLE media_track_points ADD COLUMN speed_mps REAL",
            "ALTER TABLE media_track_points ADD COLUMN fix INTEGER",
        ),
    ),
    Migration(
        COMPONENT,
        3,
        "the versions of the libraries that decoded each record (JSON: component -> version)",
        ("ALTER TABLE media_metadata ADD COLUMN decoders TEXT NOT NULL DEFAULT '{}'",),
    ),
)
