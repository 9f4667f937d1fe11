"""`pwb --version [--json]`: our version, and with `--json` every decoder's, for the record.

Handled before the command parser is built, so `pwb --version` loads no command module and no
decoder; `--json` then loads each decoder once to ask it its version (`forensics.versions`).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from app.cli.common import EXIT_OK, UsageError
from app.cli.output import print_json, say


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


HELP = (
    "print the version and exit; with --json, the versions of every decoder and reader that "
    "produces findings (Pillow and its codecs, pillow-heif, pillow-jxl-plugin, OpenCV, PyAV "
    "and FFmpeg, exifread, MediaInfo, TSK, libewf, SQLite, Python)"
)


def wants_version(words: Sequence[str], command: str | None) -> bool:
    """True for `pwb --version ...` (a `--version` before any command)."""
    return command is None and "--version" in words


def run_version(words: Sequence[str]) -> int:
    """Print the version (`--json`: the full document of `forensics.versions.collect`)."""
    parser = _Parser(prog="pwb", add_help=False)
    parser.add_argument("--version", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(list(words))
    from forensics import versions

    if args.json:
        print_json(versions.collect())
    else:
        say(f"pwb {versions.app_version()}")
    return EXIT_OK
