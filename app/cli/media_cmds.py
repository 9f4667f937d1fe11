"""`pwb` subcommands of this feature (registered by `app.cli.COMMAND_MODULES`)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this feature's subcommands to `pwb`."""
