"""Schema of the 'geoloc' component: geolocation hypotheses, their history and evidence links.

A hypothesis is a point with an uncertainty radius or an area (its outline as JSON, longitude
first, with the centroid in `lat`/`lon`), for an item or a frame range of one. Every change
writes a full snapshot to `geo_hypothesis_history`; evidence links tie a hypothesis to the
annotations, items and sources that support or contradict it.
"""

from __future__ import annotations

from forensics.store.migrations import Migration

COMPONENT = "geoloc"

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        COMPONENT,
        1,
        "geolocation hypotheses, their history and evidence links",
        (
            """CREATE TABLE geo_hypotheses (
                id TEXT PRIMARY KEY,
                item_id TEXT REFERENCES items(id),
                frame_start INTEGER,
                frame_end INTEGER,
                geometry TEXT NOT NULL CHECK (geometry IN ('point', 'area')),
                lat REAL NOT NULL,
                lon REAL NOT NULL,
                radius_m REAL,
                area TEXT,
                place_name TEXT,
                methods TEXT NOT NULL,
                status TEXT NOT NULL,
                confidence TEXT NOT NULL,
                analyst TEXT NOT NULL,
                notes TEXT NOT NULL DEFAULT '',
                origin TEXT NOT NULL CHECK (origin IN ('analyst', 'metadata')),
                origin_ref TEXT,
                version INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            "CREATE INDEX geo_hypotheses_item ON geo_hypotheses(item_id)",
            "CREATE UNIQUE INDEX geo_hypotheses_origin ON geo_hypotheses(origin_ref) "
            "WHERE origin_ref IS NOT NULL",
            """CREATE TABLE geo_hypothesis_history (
                id TEXT PRIMARY KEY,
                hypothesis_id TEXT NOT NULL,
                version INTEGER NOT NULL,
                action TEXT NOT NULL,
                state TEXT NOT NULL,
                changes TEXT NOT NULL,
                reason TEXT,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                UNIQUE (hypothesis_id, version)
            )""",
            """CREATE TABLE geo_evidence (
                id TEXT PRIMARY KEY,
                hypothesis_id TEXT NOT NULL REFERENCES geo_hypotheses(id),
                stance TEXT NOT NULL CHECK (stance IN ('supporting', 'contradicting')),
                kind TEXT NOT NULL,
                target_id TEXT NOT NULL,
                clue TEXT NOT NULL,
                note TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                UNIQUE (hypothesis_id, stance, kind, target_id)
            )""",
            "CREATE INDEX geo_evidence_hypothesis ON geo_evidence(hypothesis_id)",
            "CREATE INDEX geo_evidence_target ON geo_evidence(target_id)",
        ),
    ),
)
