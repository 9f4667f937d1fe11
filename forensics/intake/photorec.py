"""PhotoRec run without its screens: the command, its progress, its DFXML report.

PhotoRec (Debian's `testdisk` package) carves files out of a disk image from their content
alone. It is driven here as its manual documents for scripts: `photorec /log /d OUT /cmd
IMAGE <partition>,options,...,fileopt,everything,disable,<type>,enable,...,freespace,search`.
`freespace` restricts it to the blocks its file-system code (FAT, exFAT, NTFS, ext2/3/4) finds
unallocated; whether it managed is read back from its log (`*_remove_used_space`), since on a
file system it does not know it silently carves the whole partition.

It writes `report.xml` (DFXML) with each file's size and byte runs (`img_offset` counts from
the start of the image), which is where a carved item's offsets come from. Progress is read
from the status line it draws ("Pass 1 - Reading sector 1043456/6291456"), which it only
draws for a terminal type it knows, so the run gets `TERM=xterm`. PhotoRec aborts without a
word on a file type it does not know: a log without "signatures enabled" is a failed run.
"""

from __future__ import annotations

import ctypes
import logging
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from forensics.errors import CarveError
from forensics.jobs import CancelToken, ProgressFn, no_progress

log = logging.getLogger(__name__)

CARVER = "PhotoRec"
FILE_TYPES = ("jpg", "mov", "png", "gif", "tif", "riff", "mkv", "mpg")
"""PhotoRec's families carved: JPEG; MOV/MP4/3GP (ISO media); PNG; GIF; TIFF and the camera raws
built on it; AVI/WAV (RIFF); Matroska/WebM; MPEG program and transport streams."""

_PROGRESS = re.compile(rb"Reading sector\s+(\d+)/(\d+)")
_STOP_GRACE_S = 5.0


@dataclass(frozen=True)
class CarvedFile:
    """One file PhotoRec cut out, as its report describes it."""

    path: Path
    """Where PhotoRec wrote it (inside the run's temporary folder)."""
    file_name: str
    """PhotoRec's name for it (`f<sector>.<ext>`: the sector counts from the partition)."""
    size: int
    byte_runs: tuple[tuple[int, int], ...]
    """(offset in the image, length) of each run, lengths cut to the file's size."""

    @property
    def offset(self) -> int:
        """Where its first byte lies in the image."""
        return self.byte_runs[0][0]


@dataclass(frozen=True)
class CarveRun:
    """What one PhotoRec run found and how far its free-space restriction held."""

    files: tuple[CarvedFile, ...]
    free_space_only: bool
    """False when PhotoRec could not tell used from free blocks and read the whole partition."""
    problems: tuple[str, ...]
    """Entries of its report that could not be used, one sentence each."""


def photorec_path() -> str:
    """The PhotoRec executable.

    Raises:
        CarveError: it is not installed.
    """
    found = shutil.which("photorec")
    if found is None:
        raise CarveError("PhotoRec is not installed (Debian package testdisk): nothing carved")
    return found


@cache
def photorec_version(executable: str) -> str:
    """PhotoRec's version as `photorec /version` prints it ("7.1")."""
    try:
        done = subprocess.run(
            [executable, "/version"],
            capture_output=True,
            timeout=30,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CarveError(f"PhotoRec does not start ({exc})") from exc
    found = re.search(rb"^Version:\s*(\S+)", done.stdout, re.MULTILINE)
    return found.group(1).decode("ascii", "replace") if found else "unknown"


def command(table: str, number: int | None, types: Sequence[str] = FILE_TYPES) -> str:
    """PhotoRec's `/cmd` script: one partition, chosen file types, free space only.

    Args:
        table: `partition_none` (a bare file system), `partition_i386` or `partition_gpt`.
        number: the partition's number in its table (None for a bare file system).
        types: PhotoRec file families to carve.
    """
    parts = [table]
    if number is not None:
        parts.append(str(number))
    parts += ["options", "paranoid", "keep_corrupted_file_no", "fileopt", "everything", "disable"]
    for t in types:
        parts += [t, "enable"]
    parts += ["freespace", "search"]
    return ",".join(parts)


def run_photorec(
    image: Path,
    work: Path,
    script: str,
    *,
    cancel: CancelToken,
    progress: ProgressFn = no_progress,
    label: str = "",
) -> CarveRun:
    """Run PhotoRec on `image` with `script` into the empty folder `work`.

    The caller owns `work` and removes it; on cancel the process is stopped (terminated, then
    killed) before `CancelledError` propagates, so nothing is still writing there.

    Raises:
        CarveError: PhotoRec is missing, failed, or wrote no usable report.
        CancelledError: the token was cancelled.
    """
    exe = photorec_path()
    out = work / "recup"
    env = {**os.environ, "TERM": "xterm", "LC_ALL": "C"}
    try:
        proc = subprocess.Popen(
            [exe, "/log", "/d", str(out.absolute()), "/cmd", os.path.abspath(image), script],
            cwd=work,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            # Its own session: a Ctrl-C at the terminal reaches the workbench, which stops it.
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    except OSError as exc:
        raise CarveError(f"PhotoRec does not start ({exc})") from exc
    try:
        _follow(proc, cancel, progress, label)
    finally:
        _stop(proc)
    cancel.raise_if_cancelled()
    log_text = _read_log(work)
    if proc.returncode != 0:
        raise CarveError(f"PhotoRec failed (exit {proc.returncode}): {_tail(log_text)}")
    if "signatures enabled" not in log_text:
        raise CarveError(f"PhotoRec did not accept its command ({script}): {_tail(log_text)}")
    files, problems = read_report(work)
    return CarveRun(files, "_remove_used_space" in log_text, problems)


_PR_SET_PDEATHSIG = 1
_prctl = (
    getattr(ctypes.CDLL(None, use_errno=True), "prctl", None) if sys.platform == "linux" else None
)
"""Resolved before any fork, so the child only calls a C function between fork and exec."""


def _die_with_parent() -> None:
    """In the child: get SIGKILL when the workbench dies (a kill -9 must not leave PhotoRec
    writing into the case's temporary folder for the rest of its run)."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _follow(
    proc: subprocess.Popen[bytes], cancel: CancelToken, progress: ProgressFn, label: str
) -> None:
    """Pass PhotoRec's status line on as progress until it exits; stop it on cancel."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    tail = b""
    while True:
        cancel.raise_if_cancelled()
        ready, _w, _x = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            proc.wait()
            return
        tail = (tail + chunk)[-4096:]
        found = list(_PROGRESS.finditer(tail))
        if found:
            done, total = int(found[-1].group(1)), int(found[-1].group(2))
            progress(min(done, total), total, label)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Make sure PhotoRec is gone: it is still running only when the run was cancelled."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(_STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def _read_log(work: Path) -> str:
    try:
        return (work / "photorec.log").read_text("utf-8", "replace")
    except OSError:
        return ""


def _tail(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " / ".join(lines[-3:]) if lines else "no log"


def read_report(work: Path) -> tuple[tuple[CarvedFile, ...], tuple[str, ...]]:
    """The carved files of PhotoRec's DFXML reports under `work` (`recup.N/report.xml`).

    A report entry is matched to a file PhotoRec wrote by name among the files actually in its
    output folders; the name is never used to build a path.

    Raises:
        CarveError: no report, or one that is not DFXML.
    """
    written: dict[str, Path] = {}
    reports: list[Path] = []
    for folder in sorted(work.glob("recup.*")):
        for entry in folder.iterdir():
            if entry.name == "report.xml":
                reports.append(entry)
            elif entry.is_file() and not entry.is_symlink():
                written[entry.name] = entry
    if not reports:
        raise CarveError("PhotoRec wrote no report.xml")
    files: list[CarvedFile] = []
    problems: list[str] = []
    for report in reports:
        try:
            root = ET.parse(report).getroot()
        except ET.ParseError as exc:
            raise CarveError(f"PhotoRec's report.xml is not XML ({exc})") from exc
        for obj in root.iter("fileobject"):
            carved = _file_object(obj, written)
            if isinstance(carved, str):
                problems.append(carved)
            else:
                files.append(carved)
    files.sort(key=lambda f: f.offset)
    return tuple(files), tuple(problems)


def _file_object(obj: ET.Element, written: dict[str, Path]) -> CarvedFile | str:
    name = (obj.findtext("filename") or "").strip()
    base = name.rsplit("/", 1)[-1]
    if base not in written:
        return f"report entry {name!r}: no such file written"
    try:
        size = int(obj.findtext("filesize") or "")
        runs_raw = [
            (int(r.attrib["img_offset"]), int(r.attrib["len"])) for r in obj.iter("byte_run")
        ]
    except (KeyError, ValueError):
        return f"report entry {name!r}: unreadable size or byte runs"
    if size <= 0 or not runs_raw or any(o < 0 or n <= 0 for o, n in runs_raw):
        return f"report entry {name!r}: no bytes"
    runs: list[tuple[int, int]] = []
    left = size
    for offset, length in runs_raw:
        if left <= 0:
            break
        runs.append((offset, min(length, left)))
        left -= runs[-1][1]
    if left > 0:
        return f"report entry {name!r}: its byte runs hold less than its {size} bytes"
    return CarvedFile(written[base], base, size, tuple(runs))
