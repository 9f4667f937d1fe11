"""Is there a cut between two frames far apart? The fast scan's tests on pairs of keyframes.

Two keyframes two seconds apart rarely look alike in hand-held or drone footage even without a
cut: the camera moved, so the pixel-by-pixel content score is high. Three tests, from cheapest,
say "same shot" (then the frames between are not decoded):

1. the content score is below half the cut threshold (nothing much changed);
2. the HSV histograms barely differ: camera motion moves pixels but keeps the colours;
3. the same scene seen from a moved camera: ORB features of the two frames match under one
   homography (RANSAC) with many inliers that moved (or that cover much of the picture), and
   the colours differ only moderately.

Measured on the corpus clips and the two 1080p benchmark clips (`bench/scenes.py`): keyframe
pairs holding a cut had at most 13 RANSAC inliers of 500 ORB features at 320 pixels (chance
matches) when their histograms differed by less than 0.5, and every pair without a cut that
tests 1 and 2 let through had 44 or more. A cut between two shots of the same place from almost
the same viewpoint with the same colours passes as "same shot"; the exact scan is the answer
when that matters.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

Image = npt.NDArray[np.uint8]

CONTENT_RATIO = 0.5
"""Frames whose content score is under this share of the cut threshold are the same shot."""
HISTOGRAM_SAME = 0.3
"""Mean L1 distance of the H, S, V histograms (0 same, 2 disjoint) under which frames are the
same shot. Steady pans and zooms measured 0.01-0.46; a cut between similar shots can measure
0.30, so this test alone cannot go higher."""
HISTOGRAM_VIEW = 0.5
"""Test 3 applies only under this histogram distance (a cut between differently coloured shots
is never taken for camera motion, however many features happen to match)."""
MIN_INLIERS = 30
"""RANSAC inliers that make two frames one scene seen from a moved camera."""
MIN_SHIFT = 2.0
"""...which moved by at least this many pixels (median, at `MATCH_WIDTH`), or else..."""
MIN_SPREAD = 0.15
"""...cover at least this share of the picture (their convex hull). A static overlay (a
timestamp, a logo, the drone's own landing gear) matches itself in place across a cut: few
pixels, no motion. Real matches under camera motion can be few (walking forward, only the far
field matches: 4-14 % of the picture on the benchmark) but they move (5-60 pixels)."""
MATCH_WIDTH = 320
"""Frames are matched in grey at about this width."""
_FEATURES = 500
_BINS = 16


def same_shot_parameters() -> dict[str, float | int]:
    """The settings of the same-shot tests (stored with every fast scan's parameters)."""
    return {
        "content_ratio": CONTENT_RATIO,
        "histogram_same": HISTOGRAM_SAME,
        "histogram_view": HISTOGRAM_VIEW,
        "min_inliers": MIN_INLIERS,
        "min_shift": MIN_SHIFT,
        "min_spread": MIN_SPREAD,
        "match_width": MATCH_WIDTH,
        "features": _FEATURES,
    }


def match_size(width: int, height: int) -> tuple[int, int]:
    """The grey picture size used for feature matching."""
    if width <= MATCH_WIDTH:
        return width, height
    return MATCH_WIDTH, max(1, round(height * MATCH_WIDTH / width))


def histograms(image: Image) -> list[npt.NDArray[np.float32]]:
    """Normalised 16-bin H, S and V histograms of a BGR image."""
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    out = []
    for channel, top in ((0, 180), (1, 256), (2, 256)):
        h = cv2.calcHist([hsv], [channel], None, [_BINS], [0, top]).ravel()
        out.append(np.asarray(h / max(1.0, float(h.sum())), np.float32))
    return out


def histogram_distance(a: Image, b: Image) -> float:
    """Mean L1 distance of the H, S and V histograms of two frames (0 to 2)."""
    pairs = zip(histograms(a), histograms(b), strict=True)
    return float(sum(float(np.abs(x - y).sum()) for x, y in pairs)) / 3.0


@dataclass
class Picture:
    """A frame as the tests need it: small BGR for scores, grey for features (computed once)."""

    small: Image
    grey: Image | None = None
    _features: tuple[Any, Any] | None = field(default=None, repr=False)

    def features(self, orb: Any) -> tuple[Any, Any]:
        """ORB keypoints and descriptors of the grey picture."""
        if self._features is None:
            if self.grey is None:
                self._features = ((), None)
            else:
                self._features = orb.detectAndCompute(self.grey, None)
        return self._features


class ShotTest:
    """Decides whether two frames, however far apart, belong to the same shot."""

    def __init__(self, distance: Any, threshold: float) -> None:
        """Args:
        distance: the detector's own score between two small BGR frames.
        threshold: the detector's cut threshold.
        """
        self.distance = distance
        self.threshold = threshold
        self._orb = cv2.ORB.create(nfeatures=_FEATURES, fastThreshold=10)
        self._matcher = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True)
        self.counts = {"content": 0, "histogram": 0, "features": 0, "differ": 0}
        """How often each test decided (reported in the scan's notes)."""

    def same_shot(
        self, a: Picture, b: Picture, *, use_histogram: bool = True, use_features: bool = True
    ) -> bool:
        """True when no cut can lie between the two frames (see the module's tests).

        Args:
            a: one frame.
            b: the other.
            use_histogram: run tests 2 and 3 (else only the strict pixel test).
            use_features: run test 3 (needs both frames' grey pictures).
        """
        if self.distance(a.small, b.small) < CONTENT_RATIO * self.threshold:
            self.counts["content"] += 1
            return True
        if not use_histogram:
            return False
        hist = histogram_distance(a.small, b.small)
        if hist < HISTOGRAM_SAME:
            self.counts["histogram"] += 1
            return True
        if use_features and hist < HISTOGRAM_VIEW and self.same_view(a, b):
            self.counts["features"] += 1
            return True
        self.counts["differ"] += 1
        return False

    def same_view(self, a: Picture, b: Picture) -> bool:
        """True when the grey pictures show one scene under one homography (test 3)."""
        if a.grey is None or b.grey is None:
            return False
        ka, da = a.features(self._orb)
        kb, db = b.features(self._orb)
        if da is None or db is None or len(ka) < MIN_INLIERS or len(kb) < MIN_INLIERS:
            return False
        matches = self._matcher.match(da, db)
        if len(matches) < MIN_INLIERS:
            return False
        pa = np.array([ka[m.queryIdx].pt for m in matches], np.float32)
        pb = np.array([kb[m.trainIdx].pt for m in matches], np.float32)
        _, mask = cv2.findHomography(pa, pb, cv2.RANSAC, 4.0)
        if mask is None:
            return False
        inliers = mask.ravel().astype(bool)
        if int(inliers.sum()) < MIN_INLIERS:
            return False
        shift = float(np.median(np.linalg.norm(pb[inliers] - pa[inliers], axis=1)))
        if shift >= MIN_SHIFT:
            return True
        area = float(a.grey.shape[0] * a.grey.shape[1])
        hull = cv2.convexHull(pa[inliers])
        return bool(float(cv2.contourArea(hull)) >= MIN_SPREAD * area)
