"""`pwb copy-case`: a folder case onto a PostgreSQL server and back, as users run it. Every
record, the custody chain entry for entry (so a seal made before still matches), the seals,
the evidence and derived files arrive; verify is clean on every copy."""

from __future__ import annotations

from pathlib import Path

from tests.app.cli_process import pwb, pwb_json
from tests.pg_server import PgServer


def _entries(case: str) -> list[dict]:  # type: ignore[type-arg]
    return pwb_json("log", case)["entries"]  # type: ignore[no-any-return]


def _items(case: str) -> list[tuple[str, str, str | None]]:
    return sorted((i["id"], i["name"], i["sha256"]) for i in pwb_json("items", case)["items"])


def test_a_folder_case_to_a_server_and_back(
    pg_server: PgServer, corpus: Path, tmp_path: Path
) -> None:
    folder = str(tmp_path / "folder-case")
    pwb_json("init", folder, "--title", "Moving case")
    drone = pwb_json("add", folder, "--name", "Gerbera drone")
    done = pwb("ingest", folder, corpus / "exif-samples/jpg/Canon_40D.jpg", "--parent", drone["id"])
    assert done.returncode == 0, done.stderr
    [image] = [i for i in pwb_json("items", folder)["items"] if i["sha256"]]
    marked = pwb(
        "annotations", "add", folder, image["id"], "--box", "1,1,9,9", "--label", "lantern"
    )
    assert marked.returncode == 0, marked.stderr
    seal = tmp_path / "head.seal"
    assert pwb("seal", folder, "--out", seal).returncode == 0
    original = _entries(folder)

    url = pg_server.new_database()
    try:
        copied = pwb_json("copy-case", folder, url, "--evidence", tmp_path / "share")
        assert copied["case_dir"] == url
        assert copied["rows"]["custody"] == len(original)
        assert copied["evidence_files"] == 1
        assert copied["derived_files"] >= 1  # the photo's thumbnail
        on_server = _entries(url)
        assert on_server[: len(original)] == original
        assert on_server[-1]["action"] == "case_copied"
        assert _items(url) == _items(folder)
        assert [i["id"] for i in pwb_json("items", url, "--search", "canon")["items"]] == [
            image["id"]
        ]
        assert len(pwb_json("annotations", "list", url)["annotations"]) == 1
        # The full-text index was built at the end of the copy (its trigger set aside for the
        # rows): items added afterwards are indexed as they come again.
        assert [i["name"] for i in pwb_json("items", url, "--search", "gerb")["items"]] == [
            "Gerbera drone"
        ]
        spare = pwb_json("add", url, "--name", "spare gerbera rotor")
        found = pwb_json("items", url, "--search", "gerbera rot")["items"]
        assert [i["id"] for i in found] == [spare["id"]]
        for case in (folder, url):
            checked = pwb("verify", case, "--against", seal)
            assert checked.returncode == 0, checked.stdout + checked.stderr

        back = str(tmp_path / "back")
        pwb_json("copy-case", url, back)
        assert _entries(back)[: len(on_server)] == on_server
        assert _items(back) == _items(url)
        assert pwb("verify", back, "--against", seal).returncode == 0

        refused = pwb("copy-case", folder, back)
        assert refused.returncode == 2
        assert "not an empty folder" in refused.stderr
    finally:
        pg_server.drop_database(url)
