"""Metadata facts as readable groups, by their historical import path.

The mapping is declared in `forensics.records.media_facts` (the store groups facts with it).
"""

from __future__ import annotations

from forensics.records.media_facts import GROUP_ORDER, group_facts, label_for, render_value

__all__ = ["GROUP_ORDER", "group_facts", "label_for", "render_value"]
