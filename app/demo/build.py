"""Building the demo case, idempotently.

How idempotency works (and why this way):
- The demo is always built from nothing into a fresh sibling folder, then swapped into place
  (`rename` of the old folder aside, `rename` of the new one in, removal of the old). Steps
  therefore never need to check what exists: each just adds its records. An interrupted or
  failed build leaves the previous demo (or nothing) in place, never half a case.
- A finished build ends with a `demo_built` custody entry holding a digest of what it was
  built from (the seed files, the footage generator's version and the list of steps). Building
  again when that digest matches changes nothing: the same records stay. When the seeds, the
  generator or the steps changed (a feature added its step), the demo is rebuilt.
- Records the demo steps create themselves get uuid5 ids from their seed keys
  (`app.demo.context.stable_id`), and the generated footage is byte-identical on every run,
  so even a forced rebuild (`rebuild=True`) gives the same ids and hashes for them.
- A folder that holds a case that is not a demo is never replaced.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from app.demo.annotate_step import annotate_step
from app.demo.context import DEMO_ACTOR, DemoContext, DemoStep, stable_id
from app.demo.evidence_step import footage_step, hardware_step
from app.demo.geo_step import geo_evidence_step, geo_step
from app.demo.provenance_step import provenance_step
from app.demo.text_step import text_step
from forensics.case import Case, is_case
from forensics.errors import CaseError
from forensics.identity import Examiner
from forensics.jobs import CancelToken, ProgressFn, no_progress
from forensics.media import demo_footage
from forensics.media.demo_manifest import GENERATOR_VERSION
from forensics.store.custody import Action

log = logging.getLogger(__name__)

__all__ = ["STEPS", "DemoContext", "DemoStep", "build_demo", "ensure_demo_case", "stable_id"]

DEMO_TITLE = "Gerbera drone footage (demo)"
DEMO_BUILT = Action.DEMO_BUILT
"""Custody action of the entry that closes a finished demo build."""
DEMO_FOLDER = "demo-case"
"""The demo case's folder name inside the user's data folder."""

STEPS: tuple[DemoStep, ...] = (
    hardware_step,
    footage_step,
    provenance_step,
    geo_step,
    annotate_step,
    geo_evidence_step,
    text_step,
)
"""The demo's parts, in order. A feature appends its own step (import it above)."""


def seeds_digest(steps: tuple[DemoStep, ...] = STEPS) -> str:
    """sha256 over everything a demo is built from: seed files, generator version, steps."""
    h = hashlib.sha256()
    h.update(f"generator:{GENERATOR_VERSION}\n".encode())
    for step in steps:
        h.update(f"step:{step.__module__}.{step.__qualname__}\n".encode())
    for name, data in sorted(_seed_files().items()):
        h.update(f"seed:{name}:{hashlib.sha256(data).hexdigest()}\n".encode())
    return h.hexdigest()


def _seed_files() -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    pending: list[tuple[str, Traversable]] = [("", resources.files("seeds"))]
    while pending:
        prefix, folder = pending.pop()
        for entry in folder.iterdir():
            if entry.is_dir() and not entry.name.startswith(("_", ".")):
                pending.append((f"{prefix}{entry.name}/", entry))
            elif entry.is_file() and entry.name.endswith((".json", ".csv")):
                out[prefix + entry.name] = entry.read_bytes()
    return out


def demo_state(case_dir: Path) -> str | None:
    """The digest a finished demo in `case_dir` was built from.

    Returns:
        The digest; "" for a demo case without one (unfinished); None when `case_dir` is not
        a demo case (missing, empty, or another case).
    """
    if not is_case(case_dir):
        return None
    with Case.open(case_dir, readonly=True) as case:
        details = case.custody.last_details(DEMO_BUILT)
    if details is None:
        return None
    return str(details.get("seeds_digest", ""))


def build_demo(
    case_dir: Path,
    *,
    rebuild: bool = False,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> Path:
    """Build the demo case in `case_dir`, or leave it alone when it is already up to date.

    Args:
        case_dir: where the demo case lives (created when missing).
        rebuild: build again even when the existing demo is up to date.
        progress: called with steps done, steps in total and the step's name.
        cancel: checked between steps; a cancelled build leaves the previous state.

    Returns:
        `case_dir`.

    Raises:
        CaseError: `case_dir` holds something that is not a demo case.
        CancelledError: the build was cancelled.
    """
    case_dir = Path(case_dir)
    cancel = cancel or CancelToken()
    digest = seeds_digest()
    if case_dir.exists():
        state = demo_state(case_dir)
        if state is None and (not case_dir.is_dir() or any(case_dir.iterdir())):
            raise CaseError(f"{case_dir}: exists and is not a demo case; not replaced")
        if state == digest and not rebuild:
            log.info("demo case %s is up to date", case_dir)
            progress(1, 1, "up to date")
            return case_dir
    case_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = case_dir.parent / f".{case_dir.name}.building-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        _build_into(staging, digest, progress, cancel)
        _swap(staging, case_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return case_dir


def _build_into(root: Path, digest: str, progress: ProgressFn, cancel: CancelToken) -> None:
    total = len(STEPS) + 1
    progress(0, total, "generating the footage")
    generated = demo_footage.generate()
    cancel.raise_if_cancelled()
    # The builder signs with a key of its own, made for this build and then forgotten: the
    # demo's entries are the builder's, and whoever opens the case next signs as themselves.
    builder = Examiner.generate(DEMO_ACTOR, organisation="Provenance Workbench", role="demo")
    case = Case.create(root, title=DEMO_TITLE, examiner=DEMO_ACTOR, signer=builder)
    try:
        ctx = DemoContext(
            case=case, ids={}, footage=generated.manifest, files=generated.files(), cancel=cancel
        )
        for done, step in enumerate(STEPS, start=1):
            cancel.raise_if_cancelled()
            progress(done, total, step.__name__)
            step(ctx)
        with case.recording(DEMO_ACTOR) as rec:
            rec.note(
                DEMO_BUILT,
                details={
                    "seeds_digest": digest,
                    "steps": [s.__name__ for s in STEPS],
                    "ids": dict(sorted(ctx.ids.items())),
                },
                reason="demo case built from seeds/",
            )
        progress(total, total, "done")
    finally:
        case.close()


def _swap(staging: Path, case_dir: Path) -> None:
    """Put the new build in place; the old one is moved aside first, then removed."""
    old = case_dir.parent / f".{case_dir.name}.old-{os.getpid()}"
    if case_dir.exists():
        os.rename(case_dir, old)
    try:
        os.rename(staging, case_dir)
    except OSError:
        if old.exists():
            os.rename(old, case_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def ensure_demo_case(
    data_dir: Path,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> Path:
    """The demo case in the user's data folder, built or brought up to date when needed.

    The GUI calls this when started with no argument.

    Returns:
        The demo case's folder (`data_dir / "demo-case"`).
    """
    return build_demo(Path(data_dir) / DEMO_FOLDER, progress=progress, cancel=cancel)
