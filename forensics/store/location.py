"""Where a case lives: a folder (SQLite, the embedded default) or a PostgreSQL server URL.

Every command and the GUI's Open take either; `parse_location` is the one place that tells
them apart, so a folder whose name merely looks odd is never mistaken for a server and a URL
is never turned into a path (a `Path` would fold its `//`).

Credentials never live in a case URL: libpq reads them from its usual places (`PGPASSWORD`,
`~/.pgpass` or `PGPASSFILE`, a service file named by `service=` or `PGSERVICE`). A URL that
carries a password is refused, so it cannot reach a shell history, the recent-cases list, a
log or the custody chain; `ServerLocation.shown` is the form printed and stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from forensics.errors import CaseError

SCHEMES = ("postgresql", "postgres")
"""The URL schemes libpq accepts."""


@dataclass(frozen=True)
class ServerLocation:
    """A case database on a PostgreSQL server.

    Attributes:
        url: the URL as libpq reads it (no password: see the module's note).
        user: the role it connects as ("" when libpq picks: the login name or the service).
        host: the server ("" for libpq's default: the local socket or the service).
        port: its port (None: libpq's default).
        dbname: the case's database.
    """

    url: str
    user: str
    host: str
    port: int | None
    dbname: str

    @property
    def shown(self) -> str:
        """The URL to print, log and remember."""
        return self.url

    def __str__(self) -> str:
        return self.url


def is_server_url(text: str | Path) -> bool:
    """True when `text` names a case on a server rather than a folder."""
    return isinstance(text, str) and text.split(":", 1)[0].lower() in SCHEMES and "://" in text


def parse_server_url(text: str) -> ServerLocation:
    """A server location from `postgresql://USER@HOST:PORT/DB`.

    Raises:
        CaseError: the URL carries a password, names no database, or cannot be read.
    """
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise CaseError(f"cannot read the case URL ({exc})") from exc
    if parts.password is not None:
        raise CaseError(
            "the case URL holds a password: give it to libpq instead (PGPASSWORD, ~/.pgpass "
            "or a service file), so it is never stored or printed"
        )
    if any(key.lower() == "password" for key, _ in parse_qsl(parts.query)):
        raise CaseError("the case URL holds a password= option: use ~/.pgpass or PGPASSWORD")
    dbname = unquote(parts.path.lstrip("/"))
    service = any(key.lower() == "service" for key, _ in parse_qsl(parts.query))
    if not dbname and not service:
        raise CaseError(f"{text}: the case URL names no database (postgresql://USER@HOST/DB)")
    return ServerLocation(
        url=text,
        user=unquote(parts.username or ""),
        host=parts.hostname or "",
        port=port,
        dbname=dbname,
    )


def parse_location(text: str | Path | ServerLocation) -> Path | ServerLocation:
    """A case folder, or a server location for a `postgresql://` URL."""
    if isinstance(text, ServerLocation):
        return text
    if is_server_url(text):
        return parse_server_url(str(text))
    return Path(text)
