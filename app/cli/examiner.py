"""Who the CLI acts as: the examiner profile chosen on the command line or in the environment.

`pwb --profile NAME COMMAND ...` (the option may stand anywhere on the line, so every command
takes it), else `PWB_PROFILE`, else the profile `pwb profile use` chose. `main` activates it
before running a command; a command that writes asks for it through `require_examiner`, which
unlocks the key at once (asking the passphrase on the terminal), so a wrong passphrase stops
the command before it changes anything.

Every run imports this module (for `pop_profile`), so the profile store is imported when a
profile is activated, not before: `pwb --version` and `pwb --help` never read one.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from forensics.errors import ValidationError

if TYPE_CHECKING:
    from forensics.identity import Examiner

PROFILE_FLAG = "--profile"
HELP = "the examiner profile to act as (default: PWB_PROFILE, else `pwb profile use`'s)"

_problem: str | None = None
"""Why no examiner could be activated (reported when a command needs one)."""


def pop_profile(words: Sequence[str]) -> tuple[str | None, list[str]]:
    """Take `--profile NAME` / `--profile=NAME` out of the command line, wherever it is."""
    rest: list[str] = []
    chosen: str | None = None
    it = iter(words)
    for word in it:
        if word == "--":
            rest.append(word)
            rest.extend(it)
            break
        if word == PROFILE_FLAG:
            chosen = next(it, None)
            if chosen is None:
                raise ValidationError(f"{PROFILE_FLAG} needs a profile name")
        elif word.startswith(PROFILE_FLAG + "="):
            chosen = word.split("=", 1)[1]
        else:
            rest.append(word)
    return chosen, rest


def _ask(prompt: str) -> str:
    if not sys.stdin.isatty():
        raise ValidationError(f"{prompt}: no terminal to ask on (set PWB_PASSPHRASE)")
    return getpass.getpass(f"{prompt}: ")


def activate(explicit: str | None) -> Examiner | None:
    """Act as the chosen profile from now on (None: no profile chosen or found).

    Raises:
        ValidationError: `--profile` names a profile that does not exist.
    """
    global _problem
    from app.profiles import ProfileStore
    from forensics.identity import use_examiner

    store = ProfileStore()
    try:
        profile = store.selected(explicit)
    except ValidationError as exc:
        if explicit is not None:
            raise
        _problem = str(exc)
        profile = None
    if profile is None:
        use_examiner(None)
        return None
    examiner = store.examiner(profile, _ask)
    use_examiner(examiner)
    return examiner


def require_examiner() -> Examiner:
    """The acting examiner, its key unlocked, for a command that writes to a case.

    Raises:
        ValidationError: no profile to act as, or its key cannot be unlocked.
    """
    from forensics.identity import session_examiner

    examiner = session_examiner()
    if examiner is None:
        why = f"{_problem}; " if _problem else ""
        raise ValidationError(
            f"{why}no examiner profile: what you do in a case is signed with your key. "
            'Create one with `pwb profile create HANDLE --name "Your Name" --org ORG '
            "--role ROLE`, or choose one with --profile NAME"
        )
    examiner.unlock()
    return examiner
