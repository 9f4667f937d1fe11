"""MOT CSV (the MOTChallenge ground-truth layout): boxes of tracked objects per frame.

One `<media sha256>.txt` per video: `frame,id,left,top,width,height,conf,class,visibility`,
frames counted from 1 as MOT does; `classes.txt` beside it maps class numbers to labels. Every
annotation becomes a box around its shape; a mark outside a track is a one-frame object.
"""

from __future__ import annotations

import csv
import logging
from collections import defaultdict
from pathlib import Path

from forensics.annotations.anchor import is_video
from forensics.annotations.collect import ExportReport, start_export
from forensics.annotations.models import AnnotationFilter
from forensics.annotations.service import AnnotationService
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.safe_names import hash_file_name

log = logging.getLogger(__name__)

FORMAT = "mot"
CLASSES_FILE = "classes.txt"


def export_mot(
    svc: AnnotationService,
    out_dir: Path,
    flt: AnnotationFilter | None = None,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> ExportReport:
    """Write one MOT ground-truth CSV per annotated video, and the class list."""
    report, frames = start_export(svc, out_dir, flt, progress=progress, cancel=cancel)
    names = svc.labels().names()
    classes = {name: n + 1 for n, name in enumerate(names)}
    rows: dict[str, list[list[str]]] = defaultdict(list)
    object_ids: dict[str, dict[str, int]] = defaultdict(dict)
    items = {}
    for frame in frames:
        item_id = frame.anchor.item_id
        if item_id not in items:
            items[item_id] = svc.case.items.get(item_id)
        if not is_video(items[item_id]):
            continue
        for shape in frame.shapes:
            ann = shape.annotation
            key = ann.track_id or ann.id
            ids = object_ids[item_id]
            obj = ids.setdefault(key, len(ids) + 1)
            x, y, w, h = shape.bbox()
            rows[item_id].append(
                [
                    str(frame.anchor.frame_index + 1),
                    str(obj),
                    f"{x:.2f}",
                    f"{y:.2f}",
                    f"{w:.2f}",
                    f"{h:.2f}",
                    "1",
                    str(classes.get(ann.label, -1)),
                    "1",
                ]
            )
    for item in items.values():
        if not is_video(item):
            report.warnings.append(f"{item.name}: a still image has no place in MOT; use COCO")
    for item_id, item_rows in rows.items():
        path = out_dir / hash_file_name(items[item_id].sha256, ".txt", what="item sha256")
        item_rows.sort(key=lambda r: (int(r[0]), int(r[1])))
        with path.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerows(item_rows)
        report.files.append(str(path))
    classes_path = out_dir / CLASSES_FILE
    classes_path.write_text(
        "".join(f"{n},{name}\n" for name, n in classes.items()), encoding="utf-8"
    )
    report.files.append(str(classes_path))
    return report
