"""Which decoder reads an image's pixels: Pillow, plus plug-ins registered only when needed.

Pillow 13 decodes AVIF itself (libavif) but neither HEIC/HEIF nor JPEG XL; `pillow-heif`
(libheif with libde265) and `pillow-jxl-plugin` (jxl-oxide) add them. Importing a plug-in
costs tens of milliseconds and loads native libraries, so nothing here imports one until a
file whose first bytes need it is about to be opened: starting `pwb` or the GUI, or reading
JPEGs all day, never pays for them. Every caller that hands bytes or a path to
`Image.open` calls `prepare()` first, so the integrity check, the thumbnail, the still viewer
and the annotation anchors all decode the same pixels.

16-bit greyscale images (JPEG XL from thermal and industrial cameras, 16-bit PNG) are scaled
to 8 bits here, because Pillow's own `convert("RGB")` clips every value above 255 to white.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from importlib import metadata
from pathlib import Path

from PIL import Image, features

log = logging.getLogger(__name__)

HEIF = "heif"
JXL = "jxl"
_PLUGIN_MODULES = {HEIF: "pillow_heif", JXL: "pillow_jxl"}
_PLUGIN_DISTS = {HEIF: "pillow-heif", JXL: "pillow-jxl-plugin"}
_PLUGIN_MIMES = {HEIF: "image/heic", JXL: "image/jxl"}
_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"mif2"}
)
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_JXL_CODESTREAM = b"\xff\x0a"
_JXL_CONTAINER = b"\x00\x00\x00\x0cJXL \r\n\x87\n"
_SIXTEEN_BIT = frozenset({"I;16", "I;16L", "I;16B", "I;16N", "I"})

_lock = threading.Lock()
_registered: set[str] = set()


def plugin_for(head: bytes) -> str | None:
    """The plug-in that content beginning with `head` needs, or None when Pillow suffices.

    Args:
        head: the file's first bytes (64 are plenty; the ISO-BMFF `ftyp` box is read whole
            when it fits).
    """
    if head.startswith((_JXL_CODESTREAM, _JXL_CONTAINER)):
        return JXL
    if head[4:8] != b"ftyp" or len(head) < 12:
        return None
    major = head[8:12]
    if major in _AVIF_BRANDS:
        return None  # Pillow's own AVIF plug-in
    size = int.from_bytes(head[0:4], "big")
    compatible = {head[i : i + 4] for i in range(16, min(size, len(head)) - 3, 4)}
    if major in _HEIF_BRANDS or compatible & _HEIF_BRANDS:
        return HEIF
    return None


def available(plugin: str) -> bool:
    """True when the plug-in is installed (checked without importing it)."""
    return importlib.util.find_spec(_PLUGIN_MODULES[plugin]) is not None


def missing_decoders() -> tuple[str, ...]:
    """The MIME types whose pixels cannot be decoded here because a plug-in is missing."""
    return tuple(mime for p, mime in _PLUGIN_MIMES.items() if not available(p))


def prepare(head: bytes) -> str | None:
    """Register the Pillow plug-in that content beginning with `head` needs, once.

    Returns:
        The plug-in used ("heif", "jxl"), or None when Pillow decodes it alone or the
        plug-in is not installed (then `Image.open` fails as for any unknown format).
    """
    plugin = plugin_for(head)
    if plugin is None:
        return None
    with _lock:
        if plugin in _registered:
            return plugin
        try:
            _register(plugin)
        except ImportError as exc:
            log.warning("no %s decoder: %s", plugin, exc)
            return None
        _registered.add(plugin)
    log.debug("registered the %s Pillow plug-in", plugin)
    return plugin


def _register(plugin: str) -> None:
    if plugin == HEIF:
        import pillow_heif

        # Pillow's MAX_IMAGE_PIXELS still refuses bombs; libheif keeps its own limits too.
        pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)
    else:
        import pillow_jxl  # noqa: F401  (registers itself with Pillow on import)


def prepare_path(path: Path | bytes | str) -> str | None:
    """`prepare()` for a file on disk, reading only its first bytes."""
    with open(os.fsdecode(path), "rb") as fh:
        return prepare(fh.read(64))


def decoder_name(image_format: str | None) -> str | None:
    """Which library decoded pixels of this Pillow format, when it is not Pillow itself.

    The decoded pixels (hence their digests) depend on that library's version, so the
    record names it.
    """
    if image_format == "HEIF":
        return f"pillow-heif {_version(HEIF)} ({_libheif()})"
    if image_format == "JXL":
        return f"pillow-jxl-plugin {_version(JXL)}"
    if image_format == "AVIF":
        return f"Pillow (libavif {features.version('avif')})"
    return None


_FORMAT_LIBRARIES: dict[str, tuple[str, ...]] = {
    "JPEG": ("libjpeg-turbo",),
    "MPO": ("libjpeg-turbo",),
    "PNG": ("zlib", "zlib-ng"),
    "TIFF": ("libtiff", "libjpeg-turbo", "zlib", "zlib-ng"),
    "WEBP": ("libwebp",),
    "AVIF": ("libavif",),
    "JPEG2000": ("openjpeg",),
    "HEIF": ("pillow-heif", "libheif"),
    "JXL": ("pillow-jxl-plugin",),
}


def decoder_stamp(image_format: str | None) -> dict[str, str]:
    """The versions of what decodes pixels of this Pillow format, for the record.

    Pillow itself always; the codec library it hands the format to (libjpeg-turbo for JPEG,
    libtiff and the codecs a TIFF's strips may use...), or the plug-in and its library.
    """
    from forensics import versions

    return versions.stamp("pillow", *_FORMAT_LIBRARIES.get(image_format or "", ()))


def plugin_versions() -> str:
    """The installed plug-ins and versions, for extractor version strings."""
    parts = [f"{_PLUGIN_DISTS[p]} {_version(p)}" for p in _PLUGIN_DISTS if available(p)]
    return ", ".join(parts) if parts else "no plug-ins"


def _version(plugin: str) -> str:
    try:
        return metadata.version(_PLUGIN_DISTS[plugin])
    except metadata.PackageNotFoundError:
        return "unknown"


def _libheif() -> str:
    import pillow_heif

    return f"libheif {pillow_heif.libheif_version()}"


def to_eight_bit(image: Image.Image) -> Image.Image:
    """The image with 16-bit (or 32-bit integer) greyscale scaled to 8-bit "L"; others as is.

    Pillow's conversions from "I;16"/"I" to "L" or "RGB" clip at 255 instead of scaling,
    which turns most of a 16-bit picture white.
    """
    if image.mode not in _SIXTEEN_BIT:
        return image
    import numpy as np  # here: the ingesting process chooses extractors without numpy

    values = np.asarray(image, dtype=np.uint32)
    scaled = np.clip((values + 128) // 257, 0, 255).astype(np.uint8)
    return Image.fromarray(scaled)


def to_rgb(image: Image.Image, *, keep_alpha: bool = False) -> Image.Image:
    """8-bit RGB (or RGBA when `keep_alpha` and the image has alpha) of a loaded image."""
    image = to_eight_bit(image)
    if keep_alpha and "A" in image.getbands():
        return image if image.mode == "RGBA" else image.convert("RGBA")
    return image if image.mode == "RGB" else image.convert("RGB")
