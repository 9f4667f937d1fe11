"""Reading the text in evidence: engines, recorded reads, and what the text points to.

`engines.py` puts each OCR engine behind one small interface; `reading.py` decodes the pixels
an analyst points at (a still, a video frame, a box), runs an engine and records the read with
its custody entry; `marking_match.py` turns a read into manufacturer suggestions, tolerant of
the characters OCR usually confuses.
"""
