"""An E01's acquisition record and integrity: `pwb ingest` reads the examiner, case number,
description, date and tool the E01 holds and checks its stored MD5/SHA-1 against the media as
read, as `ewfverify` does; a corrupted E01 is a warning naming the file, exit 1, and a
finding of every `pwb verify`; `pwb show` shows the record (the details panel:
tests/ui/test_e01_details.py)."""

from __future__ import annotations

import json
import random
import re
import subprocess
from pathlib import Path
from typing import Any

from tests.conftest import pwb_executable
from tests.forensics.imaging import make_fat_image, need

PAYLOAD = random.Random(16).randbytes(300_000)


def _pwb(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [pwb_executable(), *map(str, args)], capture_output=True, text=True, timeout=600
    )


def _acquire(tmp_path: Path) -> Path:
    need("ewfacquire", "ewfverify")
    raw = make_fat_image(tmp_path / "card.img", {"/DCIM/100MEDIA/clip.bin": PAYLOAD}, {})
    out = tmp_path / "acquired"
    out.mkdir()
    subprocess.run(
        [
            "ewfacquire", "-u", "-q", "-c", "none", "-d", "sha1",
            "-C", "CASE-7", "-D", "SD card from the drone", "-e", "A. Analyst",
            "-E", "EX-9", "-N", "seized at the site", "-t", str(out / "card"), str(raw),
        ],
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    return out / "card.E01"


def _ewfverify(e01: Path) -> tuple[int, dict[str, str]]:
    """ewfverify's exit code and the hashes it prints (stored and calculated)."""
    done = subprocess.run(["ewfverify", "-q", str(e01)], capture_output=True, text=True)
    found = dict(re.findall(r"^(MD5 hash (?:stored in file|calculated over data)):\s+(\w+)",
                            done.stdout, flags=re.M))  # fmt: skip
    return done.returncode, found


def _ingest(root: Path, e01: Path) -> tuple[int, dict[str, Any], str]:
    assert _pwb("init", root, "--title", "E01").returncode == 0
    done = _pwb("ingest", root, e01, "--no-extract", "--json")
    return done.returncode, json.loads(done.stdout), done.stderr


def test_acquisition_record_and_hashes_agree_with_ewfverify(tmp_path: Path) -> None:
    e01 = _acquire(tmp_path)
    code, truth = _ewfverify(e01)
    assert code == 0

    code, report, err = _ingest(tmp_path / "case", e01)

    assert code == 0, err
    assert report["findings"] == []
    image = report["outcomes"][0]["item"]
    record = image["attributes"]["ewf"]
    assert record["examiner"] == "A. Analyst"
    assert record["case_number"] == "CASE-7"
    assert record["evidence_number"] == "EX-9"
    assert record["description"] == "SD card from the drone"
    assert record["notes"] == "seized at the site"
    assert record["acquired"]  # as ewfacquire wrote it
    assert record["tool"]["version"]
    assert record["stored_md5"] == truth["MD5 hash stored in file"]
    assert record["media_md5"] == truth["MD5 hash calculated over data"]
    assert record["stored_sha1"] == record["media_sha1"]
    assert record["verified"] is True

    shown = _pwb("show", tmp_path / "case", image["id"])
    assert shown.returncode == 0, shown.stderr
    assert "acquisition (E01):" in shown.stdout
    assert re.search(r"Examiner: A\. Analyst", shown.stdout)
    assert re.search(r"Case number: CASE-7", shown.stdout)
    assert re.search(r"Stored hashes match: yes", shown.stdout)


def test_a_flipped_byte_is_reported_at_ingest_and_by_verify(tmp_path: Path) -> None:
    e01 = _acquire(tmp_path)
    data = bytearray(e01.read_bytes())
    at = data.find(PAYLOAD[100_000:100_064])  # uncompressed: the file's bytes are in the E01
    assert at > 0
    data[at + 10] ^= 0x01
    bad = tmp_path / "bad.E01"
    bad.write_bytes(bytes(data))
    code, truth = _ewfverify(bad)
    assert code != 0  # the real tool fails it
    assert truth["MD5 hash stored in file"] != truth["MD5 hash calculated over data"]

    root = tmp_path / "case"
    code, report, err = _ingest(root, bad)

    assert code == 1, err  # verification findings
    [finding] = [f for f in report["findings"] if "MD5" in f]
    assert "bad.E01" in finding
    assert truth["MD5 hash stored in file"] in finding
    image = report["outcomes"][0]["item"]
    assert image["attributes"]["ewf"]["verified"] is False
    assert any("bad.E01" in w and "E01 integrity" in w for w in image["warnings"])
    assert report["outcomes"][0]["warnings"]  # said at ingest, with the file's name
    # The files inside are still ingested: the evidence is kept as found, flagged.
    assert any(o["path"].endswith("clip.bin") for o in report["outcomes"])

    done = _pwb("verify", root, "--json")
    assert done.returncode == 1
    findings = json.loads(done.stdout)["findings"]
    ewf = [f for f in findings if f["kind"] == "ewf_integrity"]
    assert ewf
    assert all(f["item_id"] == image["id"] and "bad.E01" in f["message"] for f in ewf)
    assert {f["kind"] for f in findings} == {"ewf_integrity"}  # nothing else is wrong


def test_a_flipped_byte_in_empty_space_is_found_by_the_chunk_checksums(tmp_path: Path) -> None:
    e01 = _acquire(tmp_path)
    data = bytearray(e01.read_bytes())
    # Free space of the card: a whole chunk of zeros, which libewf would read back as
    # zeros after the flip, so only the chunk's own checksum tells.
    at = data.find(bytes(32_000), len(data) // 2)
    assert at > 0
    data[at + 16_000] ^= 0x20
    bad = tmp_path / "zeros.E01"
    bad.write_bytes(bytes(data))
    assert _ewfverify(bad)[0] != 0  # the real tool fails it

    root = tmp_path / "case"
    code, report, err = _ingest(root, bad)

    assert code == 1, err
    record = report["outcomes"][0]["item"]["attributes"]["ewf"]
    assert record["media_md5"] == record["stored_md5"]  # the hash alone would not tell
    assert record["chunks_damaged"] == 1
    assert record["verified"] is False
    [finding] = report["findings"]
    assert "zeros.E01" in finding
    assert "checksum" in finding
    done = _pwb("verify", root, "--json")
    assert done.returncode == 1
    assert [f["kind"] for f in json.loads(done.stdout)["findings"]] == ["ewf_integrity"]
