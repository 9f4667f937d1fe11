"""README's server commands run against the suite's own PostgreSQL (tests/pg_server.py).

README writes `postgresql://ann@db.lab:5432/drone_case`: a person's login on the team's server
and the case's database. Here each such URL becomes a database of the test process's own
server (a free port chosen at run time, one server per pytest-xdist worker): an empty one for
the commands that make a case there (`init`, `unpack`, `copy-case` to it), else a copy of a
server case made once from the demo case (`CREATE DATABASE ... TEMPLATE`, with its own copy of
the evidence folder), so no command sees what another did. README's people keep their parts:
`ann` and `owner` are the database's owner (the server's superuser here), `alan` and `rita`
are logins of their own, whose passwords are in a password file as a user's would be.
"""

from __future__ import annotations

import secrets
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg

from tests.pg_server import ADMIN, PgServer

OWNERS = frozenset({"ann", "owner"})
"""README's database owners: the server's superuser here."""
LOGINS = ("alan", "rita")
"""README's other people: each a login of their own on the server."""

MAKES_A_CASE = frozenset({"init", "unpack"})
"""Commands whose URL names the empty database a new case goes into."""


@dataclass
class ReadmeServer:
    """The server README's URLs are filled from, and a server case to copy per command."""

    server: PgServer
    master: str
    """The database name of a server case copied from the demo case (never used directly)."""
    master_evidence: Path
    passfile: Path
    """Every README person's password, as libpq reads them (`PGPASSFILE`)."""

    def _sql(self, dbname: str, sql: str, params: tuple[Any, ...] = ()) -> None:
        with psycopg.connect(
            host=str(self.server.socket_dir),
            port=self.server.port,
            user=ADMIN,
            dbname=dbname,
            autocommit=True,
        ) as conn:
            conn.execute(sql.encode(), params)

    def copy_of_master(self, cwd: Path) -> str:
        """A new database holding the demo's server case, its evidence copied into `cwd`."""
        name = f"readme_{uuid.uuid4().hex[:12]}"
        self._sql("postgres", f'CREATE DATABASE "{name}" TEMPLATE "{self.master}"')
        evidence = cwd / f"evidence-{name}"
        shutil.copytree(self.master_evidence, evidence, symlinks=True)
        self._sql(
            name, "UPDATE case_info SET value = %s WHERE key = 'evidence_store'", (str(evidence),)
        )
        return name

    def url(
        self,
        readme_url: str,
        command: str,
        position: int,
        cwd: Path,
        main_json: Callable[..., Any],
    ) -> str:
        """The URL of this server's database standing for `readme_url` in `command`.

        Args:
            readme_url: the URL as README writes it.
            command: the command's name ("init", "team add", ...).
            position: where the URL stands among the command's words.
            cwd: the test's folder (evidence copies go there).
            main_json: runs `pwb ... --json` in this process, for setting up.
        """
        user = urlsplit(readme_url).username or ADMIN
        user = ADMIN if user in OWNERS else user
        if command in MAKES_A_CASE or (command == "copy-case" and position == 2):
            return self.server.new_database("readme").replace(f"//{ADMIN}@", f"//{user}@")
        name = self.copy_of_master(cwd)
        if command.startswith("team"):
            # The case's team as README's earlier lines leave it: set up, alan its admin.
            main_json("team", "setup", self.server.url(name))
            main_json("team", "add", self.server.url(name), "alan", "--role", "admin")
        return self.server.url(name, user=user)


def make_readme_server(
    server: PgServer, demo: Path, root: Path, main_json: Callable[..., Any]
) -> ReadmeServer:
    """Logins for README's people, their password file, and the demo case on the server."""
    lines = [f"127.0.0.1:{server.port}:*:{ADMIN}:{server.password}"]
    for login in LOGINS:
        password = secrets.token_hex(12)
        server.admin_sql(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{login}') "
            f"THEN CREATE ROLE {login} LOGIN; END IF; END $$"
        )
        server.admin_sql(f"ALTER ROLE {login} PASSWORD '{password}'")
        lines.append(f"127.0.0.1:{server.port}:*:{login}:{password}")
    passfile = root / "pgpass"
    passfile.write_text("\n".join(lines) + "\n")
    passfile.chmod(0o600)
    master = server.new_database("readme_master")
    evidence = root / "master-evidence"
    main_json("copy-case", demo, master, "--evidence", evidence)
    return ReadmeServer(server, master.rsplit("/", 1)[-1], evidence, passfile)
