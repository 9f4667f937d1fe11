"""The demo case: the Gerbera drone's memory card, built from `seeds/` and generated footage.

`build_demo(case_dir)` builds it (idempotently); `ensure_demo_case(data_dir)` is what the GUI
calls when started with no argument. Features add their part of the demo as a step in
`app.demo.build.STEPS`.
"""

from __future__ import annotations

from app.demo.build import STEPS, DemoContext, DemoStep, build_demo, ensure_demo_case

__all__ = ["STEPS", "DemoContext", "DemoStep", "build_demo", "ensure_demo_case"]
