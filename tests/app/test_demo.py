"""The demo case: built from the seeds, idempotent, every component's country with its source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.demo.build import build_demo, demo_state, ensure_demo_case, seeds_digest
from forensics.case import Case
from forensics.errors import CaseError
from forensics.verify import verify_case

TABLES = (
    "items",
    "manufacturers",
    "components",
    "component_links",
    "sources",
    "claims",
    "figures",
    "citations",
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "demo-case"
    assert main(["demo", str(root)]) == 0
    return root


def snapshot(root: Path) -> dict[str, list[tuple[object, ...]]]:
    with Case.open(root, readonly=True) as case:
        out = {}
        for table in TABLES:
            rows = case.db.conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            skip = ("created_at", "updated_at", "fs_mtime", "fs_atime", "fs_ctime")
            keep = [
                k
                for k in (
                    d[0] for d in case.db.conn.execute(f"SELECT * FROM {table} LIMIT 0").description
                )
                if k not in skip
            ]
            out[table] = [tuple(r[k] for k in keep) for r in rows]
        out["custody"] = [
            (n,) for n in case.db.conn.execute("SELECT COUNT(*) FROM custody").fetchone()
        ]
    return out


def test_demo_has_the_seed_records(demo: Path) -> None:
    with Case.open(demo, readonly=True) as case:
        names = {r["name"] for r in case.db.query("SELECT name FROM items")}
        assert {
            "Gerbera drone (downed)",
            "SD memory card of the onboard camera",
            "Viewpro A40 gimbal camera",
            "VID_0001.mp4",
        } <= names
        viewpro = case.db.conn.execute(
            "SELECT * FROM manufacturers WHERE name = 'Viewpro'"
        ).fetchone()
        assert (viewpro["country_code"], viewpro["city"], viewpro["region"]) == (
            "CN",
            "Shenzhen",
            "Guangdong",
        )
        bingo = case.db.conn.execute(
            "SELECT * FROM manufacturers WHERE name LIKE 'Xi''an Bingo%'"
        ).fetchone()
        assert (bingo["city"], bingo["region"]) == ("Xi'an", "Shaanxi")
        grades = {
            r["title"]: r["reliability"] + str(r["credibility"])
            for r in case.db.query("SELECT * FROM sources")
        }
        assert any(
            "serhii_flash" in (r["publisher"] or "")
            for r in case.db.query("SELECT publisher FROM sources")
        )
        assert all(len(g) == 2 for g in grades.values())
        undated = case.db.conn.execute(
            "SELECT COUNT(*) FROM claims WHERE claim_date IS NULL"
        ).fetchone()[0]
        assert undated < case.db.conn.execute("SELECT COUNT(*) FROM claims").fetchone()[0]
        assert verify_case(case, record_result=False).ok


def test_origins_reports_every_component_country_with_source(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["origins", str(demo), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["total"] >= 2
    for component in report["components"]:
        assert component["country_code"] not in (None, "??"), component
        assert component["sources"], component
    camera = next(c for c in report["components"] if c["name"].startswith("Viewpro A40"))
    assert (camera["manufacturer"], camera["country"]) == ("Viewpro", "China")


def test_rebuilding_is_idempotent(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(demo)
    assert demo_state(demo) == seeds_digest()
    capsys.readouterr()
    assert main(["demo", str(demo), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["built"] is False
    assert snapshot(demo) == before
    assert main(["demo", str(demo), "--rebuild"]) == 0
    after = snapshot(demo)
    for table in (
        "manufacturers",
        "components",
        "component_links",
        "sources",
        "claims",
        "figures",
        "citations",
    ):
        assert after[table] == before[table], table
    with Case.open(demo, readonly=True) as case:
        hashes = sorted(
            r["sha256"] for r in case.db.query("SELECT sha256 FROM items WHERE sha256 IS NOT NULL")
        )
    assert len(hashes) == 6  # the clip, three stills, the label photo, the street clip
    assert hashes == sorted(r[4] for r in before["items"] if r[4])


def test_never_replaces_another_case(tmp_path: Path) -> None:
    other = tmp_path / "mine"
    Case.create(other, title="Mine", examiner="E").close()
    with pytest.raises(CaseError, match="not a demo case"):
        build_demo(other)
    assert ensure_demo_case.__doc__
