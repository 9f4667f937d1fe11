"""Schema of the 'provenance' component: manufacturers, components, links, sources, claims.

A component row extends its item (kind "component") and shares its id. Links are withdrawn,
never deleted, so an attribution that was once made stays on the record.
"""

from __future__ import annotations

from forensics.store.migrations import Migration

COMPONENT = "provenance"

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        COMPONENT,
        1,
        "manufacturers, components, manufacturer links, sources, claims, figures, citations",
        (
            """CREATE TABLE manufacturers (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                aliases TEXT NOT NULL DEFAULT '[]',
                country_code TEXT,
                country_name TEXT,
                region TEXT,
                city TEXT,
                notes TEXT,
                listing_status TEXT,
                listing_source_id TEXT,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            "CREATE INDEX manufacturers_name ON manufacturers(name COLLATE NOCASE)",
            """CREATE TABLE components (
                id TEXT PRIMARY KEY REFERENCES items(id),
                function TEXT NOT NULL,
                part_number TEXT,
                marking TEXT,
                date_code TEXT,
                lot_code TEXT,
                photo_item_ids TEXT NOT NULL DEFAULT '[]',
                notes TEXT,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            "CREATE INDEX components_part ON components(part_number COLLATE NOCASE)",
            """CREATE TABLE component_links (
                id TEXT PRIMARY KEY,
                component_id TEXT NOT NULL REFERENCES components(id),
                manufacturer_id TEXT NOT NULL REFERENCES manufacturers(id),
                basis TEXT NOT NULL,
                confidence TEXT NOT NULL,
                note TEXT,
                status TEXT NOT NULL DEFAULT 'active',
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            "CREATE INDEX component_links_component ON component_links(component_id)",
            "CREATE INDEX component_links_manufacturer ON component_links(manufacturer_id)",
            """CREATE TABLE sources (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                title TEXT NOT NULL,
                author TEXT,
                publisher TEXT,
                url TEXT,
                published TEXT,
                reliability TEXT NOT NULL,
                credibility INTEGER NOT NULL,
                notes TEXT,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            """CREATE TABLE claims (
                id TEXT PRIMARY KEY,
                source_id TEXT NOT NULL REFERENCES sources(id),
                text TEXT NOT NULL,
                claim_date TEXT,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL
            )""",
            "CREATE INDEX claims_source ON claims(source_id)",
            """CREATE TABLE figures (
                id TEXT PRIMARY KEY,
                what TEXT NOT NULL,
                value REAL NOT NULL,
                unit TEXT NOT NULL,
                as_of TEXT,
                claim_id TEXT REFERENCES claims(id),
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL
            )""",
            """CREATE TABLE citations (
                id TEXT PRIMARY KEY,
                source_id TEXT NOT NULL REFERENCES sources(id),
                target_type TEXT NOT NULL,
                target_id TEXT NOT NULL,
                locator TEXT,
                note TEXT,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL
            )""",
            "CREATE INDEX citations_target ON citations(target_type, target_id)",
            "CREATE INDEX citations_source ON citations(source_id)",
            """CREATE TABLE marking_decisions (
                id TEXT PRIMARY KEY,
                component_id TEXT NOT NULL REFERENCES components(id),
                pattern_id TEXT NOT NULL,
                manufacturer_name TEXT NOT NULL,
                matched_text TEXT NOT NULL,
                decision TEXT NOT NULL,
                link_id TEXT,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL
            )""",
        ),
    ),
)
