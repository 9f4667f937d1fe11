"""Finding a frame's pixels: anchor a new annotation, find an old one again anywhere.

An annotation remembers four things about its frame: the media's sha256, the frame index, the
presentation time and the sha256 of the decoded pixels. The pixel hash is what counts; the
index is a hint and the time a second hint, because frame numbering of variable-frame-rate
video differs between decoders and their versions. `FrameSource.locate` checks the stored
index first, then the neighbourhood of the index and of the time, then (bounded) the whole
clip, and reports where the pixels really are.

Stills are decoded by Pillow as stored (no EXIF rotation applied), frame index -1.
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self

from forensics.annotations.models import STILL, FrameAnchor
from forensics.case import Case
from forensics.errors import UnsupportedMediaError, ValidationError
from forensics.jobs import CancelToken
from forensics.models import Item

if TYPE_CHECKING:
    # The decoders (OpenCV, PyAV, Pillow) load on the first frame read: the annotation
    # service is built at GUI start-up, long before any frame is needed.
    from forensics.media.video_reader import DecodedFrame, RGBArray, VideoReader

log = logging.getLogger(__name__)

SEARCH_WINDOW = 30
"""Frames either side of the stored index (and of the stored time) searched first."""
MAX_SCAN = 20_000
"""A whole-clip search stops after this many frames."""


def is_video(item: Item) -> bool:
    """True when the item's content is a video (by its sniffed type)."""
    return bool(item.mime and item.mime.startswith("video/"))


def media_item(case: Case, item_id: str) -> Item:
    """The item, checked to be a file whose content is in the store.

    Raises:
        NotFoundError: no such item.
        ValidationError: the item has no file content.
    """
    item = case.items.get(item_id)
    if not item.sha256:
        raise ValidationError(f"item {item_id} ({item.name}) has no file content to annotate")
    return item


class _ClosedOnExit:
    """`with` support for the decoders below: leaving the block releases them."""

    def close(self) -> None:
        """Release what the object holds."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class FrameSource(_ClosedOnExit):
    """Decoded frames of one media item, with their anchors cached."""

    def __init__(self, case: Case, item: Item) -> None:
        if not item.sha256:
            raise ValidationError(f"item {item.id} has no file content")
        self.item = item
        self.path: Path = case.evidence.open(item.sha256)
        self.video = is_video(item)
        self._reader: VideoReader | None = None
        self._still: RGBArray | None = None
        self._cache: dict[int, FrameAnchor] = {}

    def _open_reader(self) -> VideoReader:
        if self._reader is None:
            from forensics.media.video_reader import VideoReader

            self._reader = VideoReader(self.path)
        return self._reader

    def frame_count(self) -> int:
        """The number of frames the container claims (1 for a still)."""
        return self._open_reader().info.frame_count if self.video else 1

    def index_at(self, seconds: float) -> int:
        """The index of the frame shown at a time (-1 for a still).

        Raises:
            ValidationError: a negative or non-finite time.
        """
        if not seconds >= 0 or seconds == float("inf"):
            raise ValidationError(f"{self.item.name}: a time must be a number of seconds >= 0")
        return self._open_reader().index_at(seconds) if self.video else STILL

    def read(self, frame_index: int) -> tuple[FrameAnchor, RGBArray]:
        """Decode one frame (index -1, or 0, for a still) with its anchor.

        Raises:
            UnsupportedMediaError: the frame cannot be decoded.
        """
        if not self.video:
            rgb = self._read_still()
            anchor = self._anchor(STILL, None, rgb)
            return anchor, rgb
        if frame_index < 0:
            raise ValidationError(f"{self.item.name}: a video frame index cannot be negative")
        frame = self._open_reader().read(frame_index)
        anchor = self._frame_anchor(frame)
        self._cache[frame_index] = anchor
        return anchor, frame.rgb

    def _read_still(self) -> RGBArray:
        if self._still is None:
            # The still viewer's decoder, so marks anchor to the pixels the analyst saw
            # (HEIC/JPEG XL plug-ins, 16-bit scaling and bomb refusal included).
            from forensics.media.still_reader import read_still

            try:
                self._still = read_still(self.path).rgb
            except UnsupportedMediaError as exc:
                reason = str(exc).removeprefix(f"{self.path}: ")
                raise UnsupportedMediaError(f"{self.item.name}: {reason}") from exc
        return self._still

    def _anchor(self, index: int, pts: float | None, rgb: RGBArray) -> FrameAnchor:
        from forensics.media.video_reader import pixel_digest

        return FrameAnchor(
            self.item.id,
            str(self.item.sha256),
            index,
            pts,
            pixel_digest(rgb),
            int(rgb.shape[1]),
            int(rgb.shape[0]),
        )

    def _frame_anchor(self, frame: DecodedFrame) -> FrameAnchor:
        """The anchor of a frame the video reader decoded (it hashed the pixels already)."""
        return FrameAnchor(
            self.item.id,
            str(self.item.sha256),
            frame.index,
            frame.pts,
            frame.pixel_sha256,
            frame.width,
            frame.height,
        )

    def anchor(self, frame_index: int) -> FrameAnchor:
        """The anchor of one frame (decoded once, then cached)."""
        key = frame_index if self.video else STILL
        if key not in self._cache:
            self._cache[key] = self.read(frame_index)[0]
        return self._cache[key]

    def anchors(
        self, indexes: list[int], cancel: CancelToken | None = None
    ) -> dict[int, FrameAnchor]:
        """Anchors of many frames, decoding in order (one seek, then sequential reads)."""
        wanted = sorted({i for i in indexes if i not in self._cache})
        if self.video and wanted:
            reader = self._open_reader()
            frame: DecodedFrame | None = reader.read(wanted[0])
            pending = set(wanted)
            while frame is not None and pending:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                if frame.index in pending:
                    self._cache[frame.index] = self._frame_anchor(frame)
                    pending.discard(frame.index)
                if not pending:
                    break
                if min(pending) - frame.index > SEARCH_WINDOW:
                    frame = reader.read(min(pending))
                else:
                    frame = reader.read_next()
        elif not self.video:
            self.anchor(STILL)
        return {
            i: self._cache[i if self.video else STILL]
            for i in indexes
            if (i if self.video else STILL) in self._cache
        }

    def locate(
        self,
        pixel_sha256: str,
        frame_index: int,
        pts: float | None,
        cancel: CancelToken | None = None,
    ) -> FrameAnchor | None:
        """Where these pixels are in this media, or None when no frame has them.

        Args:
            pixel_sha256: the decoded frame's hash the annotation was made on.
            frame_index: the stored index (a hint).
            pts: the stored presentation time in seconds (a second hint), if any.
            cancel: stops a long search.
        """
        if not self.video:
            anchor = self.anchor(STILL)
            return anchor if anchor.pixel_sha256 == pixel_sha256 else None
        try:
            if frame_index >= 0 and self.anchor(frame_index).pixel_sha256 == pixel_sha256:
                return self._cache[frame_index]
        except UnsupportedMediaError:
            log.info("%s: frame %d does not decode; searching", self.item.name, frame_index)
        reader = self._open_reader()
        centres = [max(frame_index, 0)]
        if pts is not None:
            centres.append(reader.index_at(pts))
        for centre in centres:
            found = self._scan(
                pixel_sha256, max(0, centre - SEARCH_WINDOW), centre + SEARCH_WINDOW, cancel
            )
            if found is not None:
                return found
        return self._scan(pixel_sha256, 0, MAX_SCAN, cancel)

    def _scan(
        self, pixel_sha256: str, start: int, stop: int, cancel: CancelToken | None
    ) -> FrameAnchor | None:
        reader = self._open_reader()
        try:
            frame: DecodedFrame | None = reader.read(start)
        except UnsupportedMediaError:
            return None
        while frame is not None and frame.index <= stop:
            if cancel is not None:
                cancel.raise_if_cancelled()
            anchor = self._frame_anchor(frame)
            self._cache[frame.index] = anchor
            if frame.pixel_sha256 == pixel_sha256:
                return anchor
            frame = reader.read_next()
        return None

    def close(self) -> None:
        """Release the decoder."""
        if self._reader is not None:
            self._reader.close()
            self._reader = None


class FrameSources(_ClosedOnExit):
    """One `FrameSource` per media item, opened on demand and closed together."""

    def __init__(self, case: Case) -> None:
        self._case = case
        self._open: dict[str, FrameSource] = {}

    def get(self, item_id: str) -> FrameSource:
        """The source of one item.

        Raises:
            EvidenceError: the content is missing from the store.
        """
        if item_id not in self._open:
            self._open[item_id] = FrameSource(self._case, media_item(self._case, item_id))
        return self._open[item_id]

    def close(self) -> None:
        """Release every decoder."""
        for source in self._open.values():
            source.close()
        self._open.clear()
