"""The media viewer: stills with zoom and pan, video frame by frame, decoded off the GUI thread.

Contract for overlays (annotations): the frame is a `QGraphicsPixmapItem` at (0, 0) of
`graphics_scene()`, in image pixel coordinates; `frame_shown(item_id, frame_index,
pixel_sha256)` fires each time a new picture is on screen (frame_index -1 for a still image);
`current_frame()` says what is shown.
"""

from __future__ import annotations

from ui.viewer.shown import ShownFrame
from ui.viewer.viewer import MediaViewer

__all__ = ["MediaViewer", "ShownFrame"]
