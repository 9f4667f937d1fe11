"""Two cases made from one packed case, where the other team deletes records of several kinds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from forensics.annotations.service import AnnotationService
from forensics.case import Case
from forensics.exchange.pack import pack_case
from forensics.exchange.unpack import unpack_archive
from forensics.provenance.manufacturers import add_manufacturer
from forensics.store import exchange as sx
from geoloc.hypotheses import HypothesisDraft, HypothesisService
from tests.forensics.exchange.helpers import TEAM_B, UNSIGNED, fill


@dataclass(frozen=True)
class Shared:
    """The records both cases start with (ids), and team B's archive after its deletions."""

    base: Path
    theirs: Path
    photo: str
    loose_item: str
    manufacturer: str
    gone: str
    """An annotation B deletes, with its link to the manufacturer."""
    mfr_link: str
    edited: str
    """An annotation B deletes and we edit: a conflict."""
    used: str
    """An annotation B deletes and we link to here: a conflict while our link points at it."""
    hypothesis: str
    geo_link: str


def _annotate(case: Case, photo: str, manufacturer: str) -> tuple[str, str, str, str]:
    svc = AnnotationService(case, actor="A")
    try:
        gone = svc.add(photo, -1, "box", [[10, 10], [60, 40]], "marking").annotation.id
        link = svc.link(gone, "manufacturer", manufacturer).id
        edited = svc.add(photo, -1, "box", [[70, 10], [120, 40]], "camera").annotation.id
        used = svc.add(photo, -1, "point", [[30, 30]], "landmark").annotation.id
    finally:
        svc.close()
    return gone, link, edited, used


def make_shared(case: Case, corpus: Path, tmp_path: Path) -> Shared:
    """Fill `case`, pack it, and let team B delete records in its copy and pack that."""
    filled = fill(case, corpus)
    loose = case.add_item(kind="hardware", name="loose cable", exhibit="EX-009").id
    mfr = add_manufacturer(case, name="Viewpro", country="CN", actor="A").id
    gone, mfr_link, edited, used = _annotate(case, filled.gps_photo, mfr)
    geo = HypothesisService(case)
    hyp = geo.add(
        HypothesisDraft(item_id=filled.gps_photo, methods="visual_landmark", lat=22.53, lon=113.93)
    ).id
    geo_link = geo.link(hyp, stance="supporting", kind="annotation", target_id=gone).id
    base = pack_case(case, tmp_path / "base.pwbcase").archive
    with Case.open(unpack_archive(base, tmp_path / "team-b", limits=UNSIGNED).dest) as theirs:
        svc = AnnotationService(theirs, actor="B")
        try:
            for ann in (gone, edited, used):
                svc.delete(ann, reason="wrong frame")
        finally:
            svc.close()
        HypothesisService(theirs).delete(hyp, actor="B", reason="refuted by the shadows")
        with theirs.transaction():
            sx.delete_ids(theirs.db, "items", [loose])
            theirs.custody.append(
                "item_deleted",
                "B",
                item_id=loose,
                subject=("item", loose),
                deleted=True,
                reason="entered twice",
            )
        archive = pack_case(theirs, tmp_path / "theirs.pwbcase", actor="B", key=TEAM_B).archive
    return Shared(
        base=base,
        theirs=archive,
        photo=filled.gps_photo,
        loose_item=loose,
        manufacturer=mfr,
        gone=gone,
        mfr_link=mfr_link,
        edited=edited,
        used=used,
        hypothesis=hyp,
        geo_link=geo_link,
    )


def diverge(case: Case, shared: Shared) -> str:
    """Our changes since the base: edit one annotation B deleted, link to another.

    Returns:
        The id of our new link to `shared.used`.
    """
    svc = AnnotationService(case, actor="A")
    try:
        svc.edit(shared.edited, {"note": "seen again on the second pass"})
        return svc.link(shared.used, "manufacturer", shared.manufacturer).id
    finally:
        svc.close()
