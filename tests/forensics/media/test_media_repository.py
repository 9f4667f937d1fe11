"""MediaRepository: positions, tracks and grouped metadata survive a round trip; verify
notices a position edited behind the custody log's back."""

from __future__ import annotations

import uuid
from typing import Any

from forensics.media.records import MetadataRecord, Position, PositionSource, Track, TrackPoint
from forensics.store.custody import Action
from forensics.store.db import utc_now
from forensics.store.media import SUBJECT, MediaRepository
from forensics.verify import verify_case


def _store(case: Any, item_id: str, lat: float) -> MetadataRecord:
    repo = MediaRepository(case.db)
    now = utc_now()
    record = MetadataRecord(
        id=str(uuid.uuid4()),
        item_id=item_id,
        extractor="test",
        extractor_version="1",
        source_sha256="0" * 64,
        status="ok",
        facts={"gps": {"latitude": lat, "longitude": 2.5}, "camera": {"make": "DJI"}},
        created_at=now,
        created_by="tester",
    )
    position = Position(
        id=str(uuid.uuid4()),
        item_id=item_id,
        lat=lat,
        lon=2.5,
        alt=10.0,
        source=PositionSource.EXIF,
        time=None,
    )
    track = Track(
        id=str(uuid.uuid4()),
        item_id=item_id,
        layout="bracketed",
        points=(
            TrackPoint(0, lat, 2.5, 3.0, None, 0.0),
            TrackPoint(1, lat + 0.001, 2.5, 3.0, None, 1.0),
        ),
        start_time=None,
        end_time=None,
    )
    with case.transaction():
        saved = repo.save(record, [position], [track])
        state = repo.record_state(saved.id)
        assert state is not None
        case.custody.append(
            Action.EXTRACTED, "tester", item_id=item_id, subject=(SUBJECT, saved.id), record=state
        )
    return saved


def test_round_trip_and_replace(case: Any) -> None:
    item = case.add_item(kind="hardware", name="holder")
    first = _store(case, item.id, 1.0)
    second = _store(case, item.id, 1.5)
    repo = MediaRepository(case.db)
    assert second.id == first.id, "re-extraction keeps the record id"
    positions = repo.positions(item.id)
    assert [(p.lat, p.lon, p.source) for p in positions] == [(1.5, 2.5, "exif")]
    assert repo.positions() == positions
    track = repo.track(item.id)
    assert track is not None
    assert [p.lat for p in track.points] == [1.5, 1.501]
    view = repo.metadata(item.id)
    labels = [g.label for g in view.groups]
    assert labels == ["Camera", "GPS"]
    assert ("Latitude", "1.5") in view.pairs()[1][1]
    assert _findings(case) == []


def test_verify_finds_edited_position(case: Any) -> None:
    item = case.add_item(kind="hardware", name="holder")
    _store(case, item.id, 1.0)
    case.db.conn.execute("UPDATE media_positions SET lat = 9.0")
    findings = _findings(case)
    assert [f.kind for f in findings] == ["media_metadata_changed"]


def test_verify_finds_edited_track_point(case: Any) -> None:
    item = case.add_item(kind="hardware", name="holder")
    _store(case, item.id, 1.0)
    assert _findings(case) == []
    case.db.conn.execute("UPDATE media_track_points SET lat = 9.0 WHERE seq = 1")
    assert [f.kind for f in _findings(case)] == ["media_metadata_changed"]


def _findings(case: Any) -> list[Any]:
    return list(verify_case(case, record_result=False).findings)
