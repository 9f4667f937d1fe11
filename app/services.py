"""Wiring of core services the CLI and the GUI share (what runs after ingest, and so on)."""

from __future__ import annotations

from forensics.intake.ingest import PostIngest


def post_ingest_steps(extract: bool = True) -> tuple[PostIngest, ...]:
    """The work that runs on each newly ingested item (metadata extraction when enabled)."""
    if not extract:
        return ()
    from forensics.media.extract import PostIngestExtraction

    return (PostIngestExtraction(),)
