"""Annotating frames and images: marks, tracks, links, exports (Qt-free)."""
