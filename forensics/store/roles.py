"""Who may do what in a case on a server, enforced by PostgreSQL itself (roles and grants).

Three group roles per case database, made by `setup` (run by the database's owner, who needs
CREATEROLE), named after the database because PostgreSQL roles belong to the whole server:

- `<db>_reviewer`: reads everything; changes nothing (a reviewer's `pwb` opens the case for
  reading only, as on read-only media, and the server refuses any write it might still try);
- `<db>_examiner`: reads and writes records, appends to the custody chain;
- `<db>_admin` (case administrator): an examiner who also adds people to the case (the two
  other roles are granted to it WITH ADMIN OPTION) and seals.

What no role but the owner may do, whatever a program asks: change or remove a custody
entry, a seal or an examiner's key (`custody`, `seals`, `case_examiners` are insert-only),
or change the case's facts (row-level security on `case_info` lets examiners write only the
custody head). Each person connects as their own login role, so the server knows who wrote.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from forensics.errors import CaseError
from forensics.store.rows import quote

if TYPE_CHECKING:
    from forensics.store.database import Database

REVIEWER = "reviewer"
EXAMINER = "examiner"
ADMIN = "admin"
ROLES = (EXAMINER, REVIEWER, ADMIN)

APPEND_ONLY = ("custody", "seals", "case_examiners")
"""Tables whose rows nobody but the owner may change or remove once written."""

HEAD_KEY = "custody_head"


def role_name(dbname: str, role: str) -> str:
    """The server role standing for `role` in the case database `dbname`."""
    name = f"{dbname}_{role}"
    if len(name.encode()) > 63:  # PostgreSQL cuts identifiers at 63 bytes
        name = f"pwb_{hashlib.sha256(dbname.encode()).hexdigest()[:16]}_{role}"
    return name


def _dbname(db: Database) -> str:
    return str(db.conn.execute("SELECT current_database()").fetchone()[0])


def _exists(db: Database, role: str) -> bool:
    row = db.conn.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", (role,)).fetchone()
    return row is not None


def _ddl(db: Database, sql: str) -> None:
    db.conn.execute_schema(sql)  # type: ignore[attr-defined]


def setup(db: Database) -> dict[str, str]:
    """Make the case's three roles and their grants (again: brings grants up to date).

    Returns:
        role -> server role name.

    Raises:
        CaseError: not a server case, or the connected role may not create roles.
    """
    if not db.on_server:
        raise CaseError("team roles are for a case on a server")
    dbname = _dbname(db)
    names = {role: role_name(dbname, role) for role in ROLES}
    q = {role: quote(name) for role, name in names.items()}
    everyone = ", ".join(q.values())
    writers = f"{q[EXAMINER]}, {q[ADMIN]}"
    try:
        for name in names.values():
            if not _exists(db, name):
                _ddl(db, f"CREATE ROLE {quote(name)} NOLOGIN")
        _ddl(db, f"GRANT CONNECT ON DATABASE {quote(dbname)} TO {everyone}")
        _ddl(db, f"GRANT USAGE ON SCHEMA public TO {everyone}")
        _ddl(db, f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {everyone}")
        _ddl(db, f"GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {writers}")
        _ddl(db, f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {writers}")
        # Tables a later version's migrations add (run by the owner) get the same grants.
        _ddl(db, f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {everyone}")
        _ddl(
            db,
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
            f"GRANT INSERT, UPDATE, DELETE ON TABLES TO {writers}",
        )
        _ddl(db, f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO {writers}")
        tables = ", ".join(t for t in APPEND_ONLY if t in db.table_names())
        _ddl(db, f"REVOKE UPDATE, DELETE ON {tables} FROM {writers}")
        _ddl(db, "ALTER TABLE case_info ENABLE ROW LEVEL SECURITY")
        for policy in ("case_info_read", "case_info_head", "case_info_head_insert"):
            _ddl(db, f"DROP POLICY IF EXISTS {policy} ON case_info")
        _ddl(db, f"CREATE POLICY case_info_read ON case_info FOR SELECT TO {everyone} USING (true)")
        _ddl(
            db,
            f"CREATE POLICY case_info_head ON case_info FOR UPDATE TO {writers} "
            f"USING (key = '{HEAD_KEY}') WITH CHECK (key = '{HEAD_KEY}')",
        )
        _ddl(
            db,
            f"CREATE POLICY case_info_head_insert ON case_info FOR INSERT TO {writers} "
            f"WITH CHECK (key = '{HEAD_KEY}')",
        )
        _ddl(db, f"GRANT {q[EXAMINER]}, {q[REVIEWER]} TO {q[ADMIN]} WITH ADMIN OPTION")
    except Exception as exc:
        if getattr(exc, "sqlstate", None) == "42501":
            raise CaseError(
                "only the case database's owner, with the right to create roles "
                "(CREATEROLE), can set up its team roles"
            ) from exc
        raise
    return names


def grant(db: Database, login: str, role: str) -> str:
    """Give a person (their login role on the server) a role in this case.

    Returns:
        The server role granted.

    Raises:
        CaseError: unknown role, no such login, the team roles not set up, or the connected
            person is not this case's administrator.
    """
    if role not in ROLES:
        raise CaseError(f"unknown role '{role}' (use one of {', '.join(ROLES)})")
    name = role_name(_dbname(db), role)
    if not _exists(db, name):
        raise CaseError("the case has no team roles yet: its owner runs `pwb team setup` first")
    if not _exists(db, login):
        raise CaseError(
            f"no login '{login}' on the server: its administrator makes it first "
            f"(CREATE ROLE {login} LOGIN)"
        )
    try:
        _ddl(db, f"GRANT {quote(name)} TO {quote(login)}")
    except Exception as exc:
        if getattr(exc, "sqlstate", None) == "42501":
            raise CaseError(
                "only the case's administrator (or its owner) adds people to it"
            ) from exc
        raise
    return name


def members(db: Database) -> list[tuple[str, str]]:
    """`(login, role)` for everyone given a role in this case, sorted."""
    names = {role_name(_dbname(db), role): role for role in ROLES}
    marks = ", ".join("?" for _ in names)
    rows = db.conn.execute(
        "SELECT m.rolname AS login, r.rolname AS grp FROM pg_auth_members am "
        "JOIN pg_roles r ON r.oid = am.roleid JOIN pg_roles m ON m.oid = am.member "
        f"WHERE r.rolname IN ({marks}) AND m.rolname NOT IN ({marks})",
        [*names, *names],
    )
    return sorted((str(r["login"]), names[str(r["grp"])]) for r in rows)


def may_write(db: Database) -> bool:
    """True when the connected role may append to the custody chain (examiner, admin, owner)."""
    row = db.conn.execute("SELECT has_table_privilege('custody', 'INSERT')").fetchone()
    return bool(row[0])
