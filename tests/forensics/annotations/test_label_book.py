"""Renaming a label and remembering the last one used (issue 17: annotate like CVAT)."""

from __future__ import annotations

import pytest

from forensics.annotations import tracks
from forensics.annotations.service import AnnotationService
from forensics.case import Case
from forensics.errors import ValidationError
from forensics.models import Item


def test_a_rename_carries_every_mark_and_track_and_is_logged(
    case: Case, svc: AnnotationService, counter: Item
) -> None:
    assert svc.last_used_label() is None
    svc.add_label("drone")
    one = svc.add(counter.id, 1, "box", [(10, 10), (50, 50)], "drone").annotation
    other = svc.add(counter.id, 2, "point", [(20, 20)], "person").annotation
    track = tracks.create_track(svc, counter.id, "drone")
    key = tracks.add_keyframe(svc, track.id, 3, "box", [(5, 5), (40, 40)]).annotation
    assert svc.last_used_label() == "drone"

    renamed = svc.rename_label("drone", "uav")
    assert renamed.name == "uav"
    assert "uav" in svc.labels()
    assert "drone" not in svc.labels()
    assert svc.get(one.id).label == "uav"
    assert svc.get(key.id).label == "uav"
    assert svc.repo.get_track(track.id).label == "uav"
    assert svc.get(other.id).label == "person"
    assert svc.last_used_label() == "uav"
    ops = [
        e.details["op"]
        for e in case.custody.entries()
        if e.action == "annotated" and e.details.get("op") in ("label_rename", "edit", "track_edit")
    ]
    assert ops.count("label_rename") == 1
    assert ops.count("edit") == 2  # the mark and the keyframe
    assert ops.count("track_edit") == 1

    with pytest.raises(ValidationError, match="already has"):
        svc.rename_label("uav", "person")
    with pytest.raises(ValidationError, match="no label"):
        svc.rename_label("drone", "quad")
    with pytest.raises(ValidationError, match="needs a name"):
        svc.rename_label("uav", "  ")
