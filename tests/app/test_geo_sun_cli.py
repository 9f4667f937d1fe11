"""`pwb geo sun` in real `pwb` processes: the time from the media's metadata, the check kept
in the hypothesis's history (`--record`), and a bad time answered in words."""

from __future__ import annotations

import re
from pathlib import Path

from tests.app.cli_process import pwb, pwb_json

NOKIA = Path("exif-samples") / "jpg" / "mobile" / "HMD_Nokia_8.3_5G.jpg"


def _exifread_gps_time(corpus: Path) -> str:
    """The GPS date and time exifread's own dump gives for the Nokia photo (the truth)."""
    dump = (corpus / "expected" / "exif-samples_dump.txt").read_text(encoding="utf-8")
    block = dump.split("Opening: exif-samples-master/jpg/mobile/HMD_Nokia_8.3_5G.jpg\n", 1)[1]
    block = block.split("Opening:", 1)[0]
    date = re.search(r"GPS GPSDate \(ASCII\): (\d{4}):(\d\d):(\d\d)", block)
    time = re.search(r"GPS GPSTimeStamp \(Ratio\): \[(\d+), (\d+), (\d+)\]", block)
    assert date
    assert time
    h, m, s = (int(x) for x in time.groups())
    return f"{'-'.join(date.groups())}T{h:02d}:{m:02d}:{s:02d}Z"


def test_sun_check_from_metadata_time_is_recorded_in_history(tmp_path: Path, corpus: Path) -> None:
    case = tmp_path / "case"
    pwb_json("init", case, "--title", "Sun", "--examiner", "A. Analyst")
    pwb_json("ingest", case, corpus / NOKIA)
    [h] = pwb_json("geo", "list", case)["hypotheses"]  # made from its EXIF GPS position
    hid = h["id"]

    # No --time: the GPS time in the photo's metadata, named as the source.
    looked = pwb_json("geo", "sun", case, hid[:8])
    assert looked["when_utc"] == _exifread_gps_time(corpus)
    assert "GPS time" in looked["time_source"]
    assert looked["recorded_version"] is None
    assert [e["action"] for e in pwb_json("geo", "show", case, hid)["history"]] == [
        "hypothesis_added"
    ]

    # --record keeps it: a new version in the history, with its custody entry.
    shadow = (looked["shadow_azimuth_deg"] + 5) % 360
    recorded = pwb_json(
        "geo",
        "sun",
        case,
        hid[:8],
        "--record",
        "--shadow-azimuth",
        f"{shadow}",
        "--reason",
        "shadow of the lamp post",
    )
    assert recorded["recorded_version"] == 2
    assert recorded["shadow_check"]["consistent"] is True
    shown = pwb_json("geo", "show", case, hid)
    last = shown["history"][-1]
    assert (last["version"], last["action"]) == (2, "hypothesis_sun_checked")
    assert last["changes"]["sun_check"]["azimuth_deg"] == recorded["azimuth_deg"]
    assert last["reason"] == "shadow of the lamp post"
    text = pwb("geo", "show", case, hid)
    assert text.returncode == 0
    assert "sun checked for 2022-08-14T11:12:32+00:00" in text.stdout
    assert "consistent" in text.stdout
    log = pwb_json("log", case)["entries"]
    assert [e["action"] for e in log].count("hypothesis_sun_checked") == 1
    assert pwb_json("verify", case)["ok"] is True


def test_bad_time_is_answered_in_words(tmp_path: Path, corpus: Path) -> None:
    case = tmp_path / "case"
    pwb_json("init", case, "--title", "Sun", "--examiner", "A. Analyst")
    item = pwb_json("add", case, "--name", "footage")["id"]
    hid = pwb_json(
        "geo",
        "add",
        case,
        "--item",
        item,
        "--lat",
        "22.53",
        "--lon",
        "113.93",
        "--method",
        "visual landmark",
    )["id"]
    for given, words in (
        ("yesterday", "is not a date and time"),
        ("2025-05-01T10:00", "has no UTC offset"),
    ):
        done = pwb("geo", "sun", case, hid, "--time", given, "--record")
        assert done.returncode == 2
        assert words in done.stderr
        assert "isoformat" not in done.stderr
    # No media behind the hypothesis and no --time: say what to do.
    done = pwb("geo", "sun", case, hid)
    assert done.returncode == 2
    assert "give --time" in done.stderr
    # Nothing was recorded by the refused checks; EXIF's date form is understood.
    assert len(pwb_json("geo", "show", case, hid)["history"]) == 1
    ok = pwb_json("geo", "sun", case, hid, "--time", "2025:05:01 10:00:00+08:00")
    assert ok["when_utc"] == "2025-05-01T02:00:00Z"
