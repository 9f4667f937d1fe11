"""Two examiners' `pwb` processes on one case at once (a folder case, and a case on a real
PostgreSQL server): two ingests of the same card and a third process annotating meanwhile.
Nothing is lost or duplicated, the custody chain stays one order, and verify is clean."""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path

from forensics.case import Case
from tests.app.cli_process import PWB, pwb, pwb_json


def _start(*args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*PWB, *(str(a) for a in args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_ingests_and_an_annotator_at_once(case_location: tuple, corpus: Path) -> None:
    where, evidence = case_location
    card = corpus / "exif-samples"
    Case.create(where, title="Two examiners", examiner="A", evidence=evidence).close()
    still = pwb("ingest", where, card / "jpg/Canon_40D.jpg", "--no-extract")
    assert still.returncode == 0, still.stderr
    [image] = pwb_json("items", where, "--search", "Canon_40D")["items"]

    annotated: list[subprocess.CompletedProcess[str]] = []

    def annotate() -> None:
        for k in range(6):
            annotated.append(
                pwb("annotations", "add", where, image["id"], "--box", f"{k},{k},20,20",
                    "--label", "lantern", "--note", f"mark {k}", "--examiner", "Examiner C")
            )  # fmt: skip

    first = _start("ingest", where, card, "--no-extract", "--examiner", "Examiner A")
    second = _start("ingest", where, card, "--no-extract", "--examiner", "Examiner B")
    annotator = threading.Thread(target=annotate)
    annotator.start()
    outs = [p.communicate(timeout=600) for p in (first, second)]
    annotator.join(timeout=600)
    assert [p.returncode for p in (first, second)] == [0, 0], [o[1][-2000:] for o in outs]
    assert [a.returncode for a in annotated] == [0] * 6, [a.stderr for a in annotated]

    files = sorted(p for p in card.rglob("*") if p.is_file())
    with Case.open(where, readonly=True) as case:
        stored = case.items.content_items()
        # Every file of the card once (Canon_40D.jpg from its ingest alone, before).
        assert sorted(i.source_path for i in stored) == [str(p) for p in files]
        marks = case.db.conn.execute("SELECT COUNT(*) FROM annotations").fetchone()[0]
        assert marks == 6
        rows = list(case.custody.stored_rows())
        assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
        ingested = [r for r in rows if r["action"] == "ingested"]
        # Each item (file or folder) ingested once, by one of them: the other's copy was a
        # duplicate the database refused, logged as such.
        ids = [r["item_id"] for r in ingested]
        assert len(set(ids)) == len(ids)
        assert set(ids) == set(case.items.all_ids())
        assert len(ids) > len(files)  # the card's folders too
        assert {r["actor"] for r in ingested} <= {"Test Examiner", "Examiner A", "Examiner B"}
    verified = pwb("verify", where, "--json")
    assert verified.returncode == 0, verified.stdout[-2000:] + verified.stderr[-2000:]
    assert json.loads(verified.stdout)["ok"] is True
