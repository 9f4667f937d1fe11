"""The custody head is anchored once per transaction (not per entry) and is never stale:
inside the transaction `head()` gives the last entry, after the commit `case_info` holds it,
a rolled-back attempt unlinks nothing, and a transaction opened below the journal still
anchors each entry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.store.custody import HEAD_KEY, Action
from forensics.store.db import transaction
from forensics.verify import verify_case


def _stored_head(case: Case) -> tuple[int, str]:
    row = case.db.conn.execute("SELECT value FROM case_info WHERE key = ?", (HEAD_KEY,)).fetchone()
    head = json.loads(row["value"])
    return int(head["seq"]), str(head["hash"])


def _last(case: Case) -> tuple[int, str]:
    row = case.db.conn.execute("SELECT seq, hash FROM custody ORDER BY seq DESC LIMIT 1").fetchone()
    return int(row["seq"]), str(row["hash"])


def test_head_is_anchored_at_commit_and_read_right_inside(tmp_path: Path) -> None:
    with Case.create(tmp_path / "c", title="head") as case:
        before = _stored_head(case)
        with case.transaction(), case.recording("a") as rec:
            for n in range(5):
                rec.note(Action.INGEST_DUPLICATE, details={"n": n})
            assert case.custody.head() == _last(case)
            assert _stored_head(case) == before  # written once, at the commit
        assert _stored_head(case) == _last(case) == (before[0] + 5, _last(case)[1])
        assert verify_case(case, record_result=False).findings == []


def _noted_then_failed(case: Case) -> None:
    with case.attempt(), case.recording("a") as rec:
        rec.note(Action.INGEST_DUPLICATE, details={"n": 2})
        raise ValueError("undone")


def test_a_rolled_back_attempt_leaves_the_chain_whole(tmp_path: Path) -> None:
    with Case.create(tmp_path / "c", title="head") as case:
        with case.transaction():
            with case.recording("a") as rec:
                rec.note(Action.INGEST_DUPLICATE, details={"n": 1})
            with pytest.raises(ValueError, match="undone"):
                _noted_then_failed(case)
            with case.recording("a") as rec:
                rec.note(Action.INGEST_DUPLICATE, details={"n": 3})
        said = [e.details.get("n") for e in case.custody.entries()]
        assert said[-2:] == [1, 3]
        assert _stored_head(case) == _last(case)
        assert verify_case(case, record_result=False).findings == []


def test_a_transaction_below_the_journal_anchors_each_entry(tmp_path: Path) -> None:
    with Case.create(tmp_path / "c", title="head") as case:
        with transaction(case.db):  # opened by store code, not by the journal
            with case.recording("a") as rec:
                rec.note(Action.INGEST_DUPLICATE, details={"n": 1})
            assert _stored_head(case) == _last(case)
        assert _stored_head(case) == _last(case)
        assert verify_case(case, record_result=False).findings == []
