"""The hypothesis editor's Sun tab: the sun at the place and capture time, and a shadow check.

The time is filled in from the media's metadata (the best of `geoloc.capture_time`'s
candidates, its source named under the field); a time typed badly is answered in words
(`geoloc.sun.parse_time`). Compute shows the result and keeps it as a `SunCheckDraft`, which
the editor records in the hypothesis's history when it is saved; editing the time or the
shadow afterwards drops it, so what is recorded is what was shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QWidget

from forensics.errors import ValidationError
from geoloc.capture_time import CaptureTime
from geoloc.hypotheses import SunCheckDraft
from geoloc.sun import check_shadow, parse_time, sun_position


def _float(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError as exc:
        raise ValidationError(f"the shadow direction {text!r} is not a number") from exc


class SunTab(QWidget):
    """Time, measured shadow, Compute, and the answer.

    Args:
        position: the (lat, lon) the check is for (the editor's fields, else the saved one).
        parent: the usual Qt parent.
    """

    def __init__(
        self, position: Callable[[], tuple[float, float]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._position = position
        self.draft: SunCheckDraft | None = None
        form = QFormLayout(self)
        self.time_edit = QLineEdit()
        self.time_edit.setObjectName("sun_time")
        self.time_edit.setPlaceholderText("capture time with offset, e.g. 2025-05-01T10:00+08:00")
        self.time_edit.textEdited.connect(self._input_changed)
        self.time_source = QLabel("")
        self.time_source.setWordWrap(True)
        self.shadow_edit = QLineEdit()
        self.shadow_edit.setPlaceholderText("measured shadow direction, degrees from north")
        self.shadow_edit.textEdited.connect(self._input_changed)
        compute = QPushButton("&Compute")
        compute.setToolTip("Compute the sun at this place and time; Save keeps it in the history")
        compute.clicked.connect(self.compute)
        self.sun_label = QLabel("")
        self.sun_label.setWordWrap(True)
        form.addRow("Time", self.time_edit)
        form.addRow("", self.time_source)
        form.addRow("Shadow azimuth", self.shadow_edit)
        form.addRow("", compute)
        form.addRow("", self.sun_label)

    def prefill(self, found: Sequence[CaptureTime]) -> None:
        """Put the best capture time in the field (unless one was typed) and say where from."""
        if self.time_edit.text().strip():
            return
        if not found:
            self.time_source.setText(
                "No capture time in the metadata of this hypothesis's media: type one."
            )
            return
        best = found[0]
        self.time_edit.setText(best.time)
        others = "; ".join(f"{c.time} ({c.source})" for c in found[1:4])
        self.time_source.setText(
            f"From {best.describe()}." + (f" Also found: {others}." if others else "")
        )

    def _input_changed(self) -> None:
        if self.draft is not None:
            self.draft = None
            self.sun_label.setText("The time or shadow changed: press Compute again.")

    def compute(self) -> None:
        """Show the sun for the time given, compare a measured shadow, keep the check."""
        self.draft = None
        try:
            when = parse_time(self.time_edit.text())
            lat, lon = self._position()
            sun = sun_position(when, lat, lon)
            text = (
                f"Sun azimuth {sun.azimuth:.1f}°, elevation {sun.elevation:.1f}° "
                f"({sun.when_utc}); shadows point {sun.shadow_azimuth:.1f}°."
            )
            if not sun.is_up:
                text += " The sun is below the horizon."
            measured = _float(self.shadow_edit.text())
            if measured is not None:
                check = check_shadow(sun, measured)
                text += f" Measured {check.measured:.1f}° is {check.difference:.1f}° off: " + (
                    "consistent." if check.consistent else "inconsistent."
                )
        except ValidationError as exc:
            self.sun_label.setText(f"Cannot compute: {exc}")
            return
        self.draft = SunCheckDraft(when, measured)
        self.sun_label.setText(text + " Save keeps this check in the hypothesis's history.")
