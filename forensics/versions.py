"""Which versions of which decoders produced a finding: collected on demand, never at start-up.

A court may ask which decoder produced a value: the same JPEG decoded by another libjpeg, a
video by another FFmpeg, an E01 read by another libewf can give other pixels, other frame
times, other files. So every derived record stores `stamp(...)` of the libraries that decoded
it, and `pwb --version --json` lists every one of them (`collect()`).

Nothing here imports a decoder at import time: a version is looked up the first time it is
asked for (then cached for the process), so `pwb` and the GUI start as fast as before. A
Python package's version comes from its installed distribution's metadata (what
`importlib.metadata` and `pip` report); a native library's from the library itself, as the
binding reports what it loaded (libavcodec from `av.library_versions`, libmediainfo from the
library pymediainfo loads, TSK from pytsk3, libewf from `pyewf.get_version()`).
"""

from __future__ import annotations

import functools
import logging
import platform
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forensics import __version__

log = logging.getLogger(__name__)

APP = "pwb"
"""Key of our own version (with the commit when known) in every stamp."""


@dataclass(frozen=True)
class Component:
    """One decoder or reader whose version can change what we find."""

    key: str
    """Stable key in `--version --json` and in records' `decoders`."""
    name: str
    """How people call it."""
    role: str
    """What it decodes or reads for us."""
    packages: tuple[str, ...] = ()
    """Python distributions that provide it (the first installed one counts); empty for a
    native library, whose version the binding reports."""
    part_of: str | None = None
    """Key of the component that ships or loads this native library."""


COMPONENTS: tuple[Component, ...] = (
    Component("python", "Python", "runs the parsers written in Python (DJI SRT, GoPro GPMF)"),
    Component("sqlite", "SQLite", "the case database", part_of="python"),
    Component("pillow", "Pillow", "image pixels: integrity, thumbnails, stills", ("pillow",)),
    Component("libjpeg-turbo", "libjpeg-turbo", "JPEG pixels", part_of="pillow"),
    Component("zlib", "zlib", "PNG pixels", part_of="pillow"),
    Component("zlib-ng", "zlib-ng", "PNG pixels (when Pillow is built with it)", part_of="pillow"),
    Component("libtiff", "libtiff", "compressed TIFF pixels", part_of="pillow"),
    Component("libwebp", "libwebp", "WebP pixels", part_of="pillow"),
    Component("libavif", "libavif", "AVIF pixels", part_of="pillow"),
    Component("openjpeg", "OpenJPEG", "JPEG 2000 pixels", part_of="pillow"),
    Component("pillow-heif", "pillow-heif", "HEIC/HEIF pixels", ("pillow-heif",)),
    Component("libheif", "libheif", "HEIC/HEIF pixels", part_of="pillow-heif"),
    Component("pillow-jxl-plugin", "pillow-jxl-plugin", "JPEG XL pixels", ("pillow-jxl-plugin",)),
    Component("exifread", "exifread", "EXIF tags, maker notes, GPS", ("exifread",)),
    Component(
        "opencv",
        "OpenCV",
        "video frames (pixels and their digests), colour conversion",
        ("opencv-python-headless", "opencv-python", "opencv-contrib-python-headless"),
    ),
    Component("opencv-libavcodec", "libavcodec (in OpenCV)", "video frames", part_of="opencv"),
    Component("opencv-libavformat", "libavformat (in OpenCV)", "video frames", part_of="opencv"),
    Component("opencv-libswscale", "libswscale (in OpenCV)", "video frames", part_of="opencv"),
    Component("pyav", "PyAV", "frame times, scene scans", ("av",)),
    Component("libavcodec", "libavcodec", "scene scans (decoding)", part_of="pyav"),
    Component("libavformat", "libavformat", "frame times (demuxing)", part_of="pyav"),
    Component("libavutil", "libavutil", "FFmpeg utilities", part_of="pyav"),
    Component("libswscale", "libswscale", "scene scans (scaling)", part_of="pyav"),
    Component("libswresample", "libswresample", "FFmpeg audio resampling", part_of="pyav"),
    Component("libavfilter", "libavfilter", "FFmpeg filters", part_of="pyav"),
    Component("libavdevice", "libavdevice", "FFmpeg devices", part_of="pyav"),
    Component("pymediainfo", "pymediainfo", "video container facts", ("pymediainfo",)),
    Component("libmediainfo", "MediaInfoLib", "video container facts", part_of="pymediainfo"),
    Component("pytsk3", "pytsk3", "files inside disk images", ("pytsk3",)),
    Component("tsk", "The Sleuth Kit", "files inside disk images", part_of="pytsk3"),
    Component("libewf-python", "libewf-python", "E01 images", ("libewf-python",)),
    Component("libewf", "libewf", "E01 images", part_of="libewf-python"),
    Component("photorec", "PhotoRec", "files carved from unallocated space (a program)"),
)
BY_KEY: dict[str, Component] = {c.key: c for c in COMPONENTS}


# our own version ----------------------------------------------------------------------------
@functools.cache
def commit() -> str | None:
    """The git commit of the checkout the code runs from, or None (an installed copy).

    Read from the `.git` files directly (no `git` process): HEAD, the ref it names, or
    `packed-refs`. Local changes on top of the commit are not detected.
    """
    try:
        return _head_commit(Path(__file__).resolve().parents[1] / ".git")
    except (OSError, ValueError) as exc:
        log.debug("no git commit: %s", exc)
        return None


def _head_commit(dot_git: Path) -> str | None:
    if dot_git.is_file():  # a worktree or submodule: "gitdir: <path>"
        target = dot_git.read_text("utf-8").strip().removeprefix("gitdir:").strip()
        dot_git = (dot_git.parent / target).resolve()
    if not dot_git.is_dir():
        return None
    head = (dot_git / "HEAD").read_text("utf-8").strip()
    if not head.startswith("ref:"):
        return head if _is_sha(head) else None
    ref = head.removeprefix("ref:").strip()
    common = dot_git
    if (dot_git / "commondir").is_file():
        common = (dot_git / (dot_git / "commondir").read_text("utf-8").strip()).resolve()
    for base in (dot_git, common):
        if (base / ref).is_file():
            value = (base / ref).read_text("utf-8").strip()
            return value if _is_sha(value) else None
    packed = common / "packed-refs"
    if packed.is_file():
        for line in packed.read_text("utf-8").splitlines():
            sha, _, name = line.partition(" ")
            if name.strip() == ref and _is_sha(sha):
                return sha
    return None


def _is_sha(text: str) -> bool:
    return re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", text) is not None


def app_version() -> str:
    """Our version as records store it: "0.1.0", plus " (commit 1a2b3c4d5e6f)" when known."""
    sha = commit()
    return __version__ if sha is None else f"{__version__} (commit {sha[:12]})"


# decoders ---------------------------------------------------------------------------------
def _dist(names: Iterable[str]) -> tuple[str, str] | None:
    # importlib.metadata costs ~15 ms to import (email, zipfile...): `pwb --version` needs
    # no distribution's version, only `collect()` does.
    from importlib import metadata

    for name in names:
        try:
            return name, metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def _pillow_lib(feature: str) -> str | None:
    from PIL import features

    return features.version(feature)


def _av_lib(name: str) -> str | None:
    import av

    found = av.library_versions.get(name)
    return ".".join(str(v) for v in found) if found else None


@functools.cache
def _opencv_ffmpeg() -> dict[str, str]:
    """The FFmpeg libraries OpenCV's video I/O was built with ("avcodec: YES (61.3.100)")."""
    import cv2

    info = cv2.getBuildInformation()
    found = re.findall(r"^\s*(avcodec|avformat|swscale):\s*YES \(([\d.]+)\)", info, re.M)
    return {f"opencv-lib{name}": version for name, version in found}


def _libheif() -> str | None:
    import pillow_heif

    return str(pillow_heif.libheif_version())


def _libmediainfo() -> str | None:
    from pymediainfo import MediaInfo

    # pymediainfo reads the loaded library's "Info_Version" to pick its behaviour; no public
    # accessor exists, and the handle it opens for that is freed here.
    lib, handle, text, _ = MediaInfo._get_library()
    lib.MediaInfo_Delete(handle)
    return str(text)


def _tsk() -> str | None:
    import pytsk3

    return str(pytsk3.TSK_VERSION_STR)


def _libewf() -> str | None:
    import pyewf

    return str(pyewf.get_version())


def _photorec() -> str | None:
    from forensics.intake.photorec import photorec_path, photorec_version

    return photorec_version(photorec_path())


def _sqlite() -> str:
    import sqlite3

    return sqlite3.sqlite_version


_NATIVE: dict[str, Callable[[], str | None]] = {
    "python": platform.python_version,
    "sqlite": _sqlite,
    "libjpeg-turbo": lambda: _pillow_lib("libjpeg_turbo"),
    "zlib": lambda: _pillow_lib("zlib"),
    "zlib-ng": lambda: _pillow_lib("zlib_ng"),
    "libtiff": lambda: _pillow_lib("libtiff"),
    "libwebp": lambda: _pillow_lib("webp"),
    "libavif": lambda: _pillow_lib("avif"),
    "openjpeg": lambda: _pillow_lib("jpg_2000"),
    "libheif": _libheif,
    "opencv-libavcodec": lambda: _opencv_ffmpeg().get("opencv-libavcodec"),
    "opencv-libavformat": lambda: _opencv_ffmpeg().get("opencv-libavformat"),
    "opencv-libswscale": lambda: _opencv_ffmpeg().get("opencv-libswscale"),
    **{
        key: functools.partial(_av_lib, key)
        for key in (
            "libavcodec",
            "libavformat",
            "libavutil",
            "libswscale",
            "libswresample",
            "libavfilter",
            "libavdevice",
        )
    },
    "libmediainfo": _libmediainfo,
    "tsk": _tsk,
    "libewf": _libewf,
    "photorec": _photorec,
}


@functools.cache
def version(key: str) -> str | None:
    """The version of one component, or None when it is not installed or cannot say.

    Raises:
        KeyError: not a component key.
    """
    component = BY_KEY[key]
    if component.packages:
        found = _dist(component.packages)
        return None if found is None else found[1]
    try:
        return _NATIVE[key]()
    except Exception as exc:  # a missing or broken binding: the version is unknown, not fatal
        log.info("no version for %s: %s", key, exc)
        return None


def stamp(*keys: str) -> dict[str, str]:
    """What a derived record stores: our version and the versions of the given components.

    Components that are not installed are left out (they cannot have decoded anything).
    """
    out = {APP: app_version()}
    for key in keys:
        found = version(key)
        if found is not None:
            out[key] = found
    return out


def label(key: str) -> str:
    """A component's display name ("libavcodec (in OpenCV)"), or the key itself."""
    if key == APP:
        return "Provenance Workbench"
    component = BY_KEY.get(key)
    return component.name if component else key


def describe(decoders: Mapping[str, str]) -> str:
    """A stamp as one line: "exifread 3.5.1, Provenance Workbench 0.1.0 (commit ...)"."""
    keys = sorted(decoders, key=lambda k: (k == APP, _ORDER.get(k, len(_ORDER)), k))
    return ", ".join(f"{label(k)} {decoders[k]}" for k in keys)


_ORDER = {c.key: i for i, c in enumerate(COMPONENTS)}


def collect() -> dict[str, Any]:
    """Every component's version, as `pwb --version --json` prints it.

    Returns:
        `{"name", "version", "commit", "components": {key: {"name", "version", "package",
        "part_of", "role"}}}`; a component's version is a string, or null when it is not
        installed.
    """
    components: dict[str, Any] = {}
    for c in COMPONENTS:
        found = _dist(c.packages) if c.packages else None
        components[c.key] = {
            "name": c.name,
            "version": version(c.key),
            "package": found[0] if found else (c.packages[0] if c.packages else None),
            "part_of": c.part_of,
            "role": c.role,
        }
    return {"name": APP, "version": __version__, "commit": commit(), "components": components}
