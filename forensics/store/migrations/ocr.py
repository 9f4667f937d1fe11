"""Schema of the 'ocr' component: text reads and their full-text index.

`ocr_fts` indexes each read's `search_text`: its text with Chinese characters spaced apart
(unicode61 would otherwise make a whole run of Han characters one token, and "南山" could not
find "深圳市南山区"). It is an external-content index kept by triggers, so reads that arrive by
an archive or a merge are found as well; the catalogue's search looks in it beside
`items_fts`.
"""

from __future__ import annotations

from forensics.store.migrations import Migration

COMPONENT = "ocr"

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        COMPONENT,
        1,
        "text reads (engine, languages, region, pixel digests, lines) with full-text search",
        (
            """CREATE TABLE ocr_reads (
                id TEXT PRIMARY KEY,
                item_id TEXT NOT NULL REFERENCES items(id),
                media_sha256 TEXT NOT NULL,
                frame_index INTEGER NOT NULL,
                pts REAL,
                frame_pixel_sha256 TEXT NOT NULL,
                frame_width INTEGER NOT NULL,
                frame_height INTEGER NOT NULL,
                region TEXT,
                region_pixel_sha256 TEXT NOT NULL,
                engine TEXT NOT NULL,
                engine_version TEXT NOT NULL,
                languages TEXT NOT NULL,
                text TEXT NOT NULL,
                lines TEXT NOT NULL,
                confidence REAL,
                annotation_id TEXT,
                seconds REAL NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                search_text TEXT NOT NULL DEFAULT ''
            )""",
            "CREATE INDEX ocr_reads_item ON ocr_reads(item_id, frame_index)",
            "CREATE INDEX ocr_reads_annotation ON ocr_reads(annotation_id)",
            """CREATE VIRTUAL TABLE ocr_fts USING fts5(
                search_text, content='ocr_reads', content_rowid='rowid',
                tokenize='unicode61 remove_diacritics 2'
            )""",
            """CREATE TRIGGER ocr_reads_ai AFTER INSERT ON ocr_reads BEGIN
                INSERT INTO ocr_fts(rowid, search_text) VALUES (new.rowid, new.search_text);
            END""",
            """CREATE TRIGGER ocr_reads_ad AFTER DELETE ON ocr_reads BEGIN
                INSERT INTO ocr_fts(ocr_fts, rowid, search_text)
                VALUES ('delete', old.rowid, old.search_text);
            END""",
            """CREATE TRIGGER ocr_reads_au AFTER UPDATE ON ocr_reads BEGIN
                INSERT INTO ocr_fts(ocr_fts, rowid, search_text)
                VALUES ('delete', old.rowid, old.search_text);
                INSERT INTO ocr_fts(rowid, search_text) VALUES (new.rowid, new.search_text);
            END""",
        ),
    ),
)
