"""Steps 1 and 2 of receiving an archive: its zip directory and its manifest, nothing inflated.

Every name must belong to the archive layout (so no `..`, no absolute path, no link, no
directory entry, no duplicate), no member may be encrypted or claim an inflation ratio beyond
`Limits.max_ratio`; the manifest (read with a size cap) must carry a valid signature when
one is present or required, list exactly the zip's members with the headers' sizes, and fit
under the size cap and the free disk space. Each check collects every reason it finds, so a
refusal says everything that is wrong at once.
"""

from __future__ import annotations

import json
import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from forensics.errors import ArchiveError
from forensics.exchange import archive as fmt
from forensics.exchange import record_stream as streams
from forensics.exchange.signing import SignatureCheck
from forensics.exchange.signing import check as check_signature
from forensics.exchange.streams import CHUNK


@dataclass(frozen=True)
class Limits:
    """What an unpack accepts (the defaults suit real cases; tests lower them)."""

    max_total_bytes: int = fmt.DEFAULT_MAX_TOTAL
    max_ratio: int = fmt.MAX_RATIO
    trusted: dict[str, str] | None = None
    """fingerprint -> name of the keys whose signatures are accepted; None accepts any."""
    require_signature: bool = False
    max_members: int = fmt.MAX_MEMBERS
    """Most members an archive may hold, small ones included."""
    accept_unsigned: bool = False
    """True accepts an archive with no signature, knowingly (`--accept-unsigned`, the GUI's
    question); by default anyone could have made one, so it is refused."""
    max_records: int = streams.DEFAULT_MAX_RECORDS
    """Most records (stream lines) an archive may carry."""
    max_line_bytes: int = streams.DEFAULT_MAX_LINE_BYTES
    """Longest line (one record) a record stream may hold."""
    max_record_bytes: int = streams.DEFAULT_MAX_STREAM_BYTES
    """Most bytes the record streams (and format 1's database) may hold together."""

    @property
    def streams(self) -> streams.StreamLimits:
        """The bounds on reading record streams."""
        return streams.StreamLimits(self.max_records, self.max_line_bytes)


def refuse(archive: Path, reasons: list[str]) -> ArchiveError:
    """The error for a refused archive, naming it and listing every reason."""
    return ArchiveError(
        f"{archive.name}: refused ({len(reasons)} reason(s)): " + "; ".join(reasons), reasons
    )


def name_problems(info: zipfile.ZipInfo) -> list[str]:
    """Why a zip entry's name or type has no place in an archive (empty when fine)."""
    name = info.filename
    out = []
    mode = (info.external_attr >> 16) & 0o170000
    if mode == stat.S_IFLNK:
        out.append(f"{name!r} is a symbolic link")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        out.append(f"{name!r} is an absolute path")
    if "\\" in name or "\0" in name:
        out.append(f"{name!r} holds a backslash or NUL")
    if ".." in PurePosixPath(name).parts:
        out.append(f"{name!r} climbs out of the destination with '..'")
    if name.endswith("/"):
        out.append(f"{name!r} is a directory entry")
    if not out and name not in (fmt.MANIFEST, fmt.SIGNATURE) and fmt.member_role(name) is None:
        out.append(f"{name!r} is not part of the archive layout")
    if info.flag_bits & 0x1:
        out.append(f"{name!r} is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        out.append(f"{name!r} uses an unsupported compression method ({info.compress_type})")
    return out


def ratio_problem(info: zipfile.ZipInfo, inflated: int, max_ratio: int) -> str | None:
    """Why a member that has inflated to `inflated` bytes is a compression bomb, if it is."""
    if inflated > max(max_ratio * max(info.compress_size, 1), fmt.RATIO_GRACE):
        ratio = inflated // max(info.compress_size, 1)
        return (
            f"{info.filename!r} inflates more than {max_ratio}:1 ({ratio}:1 after "
            f"{inflated} bytes): a compression bomb"
        )
    return None


def _check_directory(zf: zipfile.ZipFile, limits: Limits) -> list[str]:
    reasons: list[str] = []
    seen: set[str] = set()
    for info in zf.infolist():
        reasons.extend(name_problems(info))
        if info.filename in seen:
            reasons.append(f"{info.filename!r} appears twice")
        seen.add(info.filename)
        claimed = ratio_problem(info, info.file_size, limits.max_ratio)
        if claimed:
            reasons.append(claimed)
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            reasons.append(f"{info.filename!r} is stored but its two sizes disagree")
    if fmt.MANIFEST not in seen:
        reasons.append("the archive has no manifest.json")
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        reasons.append(
            f"the archive holds {len(infos)} members, over the limit of {limits.max_members}"
        )
    claimed = overall_ratio_problem(
        sum(i.file_size for i in infos), sum(i.compress_size for i in infos), limits.max_ratio
    )
    if claimed:
        reasons.append(claimed)
    return reasons


def overall_ratio_problem(inflated: int, compressed: int, max_ratio: int) -> str | None:
    """Why the whole archive is a compression bomb, if it is: many small members, each under
    the per-member grace, must not add up to what one large member may not do."""
    if inflated > max(max_ratio * max(compressed, 1), fmt.RATIO_GRACE):
        return (
            f"the archive's members together inflate more than {max_ratio}:1 "
            f"({inflated // max(compressed, 1)}:1 after {inflated} bytes): a compression bomb"
        )
    return None


def _read_small(zf: zipfile.ZipFile, name: str, limit: int, limits: Limits) -> bytes:
    info = zf.getinfo(name)
    out = bytearray()
    with zf.open(info) as src:
        while chunk := src.read(CHUNK):
            out += chunk
            if len(out) > limit:
                raise ValueError(f"{name} is larger than {limit} bytes")
            problem = ratio_problem(info, len(out), limits.max_ratio)
            if problem:
                raise ValueError(problem)
    return bytes(out)


def _records_problems(manifest: fmt.Manifest, limits: Limits) -> list[str]:
    """Format 2 carries record streams and never a database; format 1 a database only."""
    names = {m.name for m in manifest.members if m.role in (fmt.ROLE_RECORDS, fmt.ROLE_CUSTODY)}
    if manifest.format_version <= fmt.LEGACY_DATABASE_VERSION:
        wanted = {fmt.RECORDS}
        extra = sorted(names - {fmt.RECORDS, fmt.CUSTODY})
        out = [f"{n!r} has no place in a format-1 archive" for n in extra]
    else:
        wanted = {streams.stream_name(t) for t in manifest.records or {}}
        wanted.add(fmt.CUSTODY)
        out = [
            f"{n!r}: a format-{manifest.format_version} archive carries records, never a database"
            for n in sorted(names & {fmt.RECORDS})
        ]
        out += [
            f"{n!r} is not among the record streams the manifest counts"
            for n in sorted(names - wanted - {fmt.RECORDS})
        ]
    out += [f"the archive holds no {n}" for n in sorted(wanted - names)]
    size = sum(m.size for m in manifest.members if m.name in names)
    if size > limits.max_record_bytes:
        out.append(f"the records take {size} bytes, over the limit of {limits.max_record_bytes}")
    return out


def check_archive(
    archive: Path, zf: zipfile.ZipFile, dest_parent: Path, limits: Limits
) -> tuple[fmt.Manifest, bytes, SignatureCheck | None]:
    """Steps 1 and 2: the directory and the manifest, before any member is inflated.

    Raises:
        ArchiveError: with every reason found.
    """
    reasons = _check_directory(zf, limits)
    if reasons:
        raise refuse(archive, reasons)
    try:
        manifest_bytes = _read_small(zf, fmt.MANIFEST, fmt.MAX_MANIFEST_BYTES, limits)
        sig_bytes = (
            _read_small(zf, fmt.SIGNATURE, 1 << 16, limits)
            if fmt.SIGNATURE in zf.namelist()
            else None
        )
    except (ValueError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise refuse(archive, [f"manifest unreadable: {exc}"]) from exc
    signature = None
    if sig_bytes is not None:
        signature = check_signature(manifest_bytes, sig_bytes)
        if not signature.valid:
            reasons.append(f"bad signature (key {signature.fingerprint}): {signature.reason}")
        elif limits.trusted is not None and signature.fingerprint not in limits.trusted:
            reasons.append(
                f"signed with key {signature.fingerprint}, which is not among the trusted keys"
            )
    elif limits.require_signature:
        reasons.append("the archive is not signed and a signature is required")
    elif not limits.accept_unsigned:
        reasons.append(
            "the archive is not signed: anyone could have made it; accept it only knowingly "
            "(--accept-unsigned, which the custody log records)"
        )
    try:
        doc = json.loads(manifest_bytes)
    except ValueError as exc:
        raise refuse(archive, [*reasons, f"manifest.json is not JSON ({exc})"]) from exc
    manifest, problems = fmt.parse_manifest(doc)
    reasons.extend(problems)
    if manifest is None:
        raise refuse(archive, reasons)
    listed = {m.name: m for m in manifest.members}
    present = {
        i.filename: i for i in zf.infolist() if i.filename not in (fmt.MANIFEST, fmt.SIGNATURE)
    }
    for name in sorted(set(listed) - set(present)):
        reasons.append(f"{name!r} is listed in the manifest but missing from the archive")
    for name in sorted(set(present) - set(listed)):
        reasons.append(f"{name!r} is in the archive but not in the manifest")
    for name in sorted(set(listed) & set(present)):
        if present[name].file_size != listed[name].size:
            reasons.append(
                f"{name!r}: the manifest says {listed[name].size} bytes, the zip "
                f"header {present[name].file_size}"
            )
    reasons.extend(_records_problems(manifest, limits))
    total = manifest.total_size
    if total > limits.max_total_bytes:
        reasons.append(
            f"the archive would unpack to {total} bytes, over the limit of {limits.max_total_bytes}"
        )
    free = shutil.disk_usage(dest_parent).free
    if total > free:
        reasons.append(f"the archive needs {total} bytes; {free} are free at {dest_parent}")
    if reasons:
        raise refuse(archive, reasons)
    return manifest, manifest_bytes, signature
