"""Schema of the 'core' component: case facts, items, full-text search, the custody chain."""

from __future__ import annotations

from forensics.store.migrations import Migration

COMPONENT = "core"

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        COMPONENT,
        1,
        "case facts, items with full-text search, custody hash chain",
        (
            """CREATE TABLE case_info (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            )""",
            """CREATE TABLE items (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                name TEXT NOT NULL,
                parent_id TEXT REFERENCES items(id),
                sha256 TEXT,
                md5 TEXT,
                size INTEGER,
                mime TEXT,
                source_path TEXT,
                source_path_raw BLOB,
                serial TEXT,
                marking TEXT,
                exhibit TEXT,
                note TEXT,
                status TEXT NOT NULL DEFAULT 'active',
                tags TEXT NOT NULL DEFAULT '[]',
                fs_path TEXT,
                fs_path_raw BLOB,
                fs_deleted INTEGER,
                fs_mtime TEXT,
                fs_atime TEXT,
                fs_ctime TEXT,
                fs_crtime TEXT,
                link_target TEXT,
                attributes TEXT NOT NULL DEFAULT '{}',
                errors TEXT NOT NULL DEFAULT '[]',
                warnings TEXT NOT NULL DEFAULT '[]',
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL
            )""",
            "CREATE INDEX items_parent ON items(parent_id)",
            "CREATE INDEX items_sha256 ON items(sha256)",
            "CREATE INDEX items_kind ON items(kind)",
            "CREATE INDEX items_created ON items(created_at)",
            """CREATE VIRTUAL TABLE items_fts USING fts5(
                name, note, marking, serial, exhibit, source_path, fs_path, tags,
                content='items', content_rowid='rowid',
                tokenize='unicode61 remove_diacritics 2'
            )""",
            """CREATE TRIGGER items_ai AFTER INSERT ON items BEGIN
                INSERT INTO items_fts(rowid, name, note, marking, serial, exhibit, source_path,
                                      fs_path, tags)
                VALUES (new.rowid, new.name, new.note, new.marking, new.serial, new.exhibit,
                        new.source_path, new.fs_path, new.tags);
            END""",
            """CREATE TRIGGER items_ad AFTER DELETE ON items BEGIN
                INSERT INTO items_fts(items_fts, rowid, name, note, marking, serial, exhibit,
                                      source_path, fs_path, tags)
                VALUES ('delete', old.rowid, old.name, old.note, old.marking, old.serial,
                        old.exhibit, old.source_path, old.fs_path, old.tags);
            END""",
            """CREATE TRIGGER items_au AFTER UPDATE ON items BEGIN
                INSERT INTO items_fts(items_fts, rowid, name, note, marking, serial, exhibit,
                                      source_path, fs_path, tags)
                VALUES ('delete', old.rowid, old.name, old.note, old.marking, old.serial,
                        old.exhibit, old.source_path, old.fs_path, old.tags);
                INSERT INTO items_fts(rowid, name, note, marking, serial, exhibit, source_path,
                                      fs_path, tags)
                VALUES (new.rowid, new.name, new.note, new.marking, new.serial, new.exhibit,
                        new.source_path, new.fs_path, new.tags);
            END""",
            """CREATE TABLE custody (
                seq INTEGER PRIMARY KEY,
                entry_id TEXT NOT NULL UNIQUE,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                item_id TEXT,
                subject_type TEXT,
                subject_id TEXT,
                record_sha256 TEXT,
                details TEXT NOT NULL,
                reason TEXT,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            )""",
            "CREATE INDEX custody_item ON custody(item_id)",
            "CREATE INDEX custody_subject ON custody(subject_type, subject_id)",
        ),
    ),
    Migration(
        COMPONENT,
        2,
        "items: how a deleted item was recovered and the state of its content; folder items",
        (
            "ALTER TABLE items ADD COLUMN recovery TEXT",
            "ALTER TABLE items ADD COLUMN content_state TEXT",
        ),
    ),
    Migration(
        COMPONENT,
        3,
        "items: one item per content (or folder) from one source under one parent, as a rule "
        "of the database; duplicates made before the rule name the item they repeat",
        (
            # Which item an older duplicate repeats (two ingests at once made them before the
            # rule existed). Not part of an item's logged state: marking them changes no digest.
            "ALTER TABLE items ADD COLUMN duplicate_of TEXT",
            """UPDATE items SET duplicate_of = (
                SELECT first.id FROM items AS first
                WHERE first.sha256 = items.sha256 AND first.parent_id IS items.parent_id
                AND first.source_path_raw IS items.source_path_raw
                AND first.fs_path_raw IS items.fs_path_raw AND first.rowid < items.rowid
                ORDER BY first.rowid LIMIT 1
            ) WHERE sha256 IS NOT NULL""",
            """UPDATE items SET duplicate_of = (
                SELECT first.id FROM items AS first
                WHERE first.kind = 'folder' AND first.parent_id IS items.parent_id
                AND first.source_path_raw IS items.source_path_raw
                AND first.fs_path_raw IS items.fs_path_raw AND first.rowid < items.rowid
                ORDER BY first.rowid LIMIT 1
            ) WHERE kind = 'folder'""",
            # NULL is never equal to NULL in a UNIQUE index: the keys map NULL to a value.
            """CREATE UNIQUE INDEX items_same_content ON items (
                ifnull(parent_id, ''), ifnull(source_path_raw, x''), ifnull(fs_path_raw, x''),
                sha256
            ) WHERE sha256 IS NOT NULL AND duplicate_of IS NULL""",
            """CREATE UNIQUE INDEX items_same_folder ON items (
                ifnull(parent_id, ''), ifnull(source_path_raw, x''), ifnull(fs_path_raw, x'')
            ) WHERE kind = 'folder' AND duplicate_of IS NULL""",
        ),
    ),
    Migration(
        COMPONENT,
        4,
        "signed custody entries, the examiners' keys, seals of the head",
        (
            "ALTER TABLE custody ADD COLUMN signer TEXT",
            "ALTER TABLE custody ADD COLUMN actor_given INTEGER",
            "ALTER TABLE custody ADD COLUMN signature TEXT",
            """CREATE TABLE case_examiners (
                fingerprint TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                organisation TEXT,
                role TEXT,
                public_key TEXT NOT NULL,
                added_at TEXT NOT NULL
            )""",
            """CREATE TABLE seals (
                id TEXT PRIMARY KEY,
                seq INTEGER NOT NULL,
                hash TEXT NOT NULL,
                sealed_at TEXT NOT NULL,
                examiner TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                purpose TEXT NOT NULL,
                document TEXT NOT NULL
            )""",
        ),
    ),
    Migration(
        COMPONENT,
        5,
        "in-flight markers of a server case's evidence: which blobs each writer has renamed "
        "into the shared folder and not yet committed (forensics/store/inflight_db.py)",
        (
            # Coordination between live writers, not case content: never copied, packed or
            # logged. A folder case keeps its markers as files in its tmp/ folder.
            """CREATE TABLE evidence_inflight (
                sha256 TEXT NOT NULL,
                writer INTEGER NOT NULL,
                batch TEXT,
                since TEXT NOT NULL
            )""",
            "CREATE INDEX evidence_inflight_sha256 ON evidence_inflight (sha256)",
            "CREATE INDEX evidence_inflight_batch ON evidence_inflight (batch)",
        ),
        server_only=True,
    ),
)
