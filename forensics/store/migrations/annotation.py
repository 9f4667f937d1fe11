"""Schema of the 'annotations' component: labels, tracks, annotations and their links.

Annotations are anchored to the media's sha256, the frame index, the presentation time and the
sha256 of the decoded pixels, so they can be found again on the same pixels in another case.
Geometry is JSON in image pixels (a list of `[x, y]` points). Links point at records of other
features by id only (no foreign key): an item, a component, a manufacturer or a hypothesis.
"""

from __future__ import annotations

from forensics.store.migrations import Migration

COMPONENT = "annotations"

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        COMPONENT,
        1,
        "annotation labels, tracks, annotations anchored to frames, links to evidence",
        (
            """CREATE TABLE annotation_labels (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                color TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL
            )""",
            """CREATE TABLE annotation_tracks (
                id TEXT PRIMARY KEY,
                item_id TEXT NOT NULL REFERENCES items(id),
                media_sha256 TEXT NOT NULL,
                label TEXT NOT NULL,
                note TEXT,
                attributes TEXT NOT NULL DEFAULT '{}',
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            "CREATE INDEX annotation_tracks_item ON annotation_tracks(item_id)",
            """CREATE TABLE annotations (
                id TEXT PRIMARY KEY,
                item_id TEXT NOT NULL REFERENCES items(id),
                media_sha256 TEXT NOT NULL,
                frame_index INTEGER NOT NULL,
                pts REAL,
                frame_pixel_sha256 TEXT NOT NULL,
                frame_width INTEGER NOT NULL,
                frame_height INTEGER NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('box', 'point', 'polygon', 'arrow')),
                geometry TEXT NOT NULL,
                label TEXT NOT NULL,
                note TEXT,
                attributes TEXT NOT NULL DEFAULT '{}',
                track_id TEXT REFERENCES annotation_tracks(id),
                keyframe INTEGER NOT NULL DEFAULT 0,
                outside INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            "CREATE INDEX annotations_frame ON annotations(item_id, frame_index)",
            "CREATE INDEX annotations_label ON annotations(label)",
            "CREATE INDEX annotations_track ON annotations(track_id, frame_index)",
            "CREATE INDEX annotations_pixels ON annotations(frame_pixel_sha256)",
            """CREATE TABLE annotation_links (
                id TEXT PRIMARY KEY,
                annotation_id TEXT NOT NULL REFERENCES annotations(id),
                target_type TEXT NOT NULL
                    CHECK (target_type IN ('item', 'component', 'manufacturer', 'hypothesis')),
                target_id TEXT NOT NULL,
                note TEXT,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                UNIQUE (annotation_id, target_type, target_id)
            )""",
            "CREATE INDEX annotation_links_target ON annotation_links(target_type, target_id)",
        ),
    ),
)
