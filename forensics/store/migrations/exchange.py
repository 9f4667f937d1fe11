"""Schema of the 'exchange' component: merges, their conflicts and the imported custody chains.

A merge keeps what the other team sent apart from our own chain: `imported_custody` holds their
chain verbatim (it re-verifies on its own), `merge_conflicts` the records both sides changed,
until the user keeps theirs or ours. Version 2 gives a conflict its `kind`: a record both sides
edited, or one they deleted that we changed since (`deletion` then holds the facts of their
deletion entry: who, when, why, its hash). Version 4 remembers every record state this case
exchanged (`exchanged_states`: sent in a pack, received in an unpack or a merge), so a merge
changes one of our records only from a state the other side is known to have had.
"""

from __future__ import annotations

from forensics.store.migrations import Migration

COMPONENT = "exchange"

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        COMPONENT,
        1,
        "merges, merge conflicts, imported custody chains",
        (
            """CREATE TABLE merges (
                id TEXT PRIMARY KEY,
                archive_name TEXT NOT NULL,
                manifest_sha256 TEXT NOT NULL,
                origin_case_id TEXT,
                origin_title TEXT,
                packed_by TEXT,
                packed_at TEXT,
                signer TEXT,
                redaction TEXT NOT NULL DEFAULT 'none',
                added INTEGER NOT NULL DEFAULT 0,
                updated INTEGER NOT NULL DEFAULT 0,
                unchanged INTEGER NOT NULL DEFAULT 0,
                conflicts INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL
            )""",
            """CREATE TABLE merge_conflicts (
                id TEXT PRIMARY KEY,
                merge_id TEXT NOT NULL REFERENCES merges(id),
                table_name TEXT NOT NULL,
                record_id TEXT NOT NULL,
                subject_type TEXT,
                mine TEXT NOT NULL,
                theirs TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'open',
                resolved_at TEXT,
                resolved_by TEXT,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                updated_at TEXT
            )""",
            "CREATE INDEX merge_conflicts_status ON merge_conflicts(status)",
            """CREATE TABLE imported_custody (
                merge_id TEXT NOT NULL REFERENCES merges(id),
                seq INTEGER NOT NULL,
                entry_id TEXT NOT NULL,
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
                hash TEXT NOT NULL,
                PRIMARY KEY (merge_id, seq)
            )""",
        ),
    ),
    Migration(
        COMPONENT,
        2,
        "merge conflicts of a record deleted there and edited here",
        (
            "ALTER TABLE merge_conflicts ADD COLUMN kind TEXT NOT NULL DEFAULT 'edited'",
            "ALTER TABLE merge_conflicts ADD COLUMN deletion TEXT",
        ),
    ),
    Migration(
        COMPONENT,
        3,
        "imported custody entries keep their signatures",
        (
            "ALTER TABLE imported_custody ADD COLUMN signer TEXT",
            "ALTER TABLE imported_custody ADD COLUMN actor_given INTEGER",
            "ALTER TABLE imported_custody ADD COLUMN signature TEXT",
        ),
    ),
    Migration(
        COMPONENT,
        4,
        "the record states each pack sent and each unpack or merge received",
        (
            """CREATE TABLE exchanged_states (
                manifest_sha256 TEXT NOT NULL,
                direction TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
                subject_type TEXT NOT NULL,
                subject_id TEXT NOT NULL,
                record_sha256 TEXT NOT NULL,
                PRIMARY KEY (manifest_sha256, direction, subject_type, subject_id)
            )""",
            "CREATE INDEX exchanged_states_subject ON exchanged_states(subject_id)",
        ),
    ),
)
