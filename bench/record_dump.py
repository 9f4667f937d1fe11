"""Every extraction result of a case, keyed by content, to prove a speed change kept them.

Dumps, per item sha256 (the same file ingested twice gives the same key in any case), every
metadata record (extractor, version, status, facts, warnings, errors, decoders), its positions,
the thumbnail file's own sha256 (hashed from the stored file, not taken from the record), the
metadata hypotheses and the custody entries naming the item (action, subject type, details
and the record digest: one entry per record), with ids, times and actors left out. Two
dumps of the same files ingested with different code must be equal (`diff`).

    .venv/bin/python bench/record_dump.py CASE > before.json
    .venv/bin/python bench/record_dump.py CASE --compare before.json
    .venv/bin/python bench/record_dump.py CASE --compare before.json --changed thumbnail

`--changed EXTRACTOR`: that extractor's new version is meant to change its output. Its
version, its file's hash and its pHash are left out of the comparison (everything else must
still be equal), and how many of them changed, and the largest pHash distance, are printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from forensics.case import Case
from forensics.store.media import MediaRepository
from geoloc.hypotheses import HypothesisService

_VOLATILE = ("id", "item_id", "metadata_id", "history_id", "created_at", "created_by", "updated_at")


def _plain(value: dict[str, Any]) -> dict[str, Any]:
    plain = {k: v for k, v in value.items() if k not in _VOLATILE}
    if "pwb" in plain.get("decoders", {}):  # names the commit, which a change makes anew
        plain["decoders"] = {**plain["decoders"], "pwb": "(this build)"}
    return plain


def dump(root: Path) -> dict[str, Any]:
    """The case's extraction results by item sha256 (see the module doc)."""
    from app.features import install

    install()  # the schema components the features declare
    out: dict[str, Any] = {}
    with Case.open_for_reading(root) as case:
        repo = MediaRepository(case.db)
        hypotheses = HypothesisService(case)
        for item in case.items.content_items():
            records = []
            for record in repo.records(item.id):
                state = _plain(record.to_json())
                thumb = record.facts.get("thumbnail", {})
                if "sha256" in thumb:
                    path = case.evidence.derived_path(thumb["sha256"], thumb["suffix"])
                    state["thumbnail_file_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
                records.append(state)
            entries = Counter(
                json.dumps(
                    [e.action, e.subject_type, e.record_sha256 is not None, _plain(e.details)],
                    sort_keys=True,
                )
                for e in case.custody.entries(item_id=item.id)
            )
            out[item.sha256 or item.name] = {
                "name": item.name,
                "records": records,
                "positions": sorted(
                    (_plain(p.to_json()) for p in repo.positions(item.id)),
                    key=lambda p: json.dumps(p, sort_keys=True),
                ),
                "hypotheses": sorted(
                    json.dumps(
                        [h.lat, h.lon, h.radius_m, h.methods, h.status, h.notes, h.analyst],
                        sort_keys=True,
                    )
                    for h in hypotheses.hypotheses(item.id)
                ),
                "custody": sorted(entries.items()),
            }
    return out


_CHANGING = ("extractor_version", "thumbnail_file_sha256")
"""Fields of a changed extractor's record left out of the comparison (and in its facts, the
`sha256` and `phash` of any derived file)."""


def _changing(record: dict[str, Any]) -> tuple[Any, ...]:
    facts = [v for v in record.get("facts", {}).values() if isinstance(v, dict)]
    return (
        record.get("thumbnail_file_sha256"),
        tuple(f.get("phash") for f in facts),
    )


def _neutral(extractor: str, entry: dict[str, Any]) -> None:
    for record in entry["records"]:
        if record.get("extractor") != extractor:
            continue
        for field in _CHANGING:
            record.pop(field, None)
        for facts in record.get("facts", {}).values():
            if isinstance(facts, dict):
                facts.pop("sha256", None)
                facts.pop("phash", None)
    custody = []
    for line, count in entry["custody"]:
        action, subject, digest, details = json.loads(line)
        if details.get("extractor") == extractor:
            details.pop("extractor_version", None)
        custody.append([json.dumps([action, subject, digest, details], sort_keys=True), count])
    entry["custody"] = sorted(custody)


def _report_changed(extractor: str, before: dict[str, Any], now: dict[str, Any]) -> None:
    from forensics.media.thumbnails import hamming

    files = hashes = pairs = 0
    farthest = 0
    for key in before.keys() & now.keys():
        old = [r for r in before[key]["records"] if r.get("extractor") == extractor]
        new = [r for r in now[key]["records"] if r.get("extractor") == extractor]
        for a, b in zip(old, new, strict=False):
            pairs += 1
            (file_a, hash_a), (file_b, hash_b) = _changing(a), _changing(b)
            files += file_a != file_b
            if hash_a != hash_b:
                hashes += 1
                for x, y in zip(hash_a, hash_b, strict=False):
                    if x and y:
                        farthest = max(farthest, hamming(x, y))
    sys.stdout.write(
        f"{extractor}: {pairs} records; derived file changed on {files}, pHash on {hashes}"
        f" (at most {farthest} bits)\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", type=Path)
    parser.add_argument("--compare", type=Path, help="a dump to compare with (exit 1 if not equal)")
    parser.add_argument("--changed", metavar="EXTRACTOR", help="an extractor meant to change")
    args = parser.parse_args()
    found = dump(args.case)
    text = json.dumps(found, sort_keys=True, indent=1, default=str)
    if args.compare is None:
        sys.stdout.write(text + "\n")
        return
    before = json.loads(args.compare.read_text())
    now = json.loads(text)
    if args.changed:
        _report_changed(args.changed, before, now)
        for dumped in (before, now):
            for entry in dumped.values():
                _neutral(args.changed, entry)
    differ = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
    for key in differ[:5]:
        sys.stdout.write(f"differs: {key}\n before: {before.get(key)}\n now:    {now.get(key)}\n")
    sys.stdout.write(f"{len(now)} items, {len(differ)} differ\n")
    raise SystemExit(1 if differ else 0)


if __name__ == "__main__":
    main()
