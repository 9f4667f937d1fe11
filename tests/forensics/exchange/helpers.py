"""Building cases and doctored archives for the exchange tests."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forensics.case import Case
from forensics.exchange.archive_checks import Limits
from forensics.exchange.signing import SigningKey
from forensics.intake.ingest import IngestOptions, ingest_paths

GPS_JPEG = "exif-samples/jpg/gps/DSCN0010.jpg"
PLAIN_JPEG = "exif-samples/jpg/Canon_40D.jpg"


@dataclass
class Filled:
    """A small case: a drone with a camera component, two pictures, a derived file."""

    case: Case
    drone: str
    camera: str
    gps_photo: str
    plain_photo: str
    derived_sha: str


def fill(case: Case, corpus: Path) -> Filled:
    """Put a teardown tree, two ingested files and a derived file into `case`."""
    drone = case.add_item(kind="hardware", name="Gerbera drone", exhibit="EX-001")
    camera = case.add_item(
        kind="component",
        name="Viewpro A40",
        parent_id=drone.id,
        attributes={
            "latitude": 22.53412,
            "longitude": 113.93467,
            "gps": {"source": "exif"},
            "altitude": 35.0,
        },
    )
    report = ingest_paths(
        case,
        [str(corpus / GPS_JPEG), str(corpus / PLAIN_JPEG)],
        IngestOptions(parent_id=drone.id, post_ingest=()),
    )
    by_name = {Path(str(o.path)).name: o.item for o in report.outcomes}
    gps_item, plain_item = by_name["DSCN0010.jpg"], by_name["Canon_40D.jpg"]
    assert gps_item is not None
    assert plain_item is not None
    sha, _ = case.evidence.put_derived(
        b"\x89PNG fake thumbnail for " + gps_item.id.encode(), ".png"
    )
    case.edit_item(gps_item.id, {"attributes": {"thumbnail_sha256": sha}})
    return Filled(case, drone.id, camera.id, gps_item.id, plain_item.id, sha)


def members(archive: Path) -> dict[str, bytes]:
    """Every member of a zip, by name."""
    with zipfile.ZipFile(archive) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def rebuild(
    src: Path,
    dst: Path,
    *,
    replace: dict[str, bytes] | None = None,
    edit_manifest: Callable[[dict[str, Any]], None] | None = None,
    rehash: bool = False,
) -> Path:
    """Copy an archive, swapping member contents and editing the manifest.

    Args:
        replace: member name -> new bytes.
        edit_manifest: changes the manifest document in place.
        rehash: recompute the manifest's sha256 and size of replaced members (a consistent
            forgery), rather than leaving the manifest as packed (a changed member).
    """
    content = members(src)
    content.update(replace or {})
    manifest = json.loads(content["manifest.json"])
    if rehash:
        for m in manifest["members"]:
            m["sha256"] = hashlib.sha256(content[m["name"]]).hexdigest()
            m["size"] = len(content[m["name"]])
    if edit_manifest is not None:
        edit_manifest(manifest)
    if edit_manifest is not None or rehash:
        content["manifest.json"] = json.dumps(manifest, indent=1).encode()
    with zipfile.ZipFile(dst, "w") as zf:
        for name, data in content.items():
            zf.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return dst


def lines(archive: Path, table: str) -> list[dict[str, Any]]:
    """The records of one table's stream in an archive."""
    name = "custody.jsonl" if table == "custody" else f"records/{table}.jsonl"
    return [json.loads(line) for line in members(archive)[name].splitlines()]


def edit_stream(
    src: Path,
    dst: Path,
    table: str,
    edit: Callable[[list[dict[str, Any]]], list[dict[str, Any]] | bytes],
    *,
    recount: bool = True,
) -> Path:
    """A consistent forgery: `src` with one record stream rewritten by `edit` (which returns
    the new records, or raw bytes), the manifest re-hashed and, when `recount`, re-counted."""
    name = "custody.jsonl" if table == "custody" else f"records/{table}.jsonl"
    new = edit(lines(src, table))
    data = (
        new
        if isinstance(new, bytes)
        else b"".join(json.dumps(r, sort_keys=True).encode() + b"\n" for r in new)
    )

    def count(manifest: dict[str, Any]) -> None:
        if recount:
            manifest["records"][table] = len(data.splitlines())

    return rebuild(src, dst, replace={name: data}, edit_manifest=count, rehash=True)


def legacy_archive(src: Path, case: Case, dst: Path) -> Path:
    """`src` (format 2, packed from `case` as a whole) as format 1 made it: the records as an
    SQLite snapshot of the case, `case.db`, instead of record streams."""
    from forensics.store import exchange as sx

    snap = dst.with_suffix(".snapshot.db")
    sx.snapshot(case.db, snap)
    content = {
        k: v
        for k, v in members(src).items()
        if not k.startswith("records/") and k != "manifest.sig"
    }
    content["case.db"] = snap.read_bytes()
    snap.unlink()
    manifest = json.loads(content["manifest.json"])
    manifest["format_version"] = 1
    manifest.pop("records", None)
    manifest.pop("schema", None)
    manifest["members"] = [
        {
            "name": n,
            "role": "records" if n == "case.db" else n.split("/")[0].split(".")[0],
            "sha256": hashlib.sha256(d).hexdigest(),
            "size": len(d),
        }
        for n, d in content.items()
        if n != "manifest.json"
    ]
    content["manifest.json"] = json.dumps(manifest, indent=1).encode()
    with zipfile.ZipFile(dst, "w") as zf:
        for name, data in content.items():
            zf.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return dst


UNSIGNED = Limits(accept_unsigned=True)
"""The tests' archives are mostly unsigned: accepted knowingly, as `--accept-unsigned` does
(the core refuses an unsigned archive by default)."""


def _team_b() -> SigningKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return SigningKey("Team B", Ed25519PrivateKey.generate())


TEAM_B = _team_b()
"""Team B's signing key: a merge takes a change to our records only from a signed archive."""
