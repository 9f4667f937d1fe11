"""The OCR records by the OCR package's import path (declared in `forensics.records.ocr`)."""

from __future__ import annotations

from forensics.records.ocr import OCR_READ, Box, OcrAction, OcrRead, TextLine, spaced

SUBJECT = OCR_READ.subject
"""Custody subject type of a read."""
ACTION_READ = OcrAction.READ
"""Custody action recording a new read."""

__all__ = ["ACTION_READ", "OCR_READ", "SUBJECT", "Box", "OcrRead", "TextLine", "spaced"]
