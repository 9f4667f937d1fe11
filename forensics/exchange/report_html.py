"""How the report writes values: words a reader understands, never a Python repr.

Every value a section prints goes through `esc`: text through `textsafe.shown` (control and
bidi characters made visible) then HTML-escaped; a list as its items, a mapping as
"key: value" pairs, a flag as yes or no, nothing as nothing; so no `{'...'}`, `[...]`, `None`
or `Enum.MEMBER` can reach a page. Record ids are printed short and small, in cells of class
`id` (`id_cell`); a reader names things by their names, an id is for finding the record again
(`pwb show CASE <id prefix>`).
"""

from __future__ import annotations

import base64
import enum
import html
from collections.abc import Mapping, Sequence
from datetime import datetime

from forensics.textsafe import shown

_FULL = ' width="100%"'
SHORT_ID = 8
"""Characters of an id printed (a unique prefix is enough for `pwb show`)."""


def words(value: object) -> str:
    """A value as plain words (unescaped): lists joined, mappings as pairs, flags as yes/no."""
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, Mapping):
        return "; ".join(f"{words(k)}: {words(v)}" for k, v in value.items() if v is not None)
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(words(v) for v in value if v is not None)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def esc(value: object) -> str:
    """HTML-escaped words of a value ('' for None), control and bidi characters made visible."""
    return html.escape(shown(words(value)))


def code_word(code: str | None) -> str:
    """A vocabulary code as words ("visual_landmark" -> "visual landmark"), escaped."""
    return esc((code or "").replace("_", " "))


def when(timestamp: str | None, *, utc: bool = True) -> str:
    """An ISO 8601 UTC time as a reader writes it ("2026-12-05 14:09:36 UTC"; without the
    " UTC" in a column that says it), escaped; a time that does not parse is printed as
    stored."""
    if not timestamp:
        return ""
    try:
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return esc(timestamp)
    offset = moment.utcoffset()
    if offset is None or offset.total_seconds() != 0:  # not UTC: as written, offset and all
        return esc(timestamp)
    return esc(moment.strftime("%Y-%m-%d %H:%M:%S") + (" UTC" if utc else ""))


def short_id(record_id: str | None) -> str:
    """The first characters of an id, escaped, in the small `id` style."""
    if not record_id:
        return ""
    return f'<code class="id">{esc(record_id[:SHORT_ID])}</code>'


def data_uri(data: bytes, mime: str = "image/png") -> str:
    """A data URI for inline images: the report is one self-contained file."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    cls: str = "",
    *,
    id_columns: Sequence[int] = (),
    widths: Mapping[int, str] | None = None,
    full: bool = True,
) -> str:
    """An HTML table; cells are already HTML.

    Args:
        headers: column titles (plain text); none for a table of label and value rows.
        rows: cells, already HTML.
        cls: the table's class (its section's style).
        id_columns: columns holding record ids: narrow, small, class `id`.
        widths: column -> width attribute ("8%"), for columns that must not be squeezed.
        full: span the page's width (False: as wide as the content, for two-column tables).
    """
    widths = widths or {}

    def attrs(n: int) -> str:
        a = ' class="id"' if n in id_columns else ""
        return a + (f' width="{widths[n]}"' if n in widths else "")

    head = "".join(f"<th{attrs(n)}>{esc(h)}</th>" for n, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f"<td{attrs(n)}>{c}</td>" for n, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    return (
        f'<table class="{cls}"{_FULL if full else ""} border="1" cellspacing="0" '
        'cellpadding="3">'
        + (f"<thead><tr>{head}</tr></thead>" if headers else "")
        + f"<tbody>{body}</tbody></table>"
    )


def plural(n: int, one: str, many: str | None = None) -> str:
    """ "1 file", "3 files" (with thousands separators)."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"
