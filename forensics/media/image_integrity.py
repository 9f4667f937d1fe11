"""Is the picture whole? A full decode plus Pillow's `verify()`, with bombs refused.

Each check catches what the other misses: a truncated JPEG passes `open()` and `verify()`
(verify does not decode JPEG scan data) and only `load()` fails; a PNG with a bad IDAT CRC
loads without complaint and only `verify()` notices. A header claiming more pixels than
`Image.MAX_IMAGE_PIXELS` is refused before any pixel buffer is allocated.

HEIC/HEIF and JPEG XL decode through Pillow plug-ins registered when such a file comes
(`image_decoders`). A camera raw (DNG, ARW...) is not decoded: its sensor data needs a raw
developer, so the record says "pixels not decoded" with the reason, gives the full-resolution
size from the raw's own directories, and checks the embedded preview instead.
"""

from __future__ import annotations

import dataclasses
import io
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from PIL import Image, ImageFile, JpegImagePlugin, UnidentifiedImageError

from forensics.media.cut_short import is_cut_short
from forensics.media.image_decoders import decoder_name, missing_decoders, prepare
from forensics.media.raw_tiff import RawLayout, read_raw_layout

NO_PILLOW_DECODER = missing_decoders()
"""Formats whose Pillow plug-in is not installed: "unsupported", which is not "damaged"."""


class ImageProblem(StrEnum):
    """The kind of a problem the check found, decided by us, never from a decoder's wording.

    The sentences in `ImageIntegrity.problems` quote the decoder for the examiner; these
    values are what scripts, tests and the GUI rely on, and they do not change when Pillow or
    a plug-in rewords an error.
    """

    TRUNCATED = "truncated"
    """The file ends before its own structure does (`cut_short`)."""
    CORRUPT = "corrupt"
    """A structure or checksum check failed (Pillow's `verify()`)."""
    BAD_HEADER = "bad_header"
    """The format's signature, but a header that does not decode."""
    UNDECODABLE = "undecodable"
    """The pixel data does not decode, though the file is whole."""
    DECOMPRESSION_BOMB = "decompression_bomb"
    """More pixels than the limit: refused before any were decoded."""
    NO_DECODER = "no_decoder"
    """No decoder for the format is installed: the pixels were not checked."""
    NOT_AN_IMAGE = "not_an_image"
    """Not a format any decoder recognises."""
    RAW_NOT_DEVELOPED = "raw_not_developed"
    """A camera raw: its sensor data needs a raw developer, which the workbench lacks."""


@dataclass(frozen=True)
class ImageIntegrity:
    """The outcome of decoding one image."""

    status: str
    """"ok", "damaged", "refused" (decompression bomb), "unsupported" or "unreadable"."""
    format: str | None = None
    width: int | None = None
    height: int | None = None
    mode: str | None = None
    frames: int | None = None
    problems: tuple[str, ...] = ()
    kinds: tuple[ImageProblem, ...] = ()
    """The kind of each problem, in the order of `problems`."""
    notes: tuple[str, ...] = ()
    """Library warnings that are not damage by themselves (e.g. Pillow on odd EXIF)."""
    decoder: str | None = None
    """The plug-in that decoded the pixels, when not Pillow itself (e.g. pillow-heif)."""
    orientation: str | None = None
    """A rotation the decoder applied because the format makes it part of the image."""
    raw: str | None = None
    """For a camera raw: its kind and the sensor data's encoding."""
    size_from: str | None = None
    """Where width/height were read when not from the decoded pixels."""
    preview: str | None = None
    """For a camera raw: the embedded preview that was checked instead, and how it went."""

    def facts(self) -> dict[str, Any]:
        """The image and integrity facts, grouped as they are stored."""
        image = {
            "format": self.format,
            "width": self.width,
            "height": self.height,
            "mode": self.mode,
            "frames": self.frames if (self.frames or 1) > 1 else None,
            "decoder": self.decoder,
            "orientation": self.orientation,
            "raw": self.raw,
            "size_from": self.size_from,
            "preview": self.preview,
        }
        integrity = {
            "status": self.status,
            "kinds": [k.value for k in self.kinds],
            "pixels": "; ".join(self.problems)
            if self.problems
            else ("decoded completely, verify() passed" if self.status == "ok" else None),
        }
        return {
            "image": {k: v for k, v in image.items() if v is not None},
            "integrity": {k: v for k, v in integrity.items() if v is not None},
        }


def check_image(
    data: bytes, mime: str | None = None, keep: Callable[[Image.Image], None] | None = None
) -> ImageIntegrity:
    """Decode an image fully and verify it.

    Args:
        data: the file's bytes.
        mime: the sniffed type, to tell an unsupported format from a damaged file.
        keep: given the completely decoded image when the decode succeeded, so the thumbnail
            can reuse its pixels instead of decoding the file again.

    Returns:
        The status and the problems found, each as a sentence naming the check that failed.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        result = _check(data, mime, keep)
    notes = tuple(dict.fromkeys(str(w.message) for w in caught))[:5]
    if notes:
        result = dataclasses.replace(result, notes=notes)
    return result


def _check(
    data: bytes, mime: str | None, keep: Callable[[Image.Image], None] | None
) -> ImageIntegrity:
    layout = read_raw_layout(data)
    if layout is not None:
        return _check_raw(data, layout)
    prepare(data[:64])
    try:
        image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        return ImageIntegrity(
            "refused",
            problems=(f"decompression bomb refused: {exc}",),
            kinds=(ImageProblem.DECOMPRESSION_BOMB,),
        )
    except UnidentifiedImageError:
        if mime in NO_PILLOW_DECODER:
            return ImageIntegrity(
                "unsupported",
                problems=(f"Pillow has no decoder for {mime}; pixels not checked",),
                kinds=(ImageProblem.NO_DECODER,),
            )
        if mime is not None and mime.startswith("image/"):
            return _unopened(data, mime, "its header does not decode")
        return ImageIntegrity(
            "unreadable",
            problems=("not a decodable image (the header is damaged or the format is unknown)",),
            kinds=(ImageProblem.NOT_AN_IMAGE,),
        )
    except Exception as exc:  # plug-ins raise RuntimeError too (pillow-jxl on a cut file)
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if mime is not None and mime.startswith("image/"):
            return _unopened(data, mime, reason)
        return ImageIntegrity(
            "unreadable",
            problems=(f"cannot open the image: {reason}",),
            kinds=(ImageProblem.NOT_AN_IMAGE,),
        )
    fmt, (width, height), mode = image.format, image.size, image.mode
    decoder = decoder_name(fmt)
    turned = image.info.get("original_orientation") if fmt == "HEIF" else None
    orientation = (
        f"HEIF rotation/mirroring applied by libheif (EXIF orientation {turned} as written)"
        if turned not in (None, 1)
        else None
    )
    frames = int(getattr(image, "n_frames", 1) or 1)
    problems: list[str] = []
    kinds: list[ImageProblem] = []
    # A JPEG's verify() checks nothing (Pillow's default only lets go of the file), so its
    # pixels are decoded from this opening instead of a second one.
    checks = type(image) is not JpegImagePlugin.JpegImageFile or (
        type(image).verify is not ImageFile.ImageFile.verify
    )
    if checks:
        try:
            image.verify()
        except Exception as exc:  # Pillow raises SyntaxError, OSError, struct.error...
            problems.append(f"verify() failed: {exc}")
            kinds.append(ImageProblem.CORRUPT)
        finally:
            image.close()
    try:
        again = Image.open(io.BytesIO(data)) if checks else image
        try:
            again.load()
        except BaseException:
            again.close()
            raise
        if keep is None:
            again.close()
        else:
            keep(again)  # not closed: closing frees the pixels the thumbnail will reuse
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        return ImageIntegrity(
            "refused",
            fmt,
            width,
            height,
            mode,
            frames,
            (f"decompression bomb refused: {exc}",),
            (ImageProblem.DECOMPRESSION_BOMB,),
            decoder=decoder,
        )
    except Exception as exc:  # decoders raise OSError, ValueError, SyntaxError...
        if is_cut_short(data):
            problems.append(f"pixel data truncated: the file ends early ({exc})")
            kinds.append(ImageProblem.TRUNCATED)
        else:
            problems.append(f"the pixels do not decode: {exc}")
            kinds.append(ImageProblem.UNDECODABLE)
    status = "damaged" if problems else "ok"
    return ImageIntegrity(
        status,
        fmt,
        width,
        height,
        mode,
        frames,
        tuple(problems),
        tuple(kinds),
        decoder=decoder,
        orientation=orientation,
    )


def _unopened(data: bytes, mime: str, reason: str) -> ImageIntegrity:
    """An image whose header did not decode: cut short, or damaged where it stands."""
    kind = mime.removeprefix("image/").upper()
    if is_cut_short(data):
        return ImageIntegrity(
            "damaged",
            problems=(f"truncated {kind}: the file ends early ({reason})",),
            kinds=(ImageProblem.TRUNCATED,),
        )
    return ImageIntegrity(
        "damaged", problems=(f"corrupt {kind}: {reason}",), kinds=(ImageProblem.BAD_HEADER,)
    )


def _check_raw(data: bytes, layout: RawLayout) -> ImageIntegrity:
    """A camera raw: say why its pixels are not decoded, and check its embedded preview."""
    what = f"{layout.kind} sensor data"
    if layout.encoding:
        what += f" ({layout.encoding})"
    problems = [
        f"pixels not decoded: {what} needs a raw developer, which the workbench does not have"
    ]
    kinds = [ImageProblem.RAW_NOT_DEVELOPED]
    if layout.problems:
        problems.append("the file looks cut short: " + "; ".join(layout.problems[:3]))
        kinds.append(ImageProblem.TRUNCATED)
    return ImageIntegrity(
        "damaged" if layout.problems else "unsupported",
        "TIFF (camera raw)",
        layout.width,
        layout.height,
        problems=tuple(problems),
        kinds=tuple(kinds),
        raw=f"{layout.kind}, {layout.encoding}" if layout.encoding else layout.kind,
        size_from=layout.size_from,
        preview=_preview(data, layout),
    )


def _preview(data: bytes, layout: RawLayout) -> str:
    """The largest embedded preview that decodes, or why none does."""
    candidates: list[tuple[str, bytes]] = [
        (f"{p.where} JPEG preview", data[p.offset : p.offset + p.length]) for p in layout.previews
    ]
    if layout.ifd0_is_preview:
        candidates.append(("IFD0 reduced-resolution image", data))
    if not candidates:
        return "no embedded preview within the file"
    best: tuple[int, str] | None = None
    failures: list[str] = []
    for where, blob in candidates:
        try:
            with Image.open(io.BytesIO(blob)) as image:
                image.load()
                size = image.size
        except Exception as exc:  # decoders raise OSError, ValueError, SyntaxError...
            failures.append(f"{where}: {exc}")
            continue
        text = f"{size[0]}x{size[1]} {where}, decoded completely"
        if best is None or size[0] * size[1] > best[0]:
            best = (size[0] * size[1], text)
    if best is not None:
        return best[1]
    return "no embedded preview decodes (" + "; ".join(failures[:2]) + ")"
