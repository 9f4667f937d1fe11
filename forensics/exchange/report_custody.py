"""The report's chain of custody, the keys that signed it, and the seal that closes it.

A court reads the log as "who did what, to what, when and why": the examiner by the name *we*
know their key under (`signers`: an examiner profile or a trusted team key; any other key is
"unknown" with its fingerprint, never the name it claims), the action in words (each feature
declares its phrase with its action, `forensics.records.actions`), the item or record by its
name, and each entry's chained hash, short, to find it in `pwb log`. The keys are listed once
below the log, with their full fingerprints; the seal, printed last, anchors the log's head.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from forensics import allocation
from forensics.exchange.report_html import esc, short_id, table, when
from forensics.exchange.signers import PROFILE, UNKNOWN, signer_name
from forensics.identity import short_fingerprint
from forensics.models import CustodyEntry, Item
from forensics.records.actions import phrase
from forensics.store.custody import DELETED
from forensics.store.record_search import name_of
from forensics.store.seals import examiners

if TYPE_CHECKING:
    from forensics.exchange.report_sections import ReportContext

HASH_SHOWN = 12
"""Hex digits of an entry's hash printed in the log (the full hash is in `pwb log`)."""

_SUBJECT_WORDS = {
    "geo_hypothesis": "geolocation hypothesis",
    "geo_evidence": "hypothesis evidence",
    "media_metadata": "metadata",
    "ocr_read": "text read",
    "frame_run": "frame extraction",
}
_NAME_KEYS = ("name", "title", "place_name", "what", "label", "file", "received", "archive")
_MAX_NAME = 90
_LEGIBLE = "font-size: 8pt; color: #222"
"""An id printed to be read and copied (the seal's case id), not only found."""


def _item_name(item: Item) -> str:
    state = allocation.allocation_of(item)
    marker = "" if state == allocation.LIVE else f" ({allocation.LABELS[state].lower()})"
    return esc(item.name) + marker


Names = Callable[[str, str], str | None]
"""(record kind, id) -> what people call that record, None when it is not in the case."""


def _no_names(kind: str, record_id: str) -> str | None:
    return None


def _referenced(details: Mapping[str, Any], names: Names) -> str:
    """The record an entry's details point at, by name ("manufacturer Viewpro", "from <source
    title>"), for entries whose record has no name of its own (a citation, a claim, a link)."""
    maker = details.get("manufacturer")
    if isinstance(maker, str) and maker:
        return maker
    record_id = details.get("target_id")
    for kind_key in ("target_type", "kind"):
        kind = details.get(kind_key)
        if isinstance(kind, str) and isinstance(record_id, str):
            name = names(kind, record_id)
            if name:
                return f"{_SUBJECT_WORDS.get(kind, kind.replace('_', ' '))} {name}"
    source = details.get("source_id")
    if isinstance(source, str):
        name = names("source", source)
        if name:
            return f"from {name}"
    return ""


def _subject(e: CustodyEntry, names: Names = _no_names) -> str:
    """What record an entry changed, in words: "annotation: vehicle", "source: <title>",
    "citation: manufacturer Viewpro"."""
    subject = e.subject_type or ""
    word = _SUBJECT_WORDS.get(subject, subject.replace("_", " "))
    named = next((str(e.details[k]) for k in _NAME_KEYS if isinstance(e.details.get(k), str)), "")
    if not named:
        named = _referenced(e.details, names)
    target = e.details.get("target_type")
    if not named and isinstance(target, str):
        named = target.replace("_", " ")
    if len(named) > _MAX_NAME:
        named = named[: _MAX_NAME - 1] + "…"
    return f"{word}: {named}" if word and named else word or named


def _concerning(e: CustodyEntry, items: Mapping[str, Item], names: Names = _no_names) -> str:
    """The item or record an entry is about, by name (the record changed and the short id
    below it, small)."""
    fp = e.details.get("fingerprint")
    if e.subject_type == "examiner" and isinstance(fp, str):
        # The name in the entry is the one the key's holder gave: name the key instead.
        return "examiner's key " + esc(short_fingerprint(fp))
    if e.item_id:
        item = items.get(e.item_id)
        name = _item_name(item) if item else "an item no longer in the case"
        record = _subject(e, names) if e.subject_type not in (None, "item") else ""
        below = f"<small>{esc(record)}</small> " if record else ""
        return f"{name}<br>{below}{short_id(e.item_id)}"
    text = _subject(e, names)
    named = ":" in text
    return esc(text) + (f"<br>{short_id(e.subject_id)}" if e.subject_id and not named else "")


def _what(e: CustodyEntry) -> str:
    words = phrase(e.action)
    if e.record_sha256 == DELETED and "delet" not in words:
        words += " (record deleted)"
    return esc(words[:1].upper() + words[1:])


def examiner_cell(e: CustodyEntry, known: Mapping[str, Any]) -> str:
    """Who did it: the signer by our name for the key, and a name typed on their behalf."""
    if e.signer is None:
        return f"{esc(e.actor)}<br><i>unsigned: made before signing</i>"
    who = esc(signer_name(e.signer, known))
    if e.signer not in known:
        who = f"<i>{who}</i>"
    if e.actor_given:
        who += f"<br><i>for {esc(e.actor)} (name given, not proven)</i>"
    return who


def done(ctx: ReportContext) -> str:
    """What was done: each kind of custody action in words, how many times, first to last."""
    counts = Counter(e.action for e in ctx.custody)
    first: dict[str, int] = {}
    for e in ctx.custody:
        first.setdefault(e.action, e.seq)
    rows = [
        [esc(phrase(a)[:1].upper() + phrase(a)[1:]), f"{counts[a]:,}"]
        for a in sorted(counts, key=lambda a: first[a])
    ]
    return table(["Action", "Times"], rows, "done", full=False)


def custody(ctx: ReportContext) -> str:
    """The custody log, then the keys that signed it."""
    items = {i.id: i for i in ctx.all_items}
    names = functools.cache(partial(name_of, ctx.case.db))
    rows = [
        [
            str(e.seq),
            when(e.at, utc=False),
            examiner_cell(e, ctx.known_keys),
            _what(e),
            _concerning(e, items, names),
            esc(e.reason),
            f'<code class="id">{esc(e.hash[:HASH_SHOWN])}</code>',
        ]
        for e in ctx.custody
    ]
    intro = (
        f"<p>{len(ctx.custody):,} entries, each holding the hash of the one before, so an "
        "entry changed or removed breaks every hash after it (<code>pwb verify</code>). "
        "Examiners are named by the name this examiner's profiles and trusted team keys give "
        "their key; a key known to neither is shown as unknown, by its fingerprint.</p>"
    )
    log_table = table(
        ["#", "When (UTC)", "Examiner", "What", "Concerning", "Why", "Hash"],
        rows,
        "log",
        id_columns=(6,),
        widths={0: "4%", 1: "12%", 2: "15%", 3: "19%", 4: "22%", 6: "10%"},
    )
    return intro + log_table + "<h3>Keys that signed this log</h3>" + signing_keys(ctx)


def signing_keys(ctx: ReportContext) -> str:
    """Each key that signed an entry: our name for it, how we know it, what it signed."""
    signed = Counter(e.signer for e in ctx.custody)
    first: dict[str | None, int] = {}
    for e in ctx.custody:
        first.setdefault(e.signer, e.seq)
    listed = examiners(ctx.case.db)
    rows = []
    for fp in sorted(signed, key=lambda f: first[f]):
        if fp is None:
            rows.append(
                [
                    "<i>unsigned</i>",
                    "entries made before signing existed: nothing proves who made them",
                    f"{signed[fp]:,}",
                    "",
                ]
            )
            continue
        key = ctx.known_keys.get(fp)
        how = key.how if key else f"{UNKNOWN}: not one of your profiles nor a trusted key"
        if fp not in listed:
            how += "; the case does not list this key (verify reports it)"
        rows.append(
            [
                esc(key.name) if key else f"<i>{UNKNOWN}</i>",
                esc(how),
                f"{signed[fp]:,}",
                f'<code class="id">{esc(_grouped(fp))}</code>',
            ]
        )
    note = (
        "<p>To name an unknown key, compare its fingerprint with the examiner's own "
        "(<code>pwb whoami</code>) by another channel, then trust it "
        "(<code>pwb trust add</code>).</p>"
        if any(fp is not None and fp not in ctx.known_keys for fp in signed)
        else ""
    )
    return (
        table(
            ["Examiner", "Known as", "Entries", "Key fingerprint (SHA-256)"],
            rows,
            "keys",
            id_columns=(3,),
        )
        + note
    )


def _grouped(fp: str) -> str:
    return " ".join(fp[i : i + 4] for i in range(0, len(fp), 4))


def seal(doc: Mapping[str, Any] | None, known: Mapping[str, Any]) -> str:
    """The seal the report was made under, printed last so the paper copy anchors the log."""
    if doc is None:
        return (
            "<p class='warn'>Not sealed: no examiner key was at hand, so nothing outside the "
            "case anchors this log's head.</p>"
        )
    fp = str(doc.get("fingerprint", ""))
    key = known.get(fp)
    by = (
        esc(key.name) + (" (your examiner profile)" if key.how == PROFILE else "")
        if key
        else f"<i>{UNKNOWN} key {esc(short_fingerprint(fp))}</i>"
    )
    rows = [
        ["Sealed", when(str(doc.get("sealed_at", "")))],
        ["By", by],
        ["For", esc(doc.get("purpose"))],
        ["Custody head", f"entry {esc(doc.get('seq'))}"],
        ["Head hash (SHA-256)", f"<code>{esc(doc.get('hash'))}</code>"],
        ["Case id", f'<code class="id" style="{_LEGIBLE}">{esc(doc.get("case_id"))}</code>'],
        ["Key fingerprint", f"<code>{esc(_grouped(fp))}</code>"],
        ["Signature (Ed25519)", f"<code>{esc(doc.get('signature'))}</code>"],
    ]
    return (
        "<p>Signed with the examiner's key as this report was made. Keep this page: "
        "<code>pwb verify CASE --against</code> a copy of the seal finds any entry rewritten "
        "or removed since.</p>" + table([], rows, "seal", widths={0: "22%"})
    )
