"""Every `pwb` command README.md shows, run as a user runs it: its own `pwb` process.

The commands are read out of README's code blocks (`tests/app/readme_commands.py`), so a
command added there is tested here without being listed. Placeholders are filled from a real
case, the demo case `pwb demo` builds (once per module), and from corpus files; each command
gets its own copy of the case, so no command sees what another one did and the order the tests
run in does not matter. A command that takes `--json` runs with it and its document is checked
for shape and types; the others run as README writes them. Files a command writes are checked
to exist, files it reads are made beforehand (a signed archive, a conflicting archive, a coco
export, an E01 of a FAT card).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from app.cli import build_parser, main
from tests.app.cli_process import REPO, pwb
from tests.app.json_types import display_strings
from tests.app.readme_commands import ELIDED, ReadmeCommand, readme_commands
from tests.app.readme_server import ReadmeServer, make_readme_server
from tests.forensics.imaging import make_e01, make_fat_image

COMMANDS = readme_commands(REPO / "README.md")

ELIDED_COMMANDS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("source", "add", "CASE", ELIDED): (
        "source", "add", "CASE", "--kind", "report", "--title", "Team B field report",
        "--published", "2025-05", "--grade", "B2",
    ),
    ("claim", "add", ELIDED): (
        "claim", "add", "CASE", "--source", "<source>", "--text", "Assembled in Shenzhen.",
        "--date", "2025-05",
    ),
    ("figure", "add", ELIDED): (
        "figure", "add", "CASE", "--what", "components from China", "--value", "80",
        "--unit", "%", "--source", "<source>",
    ),
    ("cite", ELIDED): (
        "cite", "CASE", "<source>", "--target-type", "component", "--target", "<component>",
    ),
}  # fmt: skip
"""README's `pwb source add CASE ...` and the like, written out in full."""

WRITES: dict[str, frozenset[str]] = {
    "init": frozenset({"CASE", "/mnt/share/drone_case"}),
    "copy-case": frozenset({"/mnt/share/drone_case", "./drone-case-copy"}),
    "keygen": frozenset({"team-a.key"}),
    "pack": frozenset({"out.pwbcase"}),
    "unpack": frozenset({"DEST", "/mnt/share/new_case"}),
    "export": frozenset({"OUT"}),
    "annotations export": frozenset({"OUT_DIR"}),
    "report": frozenset({"report.html", "report.pdf"}),
    "seal": frozenset({"head.seal"}),
    "gui": frozenset({"out.png"}),
}
"""Per command (its first one or two words), the arguments naming what it writes: they must
not exist before it runs and must exist after."""

EXIT_CODES: dict[str, int] = {
    # README's example measures a shadow at 300° where the sun casts it at 276°: a finding.
    "geo sun": 1,
}
"""Commands whose README example ends with another exit code than 0, and why."""

CASE_FOR: dict[str, str] = {
    # Conflicts exist only after a merge that met an edit on both sides.
    "conflicts": "conflicted",
    "resolve": "conflicted",
    # The demo case has registered Viewpro already; README's example registers it anew.
    "mfr add": "empty",
}
"""Commands whose CASE is another case than the demo's copy: which one, and why."""

LITERALS = frozenset({"CN"})
"""Upper-case words in README commands that are values, not placeholders."""

SHAPES: dict[str, set[str]] = {
    "init": {"case_dir", "case_id", "title", "examiner"},
    "add": {"id", "kind", "name"},
    "ingest": {"outcomes"},
    "items": {"items", "count"},
    "show": {"id", "sha256", "custody", "children"},
    "log": {"entries"},
    "verify": {"ok", "findings"},
    "meta": {"item", "facts", "groups", "positions", "tracks", "warnings", "errors"},
    "frames": {"item_id", "frames"},
    "annotations add": {"annotation", "warnings"},
    "annotations list": {"annotations"},
    "annotations export": {"files", "shapes"},
    "annotations import": {"imported", "rejected", "duplicates"},
    "geocode": {"query", "results"},
    "geo add": {"id", "place_name", "status", "lat", "lon"},
    "geo link": {"link", "support"},
    "geo auto": set(),
    "geo list": {"hypotheses"},
    "geo check": {"flags"},
    "geo sun": {"azimuth_deg", "elevation_deg", "when_utc", "shadow_check"},
    "export": {"format", "path", "sha256"},
    "mfr add": {"id", "name", "country_code"},
    "component add": {"id", "suggestions"},
    "markings": {"marking", "suggestions"},
    "link": {"id", "manufacturer_id"},
    "origins": {"components", "by_country", "total"},
    "search-parts": {"hits", "cases_searched", "errors"},
    "pack": {"archive", "manifest_sha256", "members"},
    "unpack": {"case_id", "dest", "manifest_sha256"},
    "merge": {"conflicts"},
    "conflicts": {"conflicts"},
    "resolve": {"id", "status"},
    "keygen": {"name", "fingerprint", "public", "private"},
    "report": {"format", "path", "sha256"},
    "demo": {"case_dir", "built"},
    "ocr": {"read", "makers", "places"},
    "ocr-accept": {"accepted"},
    "ocr-list": {"reads"},
    "comment add": {"id", "on", "text", "by", "at"},
    "comment list": {"comments"},
    "profile create": {"profile", "name", "fingerprint", "public_key"},
    "whoami": {"profile", "name", "fingerprint"},
    "seal": {"case_id", "seq", "hash", "examiner", "fingerprint", "signature"},
}
"""Per command, keys its `--json` document must have (types are checked for every key)."""


def _command_key(words: tuple[str, ...]) -> str:
    """The command's name as the tables above spell it ("geo sun", "items")."""
    two = " ".join(words[:2])
    if two in SHAPES or two in WRITES or two in EXIT_CODES:
        return two
    return words[0]


@dataclass
class World:
    """The real inputs README's placeholders stand for, made once per module."""

    root: Path
    cases: dict[str, Path]
    """"demo", "conflicted" (a merge conflict waiting) and "empty" (just made)."""
    ids: dict[str, str] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    """README's input file names -> where the made file is."""
    server: ReadmeServer | None = None
    """What README's `postgresql://` URLs are filled from, made when a command first needs
    it (tests/app/readme_server.py)."""


def _main_json(*args: str | Path, code: int = 0) -> Any:
    """`pwb ARGS --json` in this process (setup only: the tests themselves use processes)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exited = main([*(str(a) for a in args), "--json"])
    assert exited == code, f"setup: pwb {args} exited {exited}"
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> World:
    root = tmp_path_factory.mktemp("readme")
    demo = root / "demo"
    built = pwb("demo", demo, timeout=600)
    assert built.returncode == 0, built.stderr[-3000:]
    items = {i["name"]: i for i in _main_json("items", demo)["items"]}
    drone = next(i for name, i in items.items() if name.startswith("Gerbera drone"))
    hypothesis = _main_json("geo", "list", demo)["hypotheses"][0]
    annotation = _main_json("annotations", "list", demo)["annotations"][0]
    components = _main_json("component", "list", demo)["components"]
    component = next(c for c in components if c["part_number"] == "A40")
    source = _main_json("source", "list", demo)["sources"][0]
    # Text read off the demo's label photo and street clip, for `pwb ocr-accept`.
    marks = {a["label"]: a for a in _main_json("annotations", "list", demo)["annotations"]}
    label_read = _main_json(
        "ocr", demo, items["IMG_A40_LABEL.png"]["id"], "--annotation", marks["marking"]["id"]
    )["read"]
    sign_read = _main_json(
        "ocr", demo, items["VID_0002_STREET.mp4"]["id"], "--annotation", marks["signage"]["id"],
        "--lang", "chi_sim",
    )["read"]  # fmt: skip

    _main_json("keygen", root / "team-a.key", "--name", "Team A")
    _main_json("pack", demo, root / "out.pwbcase", "--sign", root / "team-a.key")
    theirs = root / "theirs"
    shutil.copytree(demo, theirs)
    _main_json("edit", theirs, drone["id"], "--note", "seen by team B")
    _main_json("pack", theirs, root / "theirs.pwbcase", "--sign", root / "team-a.key")
    conflicted = root / "conflicted"
    shutil.copytree(demo, conflicted)
    _main_json("edit", conflicted, drone["id"], "--note", "seen by team A")
    _main_json("merge", conflicted, root / "theirs.pwbcase", code=1)  # 1: a conflict
    conflict = _main_json("conflicts", conflicted)["conflicts"][0]
    _main_json("annotations", "export", demo, "--format", "coco", root / "exported")
    _main_json("init", root / "empty", "--title", "Empty", "--examiner", "A. Analyst")
    _main_json("seal", demo, "--out", root / "demo.seal")  # copies share the sealed head

    photo = (corpus / "synthetic/gps_control_eiffel.jpg").read_bytes()
    card = root / "media-card"
    card.mkdir()
    (card / "IMG_0100.jpg").write_bytes(photo)
    dcim = root / "DCIM"
    dcim.mkdir()
    shutil.copy(corpus / "exif-samples/jpg/Canon_40D.jpg", dcim / "IMG_0101.jpg")
    fat = make_fat_image(root / "card.raw", {"/DCIM/100MEDIA/IMG_0102.jpg": photo}, {})
    (root / "acquired").mkdir()
    make_e01(fat, root / "acquired" / "card")

    return World(
        root=root,
        cases={"demo": demo, "conflicted": conflicted, "empty": root / "empty"},
        ids={
            "drone": drone["id"],
            "video": items["VID_0001.mp4"]["id"],
            "hypothesis": hypothesis["id"],
            "annotation": annotation["id"],
            "component": component["id"],
            "source": source["id"],
            "conflict": conflict["id"],
            "label_photo": items["IMG_A40_LABEL.png"]["id"],
            "chip_marking": marks["marking"]["id"],
            "street_clip": items["VID_0002_STREET.mp4"]["id"],
            "label_read": label_read["id"],
            "sign_read": sign_read["id"],
        },
        files={
            "team-a.key": root / "team-a.key",
            "team-a.key.pub": root / "team-a.key.pub",
            "out.pwbcase": root / "out.pwbcase",
            "theirs.pwbcase": root / "theirs.pwbcase",
            "OUT_DIR/annotations.json": root / "exported" / "annotations.json",
            "/media/card": card,
            "DCIM/": dcim,
            "card.E01": root / "acquired" / "card.E01",
            "head.seal": root / "demo.seal",
        },
    )


ITEM_PLACEHOLDERS = {
    "<drone_id>": "drone",
    "<drone>": "drone",
    "<item_id>": "video",
    "<item>": "video",
    "<video_id>": "video",
    "<video>": "video",
    "<hypothesis_id>": "hypothesis",
    "<hypothesis>": "hypothesis",
    "<component>": "component",
    "<source>": "source",
    "<photo_id>": "label_photo",
    "<marking_id>": "chip_marking",
    "<clip_id>": "street_clip",
    "<read_id>": "label_read",
    "<sign_read_id>": "sign_read",
}
"""README's `<...>` placeholders -> which record of the demo case fills them."""

CASE_PLACEHOLDERS = ("CASE_DIR", "CASE_A", "CASE_B", "CASE", "DEMO_DIR")
"""Each filled with its own copy of a case (DEMO_DIR too: the module's fixture built the demo
with `pwb demo` in its own process; here the command must find it up to date)."""
OUTPUT_PLACEHOLDERS = ("OUT_DIR", "OUT", "DEST")


def _id_for(name: str, words: tuple[str, ...], at: int, world: World) -> str:
    """An id for `<id>`, `ID` or `ID...`, which stand for different records by context."""
    before = words[at - 1] if at else ""
    if name == "<id>":
        if words[0] == "resolve":
            return world.ids["conflict"]
        return world.ids["annotation" if before == "--target" else "video"]
    if words[0] in ("origins", "pack"):
        return world.ids["drone"]  # a teardown scope: the drone and what is inside it
    return world.ids["video"]


@dataclass
class Filled:
    """A README command made concrete."""

    argv: list[str]
    writes: list[Path]


def fill(command: tuple[str, ...], world: World, cwd: Path) -> Filled:
    """The command with every placeholder replaced, its inputs made in `cwd`.

    Raises:
        AssertionError: README uses a placeholder this module does not know.
    """
    key = _command_key(command)
    writes = WRITES.get(key, frozenset())
    cases: dict[str, Path] = {}
    argv: list[str] = []
    outputs: list[Path] = []

    def case_copy(name: str) -> str:
        if name not in cases:
            source = world.cases[CASE_FOR.get(key, "demo")]
            cases[name] = cwd / name.lower()
            shutil.copytree(source, cases[name])
        return str(cases[name])

    for at, word in enumerate(command):
        if word.startswith("postgresql://"):
            assert world.server is not None, "the test sets up the server first"
            argv.append(world.server.url(word, key, at, cwd, _main_json))
            continue
        if word in writes:
            target = cwd / word.strip("./").replace("/", "-").lower()
            outputs.append(target)
            argv.append(str(target))
            continue
        if word in world.files:
            source = world.files[word]
            local = cwd / source.name
            if source.is_dir():
                shutil.copytree(source, local)
            else:
                # An E01 travels with its later segments, as it does on a user's disk.
                companions = (
                    source.parent.glob(source.stem + ".E??") if source.suffix == ".E01" else ()
                )
                for path in {source, *companions}:
                    shutil.copy2(path, cwd / path.name)
            argv.append(str(local))
            continue

        def placeholder(match: re.Match[str], at: int = at) -> str:
            name = match.group(0)
            if name in ITEM_PLACEHOLDERS:
                return world.ids[ITEM_PLACEHOLDERS[name]]
            if name in ("<id>", "ID", "ID..."):
                return _id_for(name, command, at, world)
            if name in CASE_PLACEHOLDERS:
                return case_copy(name)
            if name in OUTPUT_PLACEHOLDERS:
                return str(cwd / name.lower())
            if name in LITERALS:
                return name
            raise AssertionError(
                f"README placeholder {name!r} in `pwb {' '.join(command)}`: say in "
                "tests/app/test_readme_commands.py what fills it"
            )

        word = re.sub(r"<[a-z_]+>", placeholder, word)
        # An upper-case word, alone or after "item:" ("CASE", "ID...", "item:ID"), is a
        # placeholder; one inside a value ("EX-001", "SD card") is not.
        argv.append(re.sub(r"^[A-Z][A-Z_]*(?:\.\.\.)?$|(?<=:)[A-Z][A-Z_]*$", placeholder, word))
    return Filled(argv, outputs)


def concrete(command: ReadmeCommand) -> tuple[str, ...]:
    """The command's words, with README's elided arguments written out."""
    if ELIDED not in command.words:
        return command.words
    assert command.words in ELIDED_COMMANDS, (
        f"README elides arguments in `pwb {command.id}`: add the full form to ELIDED_COMMANDS"
    )
    return ELIDED_COMMANDS[command.words]


def takes_json(words: tuple[str, ...]) -> bool:
    """Whether the (sub)command `words` names has a `--json` flag (read from its parser)."""
    parser: argparse.ArgumentParser = build_parser(words[0])
    for word in words:
        sub = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
        if sub is None or word not in sub.choices:
            break
        parser = sub.choices[word]
    return any("--json" in action.option_strings for action in parser._actions)


def test_readme_shows_the_commands_users_need() -> None:
    """The parse found README's commands (an empty list would make the test below vacuous)."""
    names = {c.words[0] for c in COMMANDS}
    assert {"init", "ingest", "meta", "annotations", "geo", "export", "pack", "gui"} <= names
    assert len(COMMANDS) >= 50


def test_readme_notation_is_expanded_into_concrete_commands(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "Text with .venv/bin/pwb outside a block is not a command.\n"
        "```sh\n"
        ".venv/bin/pwb frames CASE <video id> --index 120 | --at 4.8   # a comment\n"
        ".venv/bin/pwb x CASE [--a ID] [--b] --f p|q \\\n"
        '    --n "two words" ; pwb y ...\n'
        "make test\n"
        "```\n",
        encoding="utf-8",
    )
    assert [c.words for c in readme_commands(readme)] == [
        ("frames", "CASE", "<video_id>", "--index", "120"),
        ("frames", "CASE", "<video_id>", "--at", "4.8"),
        ("x", "CASE", "--f", "p", "--n", "two words"),
        ("x", "CASE", "--f", "q", "--n", "two words"),
        ("x", "CASE", "--a", "ID", "--f", "p", "--n", "two words"),
        ("x", "CASE", "--a", "ID", "--f", "q", "--n", "two words"),
        ("x", "CASE", "--b", "--f", "p", "--n", "two words"),
        ("x", "CASE", "--b", "--f", "q", "--n", "two words"),
        ("y", "..."),
    ]


def test_an_unknown_placeholder_fails_with_what_to_do(world: World, tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="README placeholder 'NEW_THING'"):
        fill(("items", "NEW_THING"), world, tmp_path)
    with pytest.raises(AssertionError, match="README placeholder '<new_id>'"):
        fill(("show", "CASE", "<new_id>"), world, tmp_path)
    with pytest.raises(AssertionError, match="ELIDED_COMMANDS"):
        concrete(ReadmeCommand("", ("new", "CASE", ELIDED)))


def test_every_export_format_the_cli_lists_is_in_readme() -> None:
    """`pwb export --help` and `pwb annotations export --help` list no format README omits."""
    for words in (("export",), ("annotations", "export")):
        done = pwb(*words, "--help")
        assert done.returncode == 0, done.stderr
        listed = re.search(r"--format\s+\{([^}]+)\}", done.stdout)
        assert listed is not None, done.stdout
        shown = {
            c.words[c.words.index("--format") + 1]
            for c in COMMANDS
            if c.words[: len(words)] == words and "--format" in c.words
        }
        formats = {f.strip() for f in listed.group(1).split(",")}
        assert formats <= shown, (words, formats - shown)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.id)
def test_readme_command_runs_in_its_own_process(
    command: ReadmeCommand, world: World, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    words = concrete(command)
    key = _command_key(words)
    env: dict[str, str] = {}
    if any(w.startswith("postgresql://") for w in words):
        # The suite's own server (this process's: no fixed port, one per xdist worker).
        if world.server is None:
            server = request.getfixturevalue("pg_server")
            world.server = make_readme_server(server, world.cases["demo"], world.root, _main_json)
        env["PGPASSFILE"] = str(world.server.passfile)
    filled = fill(words, world, tmp_path)
    for path in filled.writes:
        assert not path.exists(), f"{path} exists before the command writes it"
    if words[0] == "gui":
        data = tmp_path / "data"
        shutil.copytree(
            world.cases["demo"], data / "demo-case"
        )  # what `pwb gui` opens with no case
        env.update(PWB_DATA_DIR=str(data), QT_QPA_PLATFORM="offscreen")
        if "--screenshot" not in words:
            env["PWB_STARTUP_PROBE"] = "1"  # quit once the window has painted
    as_json = takes_json(words)
    argv = filled.argv + (["--json"] if as_json and "--json" not in words else [])
    done = pwb(*argv, cwd=tmp_path, env=env)

    expected = EXIT_CODES.get(key, 0)
    assert done.returncode == expected, (
        f"pwb {' '.join(argv)} exited {done.returncode}, not {expected}:\n{done.stderr[-3000:]}"
    )
    assert "Traceback" not in done.stderr
    for path in filled.writes:
        assert path.exists(), f"pwb {' '.join(argv)} did not write {path}"
    if words[0] == "keygen":
        assert filled.writes[0].with_name(filled.writes[0].name + ".pub").is_file()
    if words[0] == "gui" and "--screenshot" not in words:
        assert done.stdout.startswith("shown"), done.stdout
    if not as_json:
        return
    document = json.loads(done.stdout)
    assert isinstance(document, dict), "one JSON document, an object"
    if words[0] == "demo":
        assert document["built"] is False, "an up-to-date demo case is left as it is"
    assert SHAPES.get(key, set()) <= set(document), (key, sorted(document))
    assert display_strings(document) == []
