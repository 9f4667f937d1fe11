"""Provenance Workbench core: the case, its evidence and everything derived from it.

This package never imports Qt; the CLI and the tests drive it directly.
"""

from __future__ import annotations

__version__ = "0.1.0"
