"""Who may do what in a case on a server, enforced by PostgreSQL itself (roles and grants).

Three group roles per case database, made by `setup` (run by the database's owner, who needs
CREATEROLE), named after the database because PostgreSQL roles belong to the whole server:

- `<db>_reviewer`: reads everything and comments (a reviewer's `pwb` opens the case for
  reading and commenting only); the server lets it insert a comment as itself (row-level
  security: the comment's `login` is the connection's), the custody entries a comment makes
  (row-level security: only `comment_added`, and `examiner_added` for its own key's first
  entry) and the custody head, and refuses any other write it might still try;
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
COMMENTS = "comments"
REVIEWER_ACTIONS = ("comment_added", "examiner_added")
"""The custody actions a reviewer may append: a comment, and its key's first entry."""
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
        _case_info_policies(db, everyone, f"{writers}, {q[REVIEWER]}")
        _reviewer_may_comment(db, q[REVIEWER], everyone, writers)
        _ddl(db, f"GRANT {q[EXAMINER]}, {q[REVIEWER]} TO {q[ADMIN]} WITH ADMIN OPTION")
    except Exception as exc:
        if getattr(exc, "sqlstate", None) == "42501":
            raise CaseError(
                "only the case database's owner, with the right to create roles "
                "(CREATEROLE), can set up its team roles"
            ) from exc
        raise
    return names


def _policies(db: Database, table: str, policies: dict[str, str]) -> None:
    """Row-level security on `table` with exactly these policies (name -> its clause)."""
    _ddl(db, f"ALTER TABLE {quote(table)} ENABLE ROW LEVEL SECURITY")
    for name, clause in policies.items():
        _ddl(db, f"DROP POLICY IF EXISTS {quote(name)} ON {quote(table)}")
        _ddl(db, f"CREATE POLICY {quote(name)} ON {quote(table)} {clause}")


def _case_info_policies(db: Database, everyone: str, appenders: str) -> None:
    # Those who append to the chain move its head; nobody but the owner changes a fact.
    head = f"key = '{HEAD_KEY}'"
    _policies(
        db,
        "case_info",
        {
            "case_info_read": f"FOR SELECT TO {everyone} USING (true)",
            "case_info_head": f"FOR UPDATE TO {appenders} USING ({head}) WITH CHECK ({head})",
            "case_info_head_insert": f"FOR INSERT TO {appenders} WITH CHECK ({head})",
        },
    )


def _reviewer_may_comment(db: Database, reviewer: str, everyone: str, writers: str) -> None:
    """The reviewer's one write: a comment as themselves, with its custody entries."""
    _ddl(db, f"GRANT INSERT ON {COMMENTS}, custody, case_examiners TO {reviewer}")
    _ddl(db, f"GRANT INSERT, UPDATE ON case_info TO {reviewer}")
    _policies(
        db,
        COMMENTS,
        {
            "comments_read": f"FOR SELECT TO {everyone} USING (true)",
            "comments_write": f"FOR ALL TO {writers} USING (true) WITH CHECK (true)",
            "comments_own": f"FOR INSERT TO {reviewer} WITH CHECK (login = current_user)",
        },
    )
    actions = ", ".join(f"'{a}'" for a in REVIEWER_ACTIONS)
    _policies(
        db,
        "custody",
        {
            "custody_read": f"FOR SELECT TO {everyone} USING (true)",
            "custody_append": f"FOR INSERT TO {writers} WITH CHECK (true)",
            "custody_comment": f"FOR INSERT TO {reviewer} WITH CHECK (action IN ({actions}))",
        },
    )


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
    """True when the connected role may write records (examiner, admin, owner), not only
    comment (reviewer)."""
    row = db.conn.execute("SELECT has_table_privilege('items', 'INSERT')").fetchone()
    return bool(row[0])


def may_add_people(db: Database) -> bool:
    """True when the connected role may grant the case's roles: a member of its admin role,
    or a role that may create roles (the owner who set the team up)."""
    admin = role_name(_dbname(db), ADMIN)
    row = db.conn.execute(
        "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
    ).fetchone()
    if row is not None and bool(row[0]):
        return True
    if not _exists(db, admin):
        return False
    found = db.conn.execute("SELECT pg_has_role(current_user, ?, 'MEMBER')", (admin,)).fetchone()
    return bool(found[0])


def may_comment(db: Database) -> bool:
    """True when the connected role may add comments (everyone with a role in the case)."""
    row = db.conn.execute(f"SELECT has_table_privilege('{COMMENTS}', 'INSERT')").fetchone()
    return bool(row[0])


def current_login(db: Database) -> str | None:
    """The server login of the connection (what a comment records as its `login`, and what
    the server checks it against); None on a folder case."""
    if not db.on_server:
        return None
    return str(db.conn.execute("SELECT current_user").fetchone()[0])
