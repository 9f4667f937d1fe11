"""Annotating frames in the viewer: drawing tools, undoable edits, the annotations list."""
