"""Demo step: annotate the generated footage from its manifest.

The footage is drawn by code, so its manifest knows every object's exact box on every frame;
the demo's annotations are taken from it instead of guessed: the red lanterns on the frame that
shows most of them, the vehicle the camera zooms on as a track (keyframes chosen so the
interpolated boxes stay within two pixels of the drawn car, ending where it leaves the view),
the Viewpro camera reflected in the window pane, and the production hall's airframes on the
still. Each mark is linked to what it supports: the Nanshan hypothesis when an earlier step
registered it, the A40 camera and Viewpro for the reflection. Ids are uuid5 of seed keys, so a
rebuild gives the same records.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from app.demo.context import DemoContext, stable_id
from forensics.annotations import tracks
from forensics.annotations.geometry import box_points
from forensics.annotations.models import TargetType
from forensics.annotations.service import AnnotationService
from forensics.media.demo_manifest import ObjectBox

log = logging.getLogger(__name__)

TRACKED_CAR = "car-2"
TOLERANCE_PX = 2.0
REASON = "demo case built from seeds/"


def _links(ctx: DemoContext, *pairs: tuple[str, str]) -> list[tuple[str, str]]:
    """The links whose targets an earlier step registered."""
    return [(target_type, ctx.ids[key]) for target_type, key in pairs if key in ctx.ids]


def _mark(
    ctx: DemoContext,
    svc: AnnotationService,
    key: str,
    item_id: str,
    frame_index: int,
    obj: ObjectBox,
    label: str,
    note: str,
    links: list[tuple[str, str]],
) -> None:
    """Box `obj` as drawn in the manifest, under the id derived from `key`, and note the id."""
    svc.add(
        item_id,
        frame_index,
        "box",
        box_points(obj.x, obj.y, obj.w, obj.h),
        label,
        note=note,
        links=links,
        annotation_id=stable_id(key),
        reason=REASON,
    )
    ctx.ids[key] = stable_id(key)


def _keyframes(boxes: Sequence[tuple[int, ObjectBox]]) -> list[int]:
    """Greedy: the fewest keyframes whose linear interpolation stays within tolerance."""
    keys = [0]
    start = 0
    for end in range(2, len(boxes)):
        (f0, b0), (f1, b1) = boxes[start], boxes[end]
        for j in range(start + 1, end):
            fj, bj = boxes[j]
            t = (fj - f0) / (f1 - f0)
            for a, b, actual in (
                (b0.x, b1.x, bj.x),
                (b0.y, b1.y, bj.y),
                (b0.x + b0.w, b1.x + b1.w, bj.x + bj.w),
                (b0.y + b0.h, b1.y + b1.h, bj.y + bj.h),
            ):
                if abs(a + (b - a) * t - actual) > TOLERANCE_PX:
                    break
            else:
                continue
            keys.append(end - 1)
            start = end - 1
            break
    if keys[-1] != len(boxes) - 1:
        keys.append(len(boxes) - 1)
    return keys


def _runs(ctx: DemoContext, object_id: str) -> list[list[tuple[int, ObjectBox]]]:
    """Contiguous stretches of frames where an object is drawn."""
    runs: list[list[tuple[int, ObjectBox]]] = []
    last = -2
    for frame in ctx.footage.frames:
        found = next((o for o in frame.objects if o.object_id == object_id), None)
        if found is None:
            continue
        if frame.frame_index != last + 1:
            runs.append([])
        runs[-1].append((frame.frame_index, found))
        last = frame.frame_index
    return runs


def annotate_step(ctx: DemoContext) -> None:
    """Annotate the lanterns, the tracked vehicle, the reflection and the hall.

    `ctx.ids` gets "annotation:lanterns:<object>", "annotation:reflection",
    "annotation:reflection_still", "track:vehicle" and "annotation:hall:<object>".
    """
    footage_id = ctx.id_for("footage")
    svc = AnnotationService(ctx.case, actor=ctx.actor)
    try:
        lanterns = ctx.footage.best_frame("lantern")
        for obj in lanterns.of_label("lantern"):
            if obj.truncated:
                continue
            _mark(
                ctx,
                svc,
                f"annotation:lanterns:{obj.object_id}",
                footage_id,
                lanterns.frame_index,
                obj,
                "lantern",
                "Traditional red Chinese lantern at the roadside",
                _links(ctx, (TargetType.HYPOTHESIS, "nanshan_hypothesis")),
            )

        track = tracks.create_track(
            svc,
            footage_id,
            "vehicle",
            note=("The car the gimbal camera zooms on: target tracking being tested"),
            track_id=stable_id("track:vehicle"),
        )
        ctx.ids["track:vehicle"] = track.id
        road_end = ctx.footage.segment("road").end
        for run in _runs(ctx, TRACKED_CAR):
            for n in _keyframes(run):
                frame, obj = run[n]
                tracks.add_keyframe(
                    svc,
                    track.id,
                    frame,
                    "box",
                    box_points(obj.x, obj.y, obj.w, obj.h),
                    annotation_id=stable_id(f"annotation:track:vehicle:{frame}"),
                )
            leaves = run[-1][0] + 1
            if leaves <= road_end:
                tracks.end_track(
                    svc,
                    track.id,
                    leaves,
                    annotation_id=stable_id(f"annotation:track:vehicle:{leaves}"),
                )

        window = ctx.footage.best_frame("viewpro_reflection")
        [reflection] = window.of_label("viewpro_reflection")
        _mark(
            ctx,
            svc,
            "annotation:reflection",
            footage_id,
            window.frame_index,
            reflection,
            "reflection",
            "A Viewpro gimbal camera reflected in the window pane",
            _links(
                ctx,
                (TargetType.COMPONENT, "camera_a40"),
                (TargetType.MANUFACTURER, "viewpro"),
                (TargetType.HYPOTHESIS, "nanshan_hypothesis"),
            ),
        )

        for name, label, wanted, note in (
            (
                "IMG_0003.jpg",
                "reflection",
                "viewpro_reflection",
                "A Viewpro gimbal camera reflected in the window pane",
            ),
            (
                "IMG_0002.jpg",
                "landmark",
                "airframe",
                "Production hall: drone airframe on a workbench",
            ),
        ):
            still_id = ctx.ids.get(f"still:{name}")
            if still_id is None:
                continue
            for obj in ctx.footage.still(name).objects:
                if obj.label != wanted:
                    continue
                _mark(
                    ctx,
                    svc,
                    f"annotation:still:{name}:{obj.object_id}",
                    still_id,
                    -1,
                    obj,
                    label,
                    note,
                    _links(ctx, (TargetType.HYPOTHESIS, "nanshan_hypothesis")),
                )
    finally:
        svc.close()
    log.info(
        "demo annotations: %d marks, %d keyframes on the vehicle track",
        len(svc.search()),
        len(svc.repo.keyframes(stable_id("track:vehicle"))),
    )
