"""What the generated demo footage shows: exact boxes of every drawn object, frame by frame.

Kept apart from the generator so readers of the manifest (the demo steps, the annotation and
geolocation features, tests) need neither OpenCV nor PyAV to use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

GENERATOR = "forensics.media.demo_footage"
GENERATOR_VERSION = "1"


@dataclass(frozen=True)
class ObjectBox:
    """One drawn object on one frame, in that frame's pixel coordinates.

    Attributes:
        object_id: stable across frames ("car-2", "lantern-5", "viewpro-reflection").
        label: the class an analyst would annotate ("vehicle", "lantern", ...).
        x, y, w, h: the visible part of the object, in pixels (top-left origin).
        truncated: part of the object lies outside the frame.
        tracked: the camera is zoomed on this object (target tracking).
    """

    object_id: str
    label: str
    x: float
    y: float
    w: float
    h: float
    truncated: bool = False
    tracked: bool = False

    def to_json(self) -> dict[str, Any]:
        """The box as JSON."""
        return {
            "object_id": self.object_id,
            "label": self.label,
            "x": self.x,
            "y": self.y,
            "w": self.w,
            "h": self.h,
            "truncated": self.truncated,
            "tracked": self.tracked,
        }


@dataclass(frozen=True)
class FrameObjects:
    """Everything drawn on one frame of the clip."""

    frame_index: int
    pts: float
    segment: str
    objects: tuple[ObjectBox, ...]

    def of_label(self, label: str) -> tuple[ObjectBox, ...]:
        """The objects of one class on this frame."""
        return tuple(o for o in self.objects if o.label == label)


@dataclass(frozen=True)
class Segment:
    """A stretch of the clip showing one scene (frames `start` to `end` inclusive)."""

    name: str
    start: int
    end: int
    description: str


@dataclass(frozen=True)
class StillImage:
    """A still photograph generated beside the clip, with its drawn objects."""

    name: str
    sha256: str
    width: int
    height: int
    description: str
    objects: tuple[ObjectBox, ...]


@dataclass(frozen=True)
class FootageManifest:
    """What the generated clip and stills show, frame by frame, with exact boxes."""

    clip_name: str
    clip_sha256: str
    width: int
    height: int
    fps: int
    frame_count: int
    codec: str
    segments: tuple[Segment, ...]
    frames: tuple[FrameObjects, ...]
    stills: tuple[StillImage, ...]
    generator: str = GENERATOR
    generator_version: str = GENERATOR_VERSION

    def frame(self, index: int) -> FrameObjects:
        """The objects of one frame."""
        return self.frames[index]

    def segment(self, name: str) -> Segment:
        """The segment with this name.

        Raises:
            KeyError: no such segment.
        """
        for seg in self.segments:
            if seg.name == name:
                return seg
        raise KeyError(name)

    def best_frame(self, label: str) -> FrameObjects:
        """The frame showing most of `label` (the largest total box area); for annotation.

        Raises:
            KeyError: no frame shows that label.
        """
        best: FrameObjects | None = None
        best_area = 0.0
        for fr in self.frames:
            area = sum(o.w * o.h for o in fr.objects if o.label == label and not o.truncated)
            if area > best_area:
                best, best_area = fr, area
        if best is None:
            raise KeyError(label)
        return best

    def still(self, name: str) -> StillImage:
        """The still with this file name.

        Raises:
            KeyError: no such still.
        """
        for still in self.stills:
            if still.name == name:
                return still
        raise KeyError(name)

    def to_json(self) -> dict[str, Any]:
        """The manifest as JSON (boxes per frame included)."""
        return {
            "clip_name": self.clip_name,
            "clip_sha256": self.clip_sha256,
            "width": self.width,
            "height": self.height,
            "fps": self.fps,
            "frame_count": self.frame_count,
            "codec": self.codec,
            "generator": self.generator,
            "generator_version": self.generator_version,
            "segments": [s.__dict__ for s in self.segments],
            "frames": [
                {
                    "frame_index": f.frame_index,
                    "pts": f.pts,
                    "segment": f.segment,
                    "objects": [o.to_json() for o in f.objects],
                }
                for f in self.frames
            ],
            "stills": [
                {
                    "name": s.name,
                    "sha256": s.sha256,
                    "width": s.width,
                    "height": s.height,
                    "description": s.description,
                    "objects": [o.to_json() for o in s.objects],
                }
                for s in self.stills
            ],
        }
