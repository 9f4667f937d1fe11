"""Is the picture whole? A full decode plus Pillow's `verify()`, with bombs refused.

Each check catches what the other misses: a truncated JPEG passes `open()` and `verify()`
(verify does not decode JPEG scan data) and only `load()` fails; a PNG with a bad IDAT CRC
loads without complaint and only `verify()` notices. A header claiming more pixels than
`Image.MAX_IMAGE_PIXELS` is refused before any pixel buffer is allocated.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

from PIL import Image, UnidentifiedImageError

NO_PILLOW_DECODER = ("image/heic", "image/jxl")
"""Formats Pillow cannot decode without plug-ins: "unsupported", which is not "damaged"."""


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
    notes: tuple[str, ...] = ()
    """Library warnings that are not damage by themselves (e.g. Pillow on odd EXIF)."""

    def facts(self) -> dict[str, Any]:
        """The image and integrity facts, grouped as they are stored."""
        image = {
            "format": self.format,
            "width": self.width,
            "height": self.height,
            "mode": self.mode,
            "frames": self.frames if (self.frames or 1) > 1 else None,
        }
        integrity = {
            "status": self.status,
            "pixels": "; ".join(self.problems)
            if self.problems
            else ("decoded completely, verify() passed" if self.status == "ok" else None),
        }
        return {
            "image": {k: v for k, v in image.items() if v is not None},
            "integrity": {k: v for k, v in integrity.items() if v is not None},
        }


def check_image(data: bytes, mime: str | None = None) -> ImageIntegrity:
    """Decode an image fully and verify it.

    Args:
        data: the file's bytes.
        mime: the sniffed type, to tell an unsupported format from a damaged file.

    Returns:
        The status and the problems found, each as a sentence naming the check that failed.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        result = _check(data, mime)
    notes = tuple(dict.fromkeys(str(w.message) for w in caught))[:5]
    if notes:
        result = ImageIntegrity(
            result.status,
            result.format,
            result.width,
            result.height,
            result.mode,
            result.frames,
            result.problems,
            notes,
        )
    return result


def _check(data: bytes, mime: str | None) -> ImageIntegrity:
    try:
        image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        return ImageIntegrity("refused", problems=(f"decompression bomb refused: {exc}",))
    except UnidentifiedImageError:
        if mime in NO_PILLOW_DECODER:
            return ImageIntegrity(
                "unsupported", problems=(f"Pillow has no decoder for {mime}; pixels not checked",)
            )
        if mime is not None and mime.startswith("image/"):
            kind = mime.removeprefix("image/").upper()
            return ImageIntegrity(
                "damaged",
                problems=(
                    f"corrupt {kind}: it has a {kind} signature but its header does not decode",
                ),
            )
        return ImageIntegrity(
            "unreadable",
            problems=("not a decodable image (the header is damaged or the format is unknown)",),
        )
    except (OSError, ValueError, SyntaxError) as exc:
        return ImageIntegrity("unreadable", problems=(f"cannot open the image: {exc}",))
    fmt, (width, height), mode = image.format, image.size, image.mode
    frames = int(getattr(image, "n_frames", 1) or 1)
    problems: list[str] = []
    try:
        image.verify()
    except Exception as exc:  # Pillow raises SyntaxError, OSError, struct.error...
        problems.append(f"verify() failed: {exc}")
    finally:
        image.close()
    try:
        with Image.open(io.BytesIO(data)) as again:
            again.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        return ImageIntegrity(
            "refused", fmt, width, height, mode, frames, (f"decompression bomb refused: {exc}",)
        )
    except Exception as exc:  # decoders raise OSError, ValueError, SyntaxError...
        text = str(exc)
        if "truncated" in text:
            problems.append(f"pixel data truncated ({text})")
        else:
            problems.append(f"the pixels do not decode: {text}")
    status = "damaged" if problems else "ok"
    return ImageIntegrity(status, fmt, width, height, mode, frames, tuple(problems))
