"""Inputs that could not be ingested: a rejected outcome, logged in the custody chain.

One bad file never stops a batch; it is recorded with its reason so the log shows what was
offered and refused, and the next file goes on.
"""

from __future__ import annotations

from forensics.case import Case
from forensics.intake.records import IngestOptions, IngestOutcome
from forensics.store.custody import Action


def record_rejection(
    case: Case, options: IngestOptions, label: str, reason: str, *, item_id: str | None = None
) -> IngestOutcome:
    """Log an input that could not be ingested, and return its rejected outcome.

    Args:
        case: the open case.
        options: who is ingesting, and why.
        label: the input, escaped for display.
        reason: why it was rejected, as a plain sentence.
        item_id: the item the input belongs to (the image a file inside came from).
    """
    if options.batch is not None:
        options.batch.flush()  # the custody chain keeps the order the inputs came in
    actor = case.actor(options.examiner)
    with case.recording(actor) as rec:
        rec.note(
            Action.INGEST_REJECTED,
            item_id=item_id,
            details={"source_path": label, "reason": reason},
            reason=options.reason,
        )
    return IngestOutcome(label, "rejected", reason=reason)
