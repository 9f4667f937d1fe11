"""Rows of the annotations component: labels, tracks, annotations and links.

The queries annotations need. Records map to rows through their declarations
(`forensics.records.annotations`); they are written through `case.recording()` (see
`forensics.annotations.journal`), which derives the SQL and logs each write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from forensics.errors import NotFoundError
from forensics.records.annotations import (
    ANNOTATION,
    LABEL,
    LINK,
    TRACK,
    Annotation,
    AnnotationFilter,
    Label,
    Link,
    Track,
)

if TYPE_CHECKING:
    from forensics.store.database import Database


class AnnotationRepository:
    """SQL over the annotations component of one case database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # labels -------------------------------------------------------------------------------
    def labels(self) -> list[Label]:
        """The stored labels, in the order they were added."""
        rows = self._db.query("SELECT * FROM annotation_labels ORDER BY created_at, rowid")
        return [LABEL.from_row(r) for r in rows]

    # annotations --------------------------------------------------------------------------
    def find(self, annotation_id: str) -> Annotation | None:
        """An annotation by id, or None."""
        row = self._db.conn.execute(
            "SELECT * FROM annotations WHERE id = ?", (annotation_id,)
        ).fetchone()
        return None if row is None else ANNOTATION.from_row(row)

    def get(self, annotation_id: str) -> Annotation:
        """An annotation by id.

        Raises:
            NotFoundError: there is no such annotation.
        """
        found = self.find(annotation_id)
        if found is None:
            raise NotFoundError(f"no annotation {annotation_id}")
        return found

    def resolve_prefix(self, ref: str) -> Annotation:
        """An annotation by id or a unique prefix of one (as typed on the command line).

        Raises:
            NotFoundError: none, or several, match.
        """
        found = self.find(ref)
        if found is not None:
            return found
        rows = self._db.conn.execute(
            "SELECT * FROM annotations WHERE substr(id, 1, ?) = ? LIMIT 2", (len(ref), ref)
        ).fetchall()
        if len(rows) != 1:
            raise NotFoundError(
                f"no annotation {ref}" if not rows else f"several annotations start with {ref}"
            )
        return ANNOTATION.from_row(rows[0])

    def search(
        self, flt: AnnotationFilter | None = None, *, limit: int | None = None, offset: int = 0
    ) -> list[Annotation]:
        """Annotations matching a filter, by item, frame and creation."""
        where, params = self._where(flt or AnnotationFilter())
        sql = (
            f"SELECT a.* FROM annotations a{where} ORDER BY a.item_id, a.frame_index, "
            "a.created_at, a.id"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        return [ANNOTATION.from_row(r) for r in self._db.query(sql, params)]

    def count(self, flt: AnnotationFilter | None = None) -> int:
        """How many annotations match a filter."""
        where, params = self._where(flt or AnnotationFilter())
        row = self._db.conn.execute(f"SELECT COUNT(*) FROM annotations a{where}", params).fetchone()
        return int(row[0])

    def _where(self, flt: AnnotationFilter) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if flt.label is not None:
            clauses.append("a.label = ?")
            params.append(flt.label)
        if flt.item_id is not None:
            clauses.append("a.item_id = ?")
            params.append(flt.item_id)
        if flt.track_id is not None:
            clauses.append("a.track_id = ?")
            params.append(flt.track_id)
        if flt.frame_index is not None:
            clauses.append("a.frame_index = ?")
            params.append(flt.frame_index)
        if flt.link is not None:
            target_type, target_id = flt.link
            sub = "SELECT annotation_id FROM annotation_links WHERE target_type = ?"
            params.append(target_type)
            if target_id is not None:
                sub += " AND target_id = ?"
                params.append(target_id)
            clauses.append(f"a.id IN ({sub})")
        return ((" WHERE " + " AND ".join(clauses)) if clauses else ""), params

    def label_names_in_use(self) -> list[str]:
        """Every label some annotation carries."""
        return [
            r["label"]
            for r in self._db.query("SELECT DISTINCT label FROM annotations ORDER BY label")
        ]

    def last_used_label(self) -> str | None:
        """The label of the annotation made last, or None when there is none."""
        row = self._db.conn.execute(
            "SELECT label FROM annotations ORDER BY created_at DESC, rowid DESC LIMIT 1"
        ).fetchone()
        return None if row is None else str(row[0])

    def annotated_frames(self) -> list[dict[str, Any]]:
        """One row per annotated frame: item, index, pts, pixel sha256 and how many marks."""
        return list(
            self._db.query(
                "SELECT item_id, media_sha256, frame_index, MIN(pts) AS pts, frame_pixel_sha256, "
                "frame_width, frame_height, COUNT(*) AS count, "
                "GROUP_CONCAT(DISTINCT label) AS labels"
                " FROM annotations WHERE outside = 0 GROUP BY item_id, frame_index, "
                "frame_pixel_sha256 ORDER BY item_id, frame_index"
            )
        )

    # tracks -------------------------------------------------------------------------------
    def find_track(self, track_id: str) -> Track | None:
        """A track by id, or None."""
        row = self._db.conn.execute(
            "SELECT * FROM annotation_tracks WHERE id = ?", (track_id,)
        ).fetchone()
        return None if row is None else TRACK.from_row(row)

    def get_track(self, track_id: str) -> Track:
        """A track by id.

        Raises:
            NotFoundError: there is no such track.
        """
        found = self.find_track(track_id)
        if found is None:
            raise NotFoundError(f"no track {track_id}")
        return found

    def tracks(self, item_id: str | None = None) -> list[Track]:
        """Every track, or those on one item."""
        if item_id is None:
            rows = self._db.query("SELECT * FROM annotation_tracks ORDER BY created_at, id")
        else:
            rows = self._db.query(
                "SELECT * FROM annotation_tracks WHERE item_id = ? ORDER BY created_at, id",
                [item_id],
            )
        return [TRACK.from_row(r) for r in rows]

    def keyframes(self, track_id: str) -> list[Annotation]:
        """A track's annotations in frame order."""
        return [
            ANNOTATION.from_row(r)
            for r in self._db.query(
                "SELECT * FROM annotations WHERE track_id = ? ORDER BY frame_index, id", [track_id]
            )
        ]

    def item_ids_with_content(self, sha256: str) -> list[str]:
        """The items whose content has this sha256 (where imported marks can land)."""
        return [
            str(r[0])
            for r in self._db.conn.execute(
                "SELECT id FROM items WHERE sha256 = ? ORDER BY rowid", (sha256,)
            )
        ]

    def content_named(self, name: str) -> list[tuple[str, str]]:
        """(id, sha256) of the items with content called `name` (imports matched by name)."""
        return [
            (str(r[0]), str(r[1]))
            for r in self._db.conn.execute(
                "SELECT id, sha256 FROM items WHERE name = ? AND sha256 IS NOT NULL ORDER BY rowid",
                (name,),
            )
        ]

    # links --------------------------------------------------------------------------------
    def find_link(self, link_id: str) -> Link | None:
        """A link by id, or None."""
        row = self._db.conn.execute(
            "SELECT * FROM annotation_links WHERE id = ?", (link_id,)
        ).fetchone()
        return None if row is None else LINK.from_row(row)

    def links_of(self, annotation_id: str) -> list[Link]:
        """What one annotation supports."""
        return [
            LINK.from_row(r)
            for r in self._db.query(
                "SELECT * FROM annotation_links WHERE annotation_id = ? ORDER BY created_at, id",
                [annotation_id],
            )
        ]

    def links_to(self, target_type: str, target_id: str) -> list[Link]:
        """The links pointing at one record (following a link backwards)."""
        return [
            LINK.from_row(r)
            for r in self._db.query(
                "SELECT * FROM annotation_links WHERE target_type = ? AND target_id = ? "
                "ORDER BY created_at, id",
                [target_type, target_id],
            )
        ]
