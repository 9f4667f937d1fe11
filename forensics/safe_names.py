"""Output file names made only from validated hashes, never from a record value as it is.

A record can come from another team's archive (issue 14): an annotation whose
`frame_pixel_sha256` was `../../x` made an export write outside its folder. So every file name
built from a case value goes through `hash_file_name`, which accepts exactly 64 lowercase hex
digits and a short lowercase suffix, and nothing else can reach a path.
"""

from __future__ import annotations

import re

from forensics.errors import ValidationError
from forensics.textsafe import escape_name

_SHA256 = re.compile(r"[0-9a-f]{64}")
_SUFFIX = re.compile(r"(\.[a-z0-9]{1,8})?")


def checked_sha256(value: object, *, what: str = "sha256") -> str:
    """`value` when it is a sha256 hex digest.

    Raises:
        ValidationError: naming `what` and the (escaped) value.
    """
    if isinstance(value, str) and _SHA256.fullmatch(value):
        return value
    shown = escape_name(value) if isinstance(value, str | bytes) else repr(value)
    raise ValidationError(f"{what} {shown!r} is not a sha256 (64 lowercase hex digits)")


def hash_file_name(sha256: object, suffix: str = "", *, what: str = "sha256") -> str:
    """The file name `<sha256><suffix>`, from a checked hash and one of our own suffixes.

    Raises:
        ValidationError: the hash is not 64 lowercase hex digits, or the suffix is not ours.
    """
    if not _SUFFIX.fullmatch(suffix):
        raise ValidationError(f"file suffix {escape_name(suffix)!r} is not a plain extension")
    return checked_sha256(sha256, what=what) + suffix
