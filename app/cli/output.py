"""The CLI's output layer: the only place that prints.

JSON goes to stdout as one document; human text goes to stdout one record per line, with
every name escaped so a hostile file name cannot forge a line; progress goes to stderr.
Every line printed passes through `forensics.textsafe.shown` (each table cell as one value),
so no control character, ANSI escape or bidi override from a case reaches the terminal even
where a command forgot to escape a value.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections.abc import Iterable
from typing import Any, TextIO

from forensics.textsafe import shown, shown_lines


def print_json(document: Any) -> None:
    """Print one JSON document (names were escaped when the records were built)."""
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False))
    sys.stdout.write("\n")


def print_json_list(head: dict[str, Any], key: str, values: Iterable[Any]) -> None:
    """Print one JSON document, `head` with `key` holding `values`, written as they come
    (the same text `print_json` gives for the whole document, without holding it)."""
    start = json.dumps(head, indent=2, ensure_ascii=False)[:-2] if head else "{"
    sys.stdout.write(start + ("," if head else "") + f"\n  {json.dumps(key)}: [")
    first = True
    for value in values:
        text = json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n    ")
        sys.stdout.write(("\n    " if first else ",\n    ") + text)
        first = False
    sys.stdout.write("]\n}\n" if first else "\n  ]\n}\n")


def say(text: str = "") -> None:
    """Print one line of human output (control characters made visible)."""
    print(shown_lines(text))


def warn(text: str) -> None:
    """Print one line to stderr (control characters made visible)."""
    print(shown_lines(text), file=sys.stderr)


def table(rows: list[list[str]], headers: list[str]) -> None:
    """Print rows as aligned columns; each cell is one value, shown on one line."""
    rows = [[shown(c) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


class ProgressBar:
    """A terminal progress bar on stderr, redrawn at most ten times a second.

    It stays silent when stderr is not a terminal, so logs and pipes stay clean.
    """

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self._label = label
        self._stream = stream or sys.stderr
        self._enabled = self._stream.isatty()
        self._last = 0.0
        self._drawn = False

    def __call__(self, done: int, total: int, message: str) -> None:
        if not self._enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and done < total:
            return
        self._last = now
        width = 30
        if total > 0:
            frac = min(1.0, done / total)
            bar = "#" * int(frac * width)
            head = f"{self._label} [{bar.ljust(width)}] {frac * 100:5.1f}% "
        else:
            head = f"{self._label} {done} "
        text = head + _fit(shown(message), shutil.get_terminal_size().columns - len(head) - 1)
        self._stream.write("\r\x1b[2K" + text)
        self._stream.flush()
        self._drawn = True

    def close(self) -> None:
        """End the bar's line."""
        if self._enabled and self._drawn:
            self._stream.write("\n")
            self._stream.flush()


def _fit(message: str, room: int) -> str:
    """The message in `room` columns: phases (" · "-separated) are kept, and the last part
    (a file name) loses its start first, where a path is least telling."""
    room = max(room, 20)
    if len(message) <= room:
        return message
    *phases, last = message.split(" · ")
    lead = " · ".join(phases) + (" · " if phases else "")
    if len(lead) + 8 > room:
        return message[: room - 1] + "…"
    return lead + "…" + last[-(room - len(lead) - 1) :]
