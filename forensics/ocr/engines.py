"""OCR engines behind one small interface, registered in an explicit tuple.

Tesseract (through tesserocr, in-process, with Debian's `tesseract-ocr-*` language data) is
the engine the workbench uses: on our generated markings and signs it reads as well as RapidOCR
and about twenty times faster on this 2-core machine (`bench/ocr.py`, `docs/benchmarks.md`).
RapidOCR (PP-OCR models inside the `rapidocr-onnxruntime` wheel) stays available behind the
same interface when it is installed; it is not in the lock because its wheel requires the
desktop `opencv-python`, which would overwrite the `cv2` of `opencv-python-headless`.

Every engine returns lines in the pixel coordinates of the image it was given, each with a
confidence in 0..1, so a read can be drawn over the frame and checked against it.
"""

from __future__ import annotations

import glob
import logging
import os
import re
import threading
from typing import TYPE_CHECKING, Any, Protocol

from forensics.errors import ValidationError
from forensics.records.ocr import TextLine

if TYPE_CHECKING:
    from forensics.media.video_reader import RGBArray

log = logging.getLogger(__name__)

LANGUAGES: dict[str, str] = {
    "eng": "English and Latin-script markings",
    "chi_sim": "Chinese (simplified)",
    "chi_tra": "Chinese (traditional)",
    "rus": "Russian",
    "ukr": "Ukrainian",
}
"""Language codes (Tesseract's names) a read can ask for."""

DEFAULT_LANGS: tuple[str, ...] = ("eng",)


class OcrEngine(Protocol):
    """What the reading service needs from an engine."""

    name: str

    def unavailable(self) -> str | None:
        """Why the engine cannot run here (not installed, no language data), else None."""

    def version(self) -> str:
        """The engine's name and version as recorded on each read."""

    def languages(self) -> tuple[str, ...]:
        """The language codes it can read here."""

    def recognise(self, rgb: RGBArray, langs: tuple[str, ...]) -> list[TextLine]:
        """Lines of text in an RGB image, in its pixel coordinates."""


_CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
_CJK_GAP = re.compile(rf"(?<={_CJK}) +(?={_CJK})")


def tidy(text: str) -> str:
    """Drop the spaces Tesseract puts between Chinese characters, and outer whitespace."""
    return _CJK_GAP.sub("", text).strip()


def prepare(rgb: RGBArray) -> Any:
    """Greyscale, with light text on a dark ground turned dark on light (a PIL image).

    Tesseract's models were trained on dark print on paper: chip markings are light on a
    dark package and signs often white on a colour, so a region whose border is darker than
    mid-grey is inverted.
    """
    import numpy as np
    from PIL import Image, ImageOps

    grey = Image.fromarray(rgb).convert("L")
    a = np.asarray(grey)
    border = np.concatenate([a[0, :], a[-1, :], a[:, 0], a[:, -1]])
    return ImageOps.invert(grey) if float(np.median(border)) < 128 else grey


SMALL_REGION = 200
"""A region at most this high is read at several heights (`REGION_HEIGHTS`)."""
REGION_HEIGHTS = (60, 100, 150)
"""Heights a small region is scaled to; the reading with the best mean confidence is kept.
On the generated markings and signs one fixed scale loses a tenth of the signs that one of
these three reads (`bench/ocr.py`); three passes still take about 0.1 s."""
FRAME_SCALES = (1.0, 2.0)
"""Scales a larger region or a whole frame is read at."""


def scales(height: int) -> tuple[float, ...]:
    """The scale factors a region of this height is read at."""
    if height <= SMALL_REGION:
        return tuple(h / max(1, height) for h in REGION_HEIGHTS)
    return FRAME_SCALES


def tessdata_dir() -> str | None:
    """Where Tesseract's language data is: $TESSDATA_PREFIX, else Debian's folder."""
    env = os.environ.get("TESSDATA_PREFIX")
    if env and os.path.isdir(env):
        return env
    found = sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata"), reverse=True)
    return found[0] if found else None


def _quiet_leptonica() -> None:
    """Silence Leptonica's messages on stderr ("Error in boxClipToRectangle: box outside
    rectangle"): sparse-text segmentation of a scaled region produces them by the dozen, they
    say nothing to the analyst and they garble the CLI's output. tesserocr's wheel carries its
    own Leptonica; the library is already loaded, so this reaches the copy Tesseract uses."""
    import ctypes

    import tesserocr

    folder = os.path.join(os.path.dirname(os.path.dirname(tesserocr.__file__)), "tesserocr.libs")
    for path in glob.glob(os.path.join(folder, "libleptonica*.so*")) or ["libleptonica.so.6"]:
        try:
            ctypes.CDLL(path).setMsgSeverity(_LEPTONICA_SEVERITY_NONE)
        except (OSError, AttributeError) as exc:
            log.debug("cannot quiet Leptonica at %s: %s", path, exc)


_LEPTONICA_SEVERITY_NONE = 6
"""Leptonica's L_SEVERITY_NONE."""


class TesseractEngine:
    """Tesseract through tesserocr: one loaded model per language set, kept for the process."""

    name = "tesseract"

    def __init__(self) -> None:
        self._apis: dict[tuple[str, ...], Any] = {}
        self._lock = threading.Lock()

    def unavailable(self) -> str | None:
        """None when tesserocr imports and the language data is installed."""
        try:
            import tesserocr  # noqa: F401
        except ImportError as exc:
            return f"tesserocr is not installed ({exc})"
        if tessdata_dir() is None:
            return "no Tesseract language data (install tesseract-ocr-eng and the others)"
        return None

    def version(self) -> str:
        """ "tesseract 5.x (tesserocr 2.x)"."""
        import tesserocr

        first = tesserocr.tesseract_version().splitlines()[0]
        return f"{first} (tesserocr {tesserocr.__version__})"

    def languages(self) -> tuple[str, ...]:
        """The installed language data among `LANGUAGES`."""
        folder = tessdata_dir()
        if folder is None:
            return ()
        return tuple(
            code
            for code in LANGUAGES
            if os.path.isfile(os.path.join(folder, f"{code}.traineddata"))
        )

    def _api(self, langs: tuple[str, ...]) -> Any:
        """The loaded model for a language set. Sparse-text segmentation: a marking, a sign
        or a frame is not a page of paragraphs, and it read the generated signs best."""
        import tesserocr

        api = self._apis.get(langs)
        if api is None:
            if not self._apis:
                _quiet_leptonica()
            api = tesserocr.PyTessBaseAPI(
                path=tessdata_dir() or "", lang="+".join(langs), psm=tesserocr.PSM.SPARSE_TEXT
            )
            self._apis[langs] = api
        return api

    def recognise(self, rgb: RGBArray, langs: tuple[str, ...]) -> list[TextLine]:
        """Lines (Tesseract's text lines) of the most confident of the readings at
        `scales()`, boxes in the coordinates of the image given."""
        from PIL import Image

        image = prepare(rgb)
        best: tuple[float, list[TextLine]] = (-1.0, [])
        with self._lock:
            api = self._api(langs)
            for factor in scales(image.height):
                scaled = image.resize(
                    (max(1, round(image.width * factor)), max(1, round(image.height * factor))),
                    Image.Resampling.LANCZOS,
                )
                lines = self._read(api, scaled, 1.0 / factor)
                score = float(api.MeanTextConf()) if lines else -1.0
                if score > best[0]:
                    best = (score, lines)
            api.Clear()
        return best[1]

    @staticmethod
    def _read(api: Any, image: Any, back: float) -> list[TextLine]:
        import tesserocr

        api.SetImage(image)
        api.Recognize()
        level = tesserocr.RIL.TEXTLINE
        it = api.GetIterator()
        lines: list[TextLine] = []
        while it is not None:
            try:
                text = tidy(it.GetUTF8Text(level) or "")
            except RuntimeError:
                # tesserocr raises "No text returned" on a page without any text.
                break
            bbox = it.BoundingBox(level)
            if text and bbox is not None:
                x1, y1, x2, y2 = bbox
                box = (
                    round(x1 * back),
                    round(y1 * back),
                    round((x2 - x1) * back),
                    round((y2 - y1) * back),
                )
                lines.append(TextLine(text, box, round(it.Confidence(level) / 100.0, 4)))
            if not it.Next(level):
                break
        return lines


class RapidOcrEngine:
    """RapidOCR (PP-OCRv4 detection and recognition, ONNX Runtime), when installed."""

    name = "rapidocr"

    def __init__(self) -> None:
        self._engine: Any = None
        self._lock = threading.Lock()

    def unavailable(self) -> str | None:
        """None when `rapidocr_onnxruntime` imports."""
        try:
            import rapidocr_onnxruntime  # noqa: F401
        except ImportError as exc:
            return (
                f"rapidocr-onnxruntime is not installed ({exc}); it is left out of the lock "
                "because it requires opencv-python, which clashes with opencv-python-headless"
            )
        return None

    def version(self) -> str:
        """ "rapidocr-onnxruntime 1.x (onnxruntime 1.x)"."""
        from importlib.metadata import version

        return (
            f"rapidocr-onnxruntime {version('rapidocr-onnxruntime')} "
            f"(onnxruntime {version('onnxruntime')})"
        )

    def languages(self) -> tuple[str, ...]:
        """The shipped PP-OCR model reads Chinese and Latin script only."""
        return ("eng", "chi_sim", "chi_tra")

    def recognise(self, rgb: RGBArray, langs: tuple[str, ...]) -> list[TextLine]:
        """Lines as RapidOCR detects them (its quadrilaterals as upright boxes)."""
        import numpy as np

        with self._lock:
            if self._engine is None:
                from rapidocr_onnxruntime import RapidOCR

                self._engine = RapidOCR()
            result, _ = self._engine(np.ascontiguousarray(rgb[:, :, ::-1]))
        lines: list[TextLine] = []
        for quad, text, score in result or ():
            xs = [p[0] for p in quad]
            ys = [p[1] for p in quad]
            x, y = round(min(xs)), round(min(ys))
            box = (x, y, round(max(xs)) - x, round(max(ys)) - y)
            lines.append(TextLine(tidy(str(text)), box, round(float(score), 4)))
        return lines


ENGINES: tuple[OcrEngine, ...] = (TesseractEngine(), RapidOcrEngine())
"""Every engine, the default first."""


def _check_registry(engines: tuple[OcrEngine, ...]) -> None:
    names = [e.name for e in engines]
    if len(set(names)) != len(names):
        raise RuntimeError(f"duplicate OCR engine names: {names}")


_check_registry(ENGINES)


def engine_named(name: str | None) -> OcrEngine:
    """The engine of this name (the default when None), checked to be usable.

    Raises:
        ValidationError: no such engine, or it cannot run here.
    """
    wanted = name or ENGINES[0].name
    for engine in ENGINES:
        if engine.name == wanted:
            reason = engine.unavailable()
            if reason is not None:
                raise ValidationError(f"OCR engine {wanted} cannot run: {reason}")
            return engine
    raise ValidationError(
        f"unknown OCR engine {wanted} (use one of {', '.join(e.name for e in ENGINES)})"
    )


def parse_langs(text: str | None, engine: OcrEngine) -> tuple[str, ...]:
    """ "eng+chi_sim" or "eng,chi_sim" as a tuple of codes the engine can read.

    Raises:
        ValidationError: an unknown code, or one whose data is not installed.
    """
    if not text:
        return DEFAULT_LANGS
    codes = tuple(dict.fromkeys(c.strip() for c in re.split(r"[+,\s]+", text) if c.strip()))
    unknown = [c for c in codes if c not in LANGUAGES]
    if unknown:
        raise ValidationError(f"unknown language {', '.join(unknown)} (use {', '.join(LANGUAGES)})")
    have = engine.languages()
    missing = [c for c in codes if c not in have]
    if missing:
        raise ValidationError(
            f"{engine.name} has no data for {', '.join(missing)} here "
            f"(installed: {', '.join(have) or 'none'})"
        )
    return codes or DEFAULT_LANGS
