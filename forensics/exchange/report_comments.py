"""The report's "Review comments" section: who said what about which record, in words.

Each comment names the record it is on by what it is ("annotation 'vehicle' on
DJI_0001.MP4"), never by its id; a reply follows the comment it answers, indented.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from forensics.exchange.report_html import esc, table, when

if TYPE_CHECKING:
    from forensics.exchange.report_sections import ReportContext
    from forensics.records.comments import Comment


def _threaded(found: list[Comment]) -> list[tuple[Comment, int]]:
    """Comments in reading order: each top-level one (oldest first) followed by its replies,
    with their depth."""
    ids = {c.id for c in found}
    replies: dict[str, list[Comment]] = {}
    roots: list[Comment] = []
    for c in found:
        if c.is_reply and c.target_id in ids:
            replies.setdefault(c.target_id, []).append(c)
        else:
            roots.append(c)
    out: list[tuple[Comment, int]] = []

    def walk(comment: Comment, depth: int) -> None:
        out.append((comment, depth))
        for reply in replies.get(comment.id, []):
            walk(reply, min(depth + 1, 4))

    for root in roots:
        walk(root, 0)
    return out


def section(ctx: ReportContext) -> str:
    """The review comments on the records in the report."""
    from forensics.comments import comments, target_of

    found = [c for c in comments(ctx.case) if ctx.scope is None or ctx.in_scope(c.item_id)]
    if not found:
        return "<p>No review comments.</p>"
    rows = []
    for comment, depth in _threaded(found):
        if depth:
            on = f"{'&nbsp;' * 4 * depth}reply to {esc(target_of(ctx.case, comment).label)}"
        else:
            on = esc(target_of(ctx.case, comment).label)
        rows.append([on, esc(comment.created_by), when(comment.created_at), esc(comment.text)])
    return table(
        ["On", "By", "When (UTC)", "Comment"],
        rows,
        "comments",
        widths={0: "28%", 1: "14%", 2: "16%"},
    )
