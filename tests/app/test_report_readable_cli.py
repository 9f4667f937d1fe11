"""`pwb report` of the demo case reads like a report, not a debug dump, in HTML and in PDF.

Real `pwb` subprocesses: an examiner trusts the demo team's key under a name of their own,
then writes the PDF and the HTML report. The HTML (as text, outside the id cells) and the
PDF (read back with poppler's pdftotext) must hold no Python repr, no raw event code and no
full record id; the custody log names examiners by the name *we* gave their key, never by the
name the key claims; the decoder versions and the seal come last; no page ends on a heading.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest

from forensics.case import Case
from forensics.exchange.report import SEAL_TITLE, SECTIONS
from forensics.records.actions import PHRASES
from forensics.store.seals import examiners
from tests.conftest import pwb_executable

UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
REPRS = (
    re.compile(r"\{'"),  # a dict's repr
    re.compile(r"\['"),  # a list's repr
    re.compile(r"\bNone\b"),
    re.compile(r"<[A-Za-z]+\.[A-Z_]+: "),  # an enum member's repr
    re.compile(r"\b[A-Za-z]*Action\.[A-Z_]+"),  # an enum member's str()
    re.compile(r"\b(True|False)\b"),
)
DEMO_TEAM = "Demo Lab (trusted)"
CLAIMED = "Provenance Workbench demo builder"
"""The name the demo's key gives itself (in the case's examiner list and entries)."""


def _run(*args: object, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PWB_HOME": str(home)}
    done = subprocess.run(
        [pwb_executable(), *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


class _Text(HTMLParser):
    """The text a reader sees, split into what is inside `class="id"` cells and the rest."""

    def __init__(self) -> None:
        super().__init__()
        self.outside: list[str] = []
        self.inside: list[str] = []
        self._stack: list[bool] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "svg", "title"):
            self._skip += 1
        if tag in ("br", "img", "meta"):
            return
        classes = (dict(attrs).get("class") or "").split()
        self._stack.append("id" in classes or (bool(self._stack) and self._stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "svg", "title"):
            self._skip -= 1
        if tag not in ("br", "img", "meta") and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        (self.inside if self._stack and self._stack[-1] else self.outside).append(data)


@pytest.fixture(scope="module")
def reports(demo_case_master: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The demo case's HTML and PDF reports, made by "Test Examiner" who trusts the demo key."""
    if shutil.which("pdftotext") is None:
        pytest.skip("needs pdftotext (apt-get install poppler-utils)")
    work = tmp_path_factory.mktemp("readable")
    home = work / "home"
    case = Path(shutil.copytree(demo_case_master, work / "case"))
    _run("profile", "create", "tester", "--name", "Test Examiner", home=home)
    with Case.open(case, readonly=True) as opened:
        (demo_key,) = [e for e in examiners(opened.db).values() if e.name == CLAIMED]
    key_file = work / "demo.pub"
    key_file.write_text(json.dumps({"public_key": demo_key.public_key, "name": CLAIMED}))
    _run("trust", "add", key_file, "--name", DEMO_TEAM, home=home)
    _run("report", case, work / "report.pdf", home=home)
    _run("report", case, work / "report.html", home=home)
    pdf = subprocess.run(
        ["pdftotext", "-layout", str(work / "report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    with Case.open(case, readonly=True) as opened:
        case_id = opened.info.case_id
    return {
        "html": (work / "report.html").read_text("utf-8"),
        # The PDF's fonts set "fi" as one ligature; NFKC gives the letters back.
        "pdf": unicodedata.normalize("NFKC", pdf),
        "case_id": case_id,
    }


def _visible(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def test_no_python_repr_event_code_or_full_id_is_printed(reports: dict[str, str]) -> None:
    text = _visible(reports["html"])
    outside = " ".join(text.outside)
    for name, where in (("HTML", outside), ("PDF", reports["pdf"])):
        for pattern in REPRS:
            assert not pattern.search(where), (
                f"{name}: {pattern.pattern} in {pattern.search(where)}"
            )
        codes = [code for code in PHRASES if "_" in code and re.search(rf"\b{code}\b", where)]
        assert codes == [], f"{name} prints raw event codes {codes}"
    assert UUID.findall(outside) == []  # full ids only in the id cells
    assert set(UUID.findall(" ".join(text.inside))) >= {reports["case_id"]}
    # The PDF cannot tell an id cell; its only full id is the case's own, in the seal.
    assert set(UUID.findall(reports["pdf"])) <= {reports["case_id"]}


def test_summary_and_custody_are_in_words_with_examiners_named_by_their_keys(
    reports: dict[str, str],
) -> None:
    html = reports["html"]
    outside = " ".join(" ".join(_visible(html).outside).split())
    assert "Received: 11 items (6 files, 3 hardware items, 2 components)." in outside
    assert "File ingested (copied and hashed) 6" in outside  # the "done" table, in words
    contents_end = outside.index(SEAL_TITLE, outside.index("Contents"))  # the last entry
    log = outside[outside.index("Chain of custody", contents_end) :]
    log = log[: log.index("Decoder versions behind these values")]
    # The demo key signs as the name we gave it, never as the name it gives itself.
    assert DEMO_TEAM in log
    assert CLAIMED not in log
    assert "Test Examiner" in log  # the PDF report's export entry, signed by our profile
    assert "your examiner profile" in log
    assert "a trusted team key" in log
    assert "Annotation made or changed" in log
    assert "Gerbera drone (downed)" in log  # the item an entry concerns, by name
    # Records with no name of their own are named by what they point at, not a bare type.
    assert "citation: manufacturer Viewpro" in log
    assert "claim: from " in log
    assert "component link: Viewpro" in log
    assert "Keys that signed this log" in log
    # Nowhere is the demo key's own claim printed as who someone is: the case was opened by
    # the key we trust under our name for it.
    assert CLAIMED not in outside
    assert f"by {DEMO_TEAM}" in outside[: outside.index("Contents")]


def test_decoder_versions_and_the_seal_close_the_report(reports: dict[str, str]) -> None:
    html = reports["html"]
    headings = re.findall(r"<h2[^>]*>(?:<a [^>]*></a>)?([^<]+)</h2>", html)
    assert headings == [title for _, title, _ in SECTIONS] + [SEAL_TITLE]
    assert headings[-2:] == ["Decoder versions behind these values", SEAL_TITLE]
    pages = reports["pdf"].split("\f")
    last = [p for p in pages if p.strip()][-1]
    assert SEAL_TITLE in last
    assert "Signature (Ed25519)" in last
    assert "Test Examiner (your examiner profile)" in " ".join(last.split())


def test_no_pdf_page_ends_on_a_heading(reports: dict[str, str]) -> None:
    titles = {t for _, t, _ in SECTIONS} | {SEAL_TITLE, "Keys that signed this log"}
    titles |= {"Origin by country", "Components by function"}
    pages = [p for p in reports["pdf"].split("\f") if p.strip()]
    assert len(pages) > 5
    for n, page in enumerate(pages, 1):
        lines = [" ".join(line.split()) for line in page.splitlines() if line.strip()]
        assert lines[-1] not in titles, f"page {n} ends on the heading {lines[-1]!r}"
    # The charts are text: their labels are on the page, beside their values.
    assert re.search(r"China\s+100%", reports["pdf"])
