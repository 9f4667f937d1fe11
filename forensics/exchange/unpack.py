"""`pwb unpack`: open a received archive without trusting any of it first.

Order of checks, and why:
1. the zip's directory alone: every name must belong to the archive layout (so no `..`, no
   absolute path, no link, no directory entry, no duplicate), no encryption, no member that
   claims an inflation ratio beyond `MAX_RATIO`; nothing is inflated before this passes;
2. the manifest (read with a size cap): its signature, when present, against its exact bytes;
   its format version; its member list against the zip's, sizes against the headers; the total
   against the cap and the free disk space;
3. every member is streamed into a temporary folder beside DEST, counting what inflates (the
   headers' sizes are never trusted): past the manifest's size, past the ratio, past the total,
   it stops; at the end its sha256 and size must be the manifest's;
4. the records: SQLite's quick check, a schema this version knows, the custody chain and the
   record digests, and evidence files exactly those the items name.
Only then is the temporary folder renamed to DEST; any refusal removes it, so a refused or broken
unpack leaves nothing behind, and nothing is ever written outside DEST's parent folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from forensics.case import Case
from forensics.errors import ArchiveError, SchemaTooNewError, ValidationError
from forensics.exchange import archive as fmt
from forensics.exchange.signing import SignatureCheck
from forensics.exchange.signing import check as check_signature
from forensics.exchange.streams import CHUNK, ThreadedSha256
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.store import exchange as sx
from forensics.store.custody import Action
from forensics.store.db import check_not_newer, connect
from forensics.verify import VerifyReport, _check_chain, _check_records


@dataclass(frozen=True)
class Limits:
    """What an unpack accepts (the defaults suit real cases; tests lower them)."""

    max_total_bytes: int = fmt.DEFAULT_MAX_TOTAL
    max_ratio: int = fmt.MAX_RATIO
    trusted: dict[str, str] | None = None
    """fingerprint -> name of the keys whose signatures are accepted; None accepts any."""
    require_signature: bool = False


@dataclass(frozen=True)
class Received:
    """An archive checked and extracted into a folder that is a case."""

    root: Path
    manifest: fmt.Manifest
    manifest_sha256: str
    signature: SignatureCheck | None

    def to_json(self) -> dict[str, Any]:
        """What a reader needs to judge the archive."""
        return {
            "case_id": self.manifest.case_id,
            "title": self.manifest.case_title,
            "packed_by": self.manifest.packed_by,
            "packed_at": self.manifest.packed_at,
            "reason": self.manifest.reason,
            "format_version": self.manifest.format_version,
            "manifest_sha256": self.manifest_sha256,
            "members": len(self.manifest.members),
            "bytes": self.manifest.total_size,
            "selection": self.manifest.selection,
            "redaction": self.manifest.redaction,
            "signature": None if self.signature is None else self.signature.to_json(),
        }


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


def _ratio_problem(info: zipfile.ZipInfo, inflated: int, max_ratio: int) -> str | None:
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
        claimed = _ratio_problem(info, info.file_size, limits.max_ratio)
        if claimed:
            reasons.append(claimed)
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            reasons.append(f"{info.filename!r} is stored but its two sizes disagree")
    if fmt.MANIFEST not in seen:
        reasons.append("the archive has no manifest.json")
    return reasons


def _read_small(zf: zipfile.ZipFile, name: str, limit: int, limits: Limits) -> bytes:
    info = zf.getinfo(name)
    out = bytearray()
    with zf.open(info) as src:
        while chunk := src.read(CHUNK):
            out += chunk
            if len(out) > limit:
                raise ValueError(f"{name} is larger than {limit} bytes")
            problem = _ratio_problem(info, len(out), limits.max_ratio)
            if problem:
                raise ValueError(problem)
    return bytes(out)


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
            reasons.append(
                f"bad signature (claims {signature.signer}, key "
                f"{signature.fingerprint[:16]}): {signature.reason}"
            )
        elif limits.trusted is not None and signature.fingerprint not in limits.trusted:
            reasons.append(
                f"signed by {signature.signer} with key {signature.fingerprint[:16]}"
                ", which is not among the trusted keys"
            )
    elif limits.require_signature:
        reasons.append("the archive is not signed and a signature is required")
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
    if fmt.RECORDS not in listed:
        reasons.append("the archive holds no case.db")
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


def _extract(
    archive: Path,
    zf: zipfile.ZipFile,
    manifest: fmt.Manifest,
    root: Path,
    limits: Limits,
    progress: ProgressFn,
    cancel: CancelToken,
) -> None:
    """Step 3: stream every member into `root`, counting and hashing as it inflates."""
    total = manifest.total_size
    budget = min(total, limits.max_total_bytes)
    written_total = 0
    for member in manifest.members:
        info = zf.getinfo(member.name)
        target = root.joinpath(*member.name.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        hasher = ThreadedSha256()
        size = 0
        problem: str | None = None
        try:
            with os.fdopen(fd, "wb", buffering=0) as dst, zf.open(info) as src:
                while chunk := src.read(CHUNK):
                    cancel.raise_if_cancelled()
                    size += len(chunk)
                    written_total += len(chunk)
                    if size > member.size:
                        problem = (
                            f"{member.name!r} inflates past the {member.size} bytes the "
                            "manifest lists"
                        )
                    elif written_total > budget:
                        problem = f"the archive inflates past its {budget} bytes"
                    else:
                        problem = _ratio_problem(info, size, limits.max_ratio)
                    if problem:
                        break
                    hasher.update(chunk)
                    dst.write(chunk)
                    progress(written_total, total, member.name)
                os.fsync(dst.fileno())
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            problem = f"{member.name!r} is damaged or truncated ({exc})"
        finally:
            digest = hasher.hexdigest()
        if problem is None and size != member.size:
            problem = f"{member.name!r} holds {size} bytes; the manifest lists {member.size}"
        if problem is None and digest != member.sha256:
            problem = (
                f"{member.name!r} was changed after packing: its sha256 is {digest}, "
                f"the manifest lists {member.sha256}"
            )
        promised = fmt.member_sha(member.name)
        if problem is None and promised is not None and promised != digest:
            problem = f"{member.name!r} does not hold the content its name promises"
        if problem:
            raise refuse(archive, [problem])
        if member.role in (fmt.ROLE_EVIDENCE, fmt.ROLE_DERIVED):
            os.chmod(target, 0o444)


def _check_case(archive: Path, root: Path) -> None:
    """Step 4: the unpacked folder must be a sound case this version can read."""
    db = connect(root / fmt.RECORDS, readonly=True)
    try:
        problems = sx.integrity_problems(db)
        if problems:
            raise refuse(archive, [f"case.db is damaged: {p}" for p in problems[:10]])
        try:
            check_not_newer(db, root)
        except SchemaTooNewError as exc:
            raise refuse(archive, [str(exc).replace(str(root), "case.db")]) from exc
    finally:
        db.conn.close()
    for sub in ("evidence", "derived", "tmp"):
        (root / sub).mkdir(exist_ok=True)
    with Case.open(root) as case:
        report = VerifyReport()
        _check_chain(case, report)
        _check_records(case, report)
        shipped = {name for name, _ in case.evidence.stored_hashes()}
        named = {str(i.sha256) for i in case.items.content_items()}
        reasons = [f.message for f in report.findings]
        reasons += [
            f"evidence {sha} is named by an item but not in the archive"
            for sha in sorted(named - shipped)
        ]
        reasons += [
            f"evidence {sha} is in the archive but no item names it"
            for sha in sorted(shipped - named)
        ]
    if reasons:
        raise refuse(archive, reasons)


def receive(
    archive: Path,
    root: Path,
    *,
    limits: Limits | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> Received:
    """Check `archive` and extract it into the new, empty folder `root` (steps 1 to 4).

    The caller removes `root` when this raises.

    Raises:
        ArchiveError: the archive was refused; `reasons` lists why.
    """
    limits = limits or Limits()
    cancel = cancel or CancelToken()
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise refuse(
            archive, [f"not a readable zip archive, truncated or damaged ({exc})"]
        ) from exc
    with zf:
        manifest, manifest_bytes, signature = check_archive(archive, zf, root.parent, limits)
        _extract(archive, zf, manifest, root, limits, progress, cancel)
    _check_case(archive, root)
    return Received(root, manifest, hashlib.sha256(manifest_bytes).hexdigest(), signature)


@dataclass(frozen=True)
class UnpackResult:
    """A received archive, now a case at `dest`."""

    dest: Path
    received: Received
    custody_seq: int

    def to_json(self) -> dict[str, Any]:
        """As `pwb unpack --json` prints it."""
        return {"dest": str(self.dest), **self.received.to_json(), "custody_seq": self.custody_seq}


def unpack_archive(
    archive: Path,
    dest: Path,
    *,
    limits: Limits | None = None,
    actor: str | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> UnpackResult:
    """Check an archive and turn it into the case folder `dest`, all or nothing.

    Raises:
        ValidationError: `dest` exists and is not an empty folder.
        ArchiveError: the archive was refused (nothing is left at `dest`).
    """
    limits = limits or Limits()
    archive, dest = Path(archive), Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ValidationError(f"{dest}: already exists and is not an empty folder")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.unpack-", dir=dest.parent))
    try:
        received = receive(archive, tmp, limits=limits, progress=progress, cancel=cancel)
        with Case.open(tmp) as case, case.transaction():
            entry = case.custody.append(
                Action.TRANSFERRED,
                case.actor(actor),
                details={"received": archive.name, **received.to_json()},
                reason="archive received and unpacked",
            )
        if dest.exists():
            dest.rmdir()
        os.replace(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return UnpackResult(
        dest,
        Received(dest, received.manifest, received.manifest_sha256, received.signature),
        entry.seq,
    )
