"""Which derived files the case's records refer to, so `verify` can find one that went missing.

A derived file (a frame's PNG, its thumbnail, a picture's embedded thumbnail) is named by its
own sha256 in `derived/`. Re-hashing the files that are there finds a changed one; only the
records say which ones should be there, so a deleted one is found by reading them:
- `frames.png_sha256` and `frames.thumb_sha256` (frame extraction; PNGs);
- `media_metadata.facts -> thumbnail.sha256 / suffix` (the thumbnail extractor).

A table a case does not have (its feature not installed when it was made) refers to nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from forensics.store.database import Database


@dataclass(frozen=True)
class DerivedRef:
    """One derived file a record refers to."""

    sha256: str
    suffix: str
    owner: str
    """What refers to it, for the finding: "frame <id>", "metadata of item <id>"."""


def derived_refs(db: Database) -> list[DerivedRef]:
    """Every derived file the records refer to (read in the caller's transaction)."""
    tables = set(db.table_names())
    refs: list[DerivedRef] = []
    if "frames" in tables:
        for row in db.conn.execute(
            "SELECT id, item_id, png_sha256, thumb_sha256 FROM frames ORDER BY rowid"
        ):
            owner = f"frame {row['id']} of item {row['item_id']}"
            refs.append(DerivedRef(str(row["png_sha256"]), ".png", owner))
            if row["thumb_sha256"]:
                refs.append(DerivedRef(str(row["thumb_sha256"]), ".png", f"thumbnail of {owner}"))
    if "media_metadata" in tables:
        for row in db.conn.execute(
            "SELECT item_id, json_extract(facts, '$.thumbnail.sha256') AS sha, "
            "json_extract(facts, '$.thumbnail.suffix') AS suffix FROM media_metadata "
            "WHERE json_valid(facts) AND json_extract(facts, '$.thumbnail.sha256') IS NOT NULL "
            "ORDER BY rowid"
        ):
            refs.append(
                DerivedRef(
                    str(row["sha"]),
                    str(row["suffix"] or ".png"),
                    f"thumbnail in the metadata of item {row['item_id']}",
                )
            )
    return refs
