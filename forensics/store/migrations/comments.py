"""Schema of the 'comments' component: review comments on the case's records.

A comment names its record by `(target_type, target_id)` (any record type, so no foreign
key); `item_id` files it under the item it concerns. On a server case the reviewer role may
insert rows here and nothing else (`forensics.store.roles`).
"""

from __future__ import annotations

from forensics.store.migrations import Migration

COMPONENT = "comments"

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        COMPONENT,
        1,
        "review comments on items, annotations, hypotheses, provenance records and comments",
        (
            """CREATE TABLE comments (
                id TEXT PRIMARY KEY,
                target_type TEXT NOT NULL,
                target_id TEXT NOT NULL,
                item_id TEXT,
                text TEXT NOT NULL,
                login TEXT,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL
            )""",
            "CREATE INDEX comments_target ON comments(target_id, created_at)",
            "CREATE INDEX comments_item ON comments(item_id)",
        ),
    ),
)
