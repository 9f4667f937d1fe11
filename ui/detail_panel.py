"""The detail panel: every field of the selected item, its hashes, metadata and custody.

Rendered as one quiet HTML page (grouped tables, monospace hashes that can be selected and
copied) rather than a wall of widgets, so a long metadata dump stays readable and fast.
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Iterable

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from forensics import allocation
from forensics.case import Case
from forensics.errors import NotFoundError
from forensics.identity import short_fingerprint
from forensics.models import Item
from forensics.store.events import ChangeSet
from forensics.textsafe import shown
from ui.context import WorkbenchSignals
from ui.formatting import human_size, kind_label, short_time

log = logging.getLogger(__name__)

_CSS = """
body { font-size: 10pt; color: #1f2329; }
h2 { font-size: 13pt; margin: 2px 0 2px 0; }
h3 { font-size: 10pt; color: #4a5563; margin: 14px 0 4px 0; border-bottom: 1px solid #d0d4da; }
td { padding: 2px 8px 2px 0; vertical-align: top; }
td.k { color: #5f6772; white-space: nowrap; }
.mono { font-family: 'DejaVu Sans Mono', monospace; font-size: 9pt; }
.warn { color: #8a5a00; }
.err { color: #b23b3b; }
.sub { color: #5f6772; }
"""


def _esc(value: object) -> str:
    return html.escape(shown(value))


def _table(rows: Iterable[tuple[str, str]], mono: Iterable[str] = ()) -> str:
    mono_keys = set(mono)
    out = []
    for key, value in rows:
        if value in ("", None):
            continue
        cls = ' class="mono"' if key in mono_keys else ""
        out.append(f'<tr><td class="k">{_esc(key)}</td><td{cls}>{_esc(value)}</td></tr>')
    return "<table>" + "".join(out) + "</table>" if out else ""


class DetailPanel(QWidget):
    """The right dock: what the case knows about one item."""

    def __init__(self, signals: WorkbenchSignals, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detail_panel")
        self._signals = signals
        self._case: Case | None = None
        self._item_id: str | None = None
        self.browser = QTextBrowser()
        self.browser.setObjectName("detail_browser")
        self.browser.setOpenLinks(False)
        self.browser.document().setDefaultStyleSheet(_CSS)
        self.browser.anchorClicked.connect(lambda url: signals.item_selected.emit(url.path()))
        from ui.comments.box import CommentsBox

        self.comments = CommentsBox(signals, lambda: self._case, self)
        """The comments on the item shown (on its component, for a component)."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser, 3)
        layout.addWidget(self.comments, 1)
        signals.case_opened.connect(self._open)
        signals.case_closed.connect(self._close)
        signals.item_selected.connect(self.show_item)
        signals.records_changed.connect(self._changed)
        self._placeholder()

    def _changed(self, changes: ChangeSet) -> None:
        if self._item_id is not None and changes.concerns(self._item_id):
            self.show_item(self._item_id)

    def _open(self, case: Case) -> None:
        self._case = case
        self._item_id = None
        self.comments.show_for(None)
        self._placeholder()

    def _close(self) -> None:
        self._case = None
        self._item_id = None
        self._placeholder()

    def _placeholder(self) -> None:
        text = (
            "Select an item in the catalogue or the case tree."
            if self._case
            else "No case is open. Use File ▸ Open case or File ▸ New case."
        )
        self.browser.setHtml(f'<p class="sub">{_esc(text)}</p>')

    def text(self) -> str:
        """What the panel shows, as plain text (for tests and copying)."""
        return self.browser.toPlainText()

    def show_item(self, item_id: str | None) -> None:
        """Show everything about one item, and the comments on it."""
        self._item_id = item_id
        self.comments.show_for(item_id)
        if self._case is None or item_id is None:
            self._placeholder()
            return
        try:
            item = self._case.items.get(item_id)
        except NotFoundError:
            self._placeholder()
            return
        scroll = self.browser.verticalScrollBar().value()
        self.browser.setHtml(self._render(self._case, item))
        self.browser.verticalScrollBar().setValue(scroll)

    def _render(self, case: Case, item: Item) -> str:
        # Read once an item is shown: not for the window's first paint.
        from forensics.records.acquisition import EWF_ATTR, LABELS, acquisition_of, display

        state = allocation.allocation_of(item)
        parts = [
            f"<h2>{_esc(item.name)}</h2>",
            f'<p class="sub">{_esc(kind_label(item.kind))}'
            f"{' · ' + _esc(item.mime) if item.mime else ''}"
            f"{' · ' + _esc(allocation.DESCRIPTIONS[state]) if state != allocation.LIVE else ''}"
            "</p>",
        ]
        chain = case.ancestors(item.id)
        path = " ▸ ".join(
            f'<a href="item:{_esc(a.id)}">{_esc(a.name)}</a>' for a in reversed(chain)
        )
        parts.append("<h3>Item</h3>")
        if path:
            parts.append(f'<p class="sub">Inside: {path}</p>')
        parts.append(
            _table(
                [
                    ("Id", item.id),
                    ("Exhibit", item.exhibit or ""),
                    ("Serial", item.serial or ""),
                    ("Marking", item.marking or ""),
                    ("Status", item.status),
                    ("Tags", ", ".join(item.tags)),
                    ("Note", item.note or ""),
                    ("Added (UTC)", short_time(item.created_at)),
                    ("Added by", item.created_by),
                ],
                mono=("Id", "Marking", "Serial"),
            )
        )
        if item.sha256 or item.size is not None:
            parts.append("<h3>Content</h3>")
            parts.append(
                _table(
                    [
                        (
                            "Size",
                            ""
                            if item.size is None
                            else f"{human_size(item.size)} ({item.size:,} bytes)",
                        ),
                        ("SHA-256", item.sha256 or ""),
                        ("MD5", item.md5 or ""),
                        ("Type", item.mime or ""),
                        ("Source", item.source_path or ""),
                        ("Link target", item.link_target or ""),
                    ],
                    mono=("SHA-256", "MD5", "Source"),
                )
            )
        if item.fs_path or item.fs_mtime or state != allocation.LIVE:
            parts.append("<h3>File system</h3>")
            parts.append(
                _table(
                    [
                        ("Path in image", item.fs_path or ""),
                        ("State", allocation.LABELS[state]),
                        ("Deleted", "yes" if item.fs_deleted else ("no" if item.fs_path else "")),
                        ("Recovered as", (item.recovery or "").replace("_", " ")),
                        ("Content", (item.content_state or "").replace("_", " ")),
                        *_carving_rows(item),
                        ("Modified", short_time(item.fs_mtime)),
                        ("Accessed", short_time(item.fs_atime)),
                        ("Changed", short_time(item.fs_ctime)),
                        ("Created", short_time(item.fs_crtime)),
                    ],
                    mono=("Path in image",),
                )
            )
        acquisition = acquisition_of(item.attributes)
        if acquisition is not None:
            parts.append("<h3>Acquisition (E01)</h3>")
            parts.append(
                _table(
                    [
                        (label, display(acquisition.get(key)))
                        for key, label in LABELS.items()
                        if acquisition.get(key) not in (None, "")
                    ],
                    mono=tuple(v for k, v in LABELS.items() if "md5" in k or "sha1" in k),
                )
            )
            parts += [f'<p class="err">{_esc(p)}</p>' for p in acquisition.get("problems") or []]
        if item.attributes:
            parts.append("<h3>Attributes</h3>")
            parts.append(
                _table(
                    [
                        (str(k), v if isinstance(v, str) else json.dumps(v))
                        for k, v in sorted(item.attributes.items())
                        if k not in ("decoders", EWF_ATTR)  # shown in their own sections
                    ]
                )
            )
        problems = [f'<p class="err">{_esc(e)}</p>' for e in item.errors]
        problems += [f'<p class="warn">{_esc(w)}</p>' for w in item.warnings]
        if problems:
            parts.append("<h3>Errors and warnings</h3>" + "".join(problems))
        parts.append(self._metadata(case, item))
        parts.append(self._decoders(case, item))
        parts.append(self._custody(case, item))
        return "".join(parts)

    def _metadata(self, case: Case, item: Item) -> str:
        try:
            from forensics.store.media import MediaRepository
        except ImportError:
            return ""
        try:
            view = MediaRepository(case.db).metadata(item.id)
        except Exception:  # a broken extractor record must not hide the rest of the item
            log.exception("metadata of %s could not be read", item.id)
            return '<h3>Metadata</h3><p class="err">The metadata could not be read.</p>'
        if view.empty:
            return ""
        out = []
        for label, pairs in view.pairs():
            out.append(f"<h3>{_esc(label)}</h3>")
            out.append(_table(pairs))
        out += [f'<p class="warn">{_esc(w)}</p>' for w in view.warnings]
        out += [f'<p class="err">{_esc(e)}</p>' for e in view.errors]
        return "".join(out)

    def _decoders(self, case: Case, item: Item) -> str:
        """Which library versions decoded this item's records (a court may ask)."""
        from forensics import decoded_with

        try:
            uses = decoded_with.for_item(case, item)
        except Exception:  # like the metadata: never hide the rest of the item
            log.exception("decoder versions of %s could not be read", item.id)
            return '<h3>Decoded with</h3><p class="err">The decoder versions could not be read.</p>'
        if not uses:
            return ""
        return "<h3>Decoded with</h3>" + _table((u.title(), u.describe()) for u in uses)

    def _custody(self, case: Case, item: Item) -> str:
        entries = case.custody.entries(item_id=item.id)
        if not entries:
            return ""
        names = {fp: ex.name for fp, ex in case.examiners().items()}
        rows = []
        for e in entries:
            reason = f" · {_esc(e.reason)}" if e.reason else ""
            given = " (name given, not proven)" if e.actor_given else ""
            if e.signer is None:
                signed = "unsigned"
            else:
                signer = names.get(e.signer, "a key the case does not know")
                signed = f"signed by {signer}, key {short_fingerprint(e.signer)}"
            rows.append(
                f'<tr><td class="k mono">#{e.seq}</td><td>'
                f"<b>{_esc(e.action.replace('_', ' '))}</b> "
                f'<span class="sub">{_esc(short_time(e.at))}</span><br>'
                f'<span class="sub">by {_esc(e.actor)}{_esc(given)}{reason}</span><br>'
                f'<span class="sub">{_esc(signed)}</span></td></tr>'
            )
        return "<h3>Chain of custody</h3><table>" + "".join(rows) + "</table>"


def _carving_rows(item: Item) -> list[tuple[str, str]]:
    """Who carved the item and from where in the image (from its `carving` attribute)."""
    carving = item.attributes.get("carving")
    if not isinstance(carving, dict):
        return []
    runs = carving.get("byte_runs") or []
    return [
        ("Carved by", f"{carving.get('carver', '')} {carving.get('carver_version', '')}".strip()),
        ("Offset in image", f"{carving.get('offset', '')}"),
        ("Byte runs", "; ".join(f"{o}+{n}" for o, n in runs if isinstance(o, int))),
    ]
