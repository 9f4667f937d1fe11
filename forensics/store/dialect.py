"""The SQL the store writes, as PostgreSQL runs it: every difference between the engines, here.

The store's SQL (repositories, the custody log, the migrations) is written once, in the SQLite
dialect the folder case has always used. A case on a PostgreSQL server runs the same
statements through `translate()` (queries) and `schema_statements()` (migrations), which
rewrite the few constructs PostgreSQL spells differently. Each rewrite keeps SQLite's meaning:

- `?` parameters become `%s` (and a literal `%` becomes `%%`, as psycopg parses the whole text);
- `x IS y` between values is `IS NOT DISTINCT FROM` (SQLite's `IS` compares NULLs as equal);
- `LIKE` is `ILIKE` (SQLite's LIKE ignores case), `COLLATE NOCASE` sorts on `lower()`;
- `INSERT OR IGNORE` is `INSERT ... ON CONFLICT DO NOTHING`; `ifnull` is `coalesce`;
  `json_each`/`json_extract`/`json_valid`/`printf` call the `pwb_*` functions
  `COMPAT_FUNCTIONS` creates, which answer as SQLite's do for our uses;
- `BEGIN IMMEDIATE` (a writer) is a plain `BEGIN`: the custody chain is serialised by an
  advisory lock instead (`forensics.store.db.WRITE_LOCK`); `BEGIN DEFERRED` (a reader's snapshot)
  is `REPEATABLE READ`, one consistent state for the whole block;
- `<table>_fts MATCH ?` (FTS5) is `<table>_fts.doc @@ pwb_tsquery(?)`: each FTS5 table is a
  table of `tsvector`s with a GIN index, kept by a trigger, keyed by the content row's `rowid`.

In the schema: every table gets a `rowid` column (an identity, the insertion order SQLite
gives implicitly), TEXT is `TEXT COLLATE "C"` (SQLite's byte order and ASCII-only case
folding whatever the server's locale), INTEGER is BIGINT (sizes pass 2**31), REAL is DOUBLE
PRECISION, BLOB is BYTEA, a foreign key is DEFERRABLE (SQLite's `defer_foreign_keys`),
`x''` is an empty BYTEA; an FTS5 virtual table becomes its
tsvector table, and the SQLite triggers that fed it are replaced by one PL/pgSQL trigger.

Full-text search matches FTS5's `unicode61 remove_diacritics 2` tokenizer: text is
NFD-normalised with the combining marks removed, lower-cased (every script, under the
database's own locale), and split on every character that is not a letter or a digit; each
column's words are numbered from their own base (2000 apart), so a phrase never runs from
one column into the next, as in FTS5. tests/forensics/store/test_fts_parity.py holds the
shared queries both engines must answer alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_STRING = re.compile(r"'(?:[^']|'')*'")
"""A string literal (SQL doubles an embedded quote)."""

_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bBEGIN IMMEDIATE\b", re.I), "BEGIN"),
    (re.compile(r"\bBEGIN DEFERRED\b", re.I), "BEGIN ISOLATION LEVEL REPEATABLE READ"),
    (re.compile(r"(?<!I)\bLIKE\b", re.I), "ILIKE"),
    (re.compile(r'((?:"[^"]*"|[\w.])+) COLLATE NOCASE', re.I), r"lower(\1)"),
    # After a string literal (`LIKE ? ESCAPE '\\' COLLATE NOCASE`): ILIKE ignores case already.
    (re.compile(r"^\s*COLLATE NOCASE\b", re.I), ""),
    (re.compile(r"\bIS\s+NOT\s+(?!NULL\b|TRUE\b|FALSE\b|DISTINCT\b)", re.I), "IS DISTINCT FROM "),
    (
        re.compile(r"\bIS\s+(?!NOT\b|NULL\b|TRUE\b|FALSE\b|DISTINCT\b)", re.I),
        "IS NOT DISTINCT FROM ",
    ),
    (re.compile(r"\bifnull\(", re.I), "coalesce("),
    (re.compile(r"\b(json_each|json_extract|json_valid|printf)\(", re.I), r"pwb_\1("),
    (re.compile(r"\b(\w+_fts) MATCH %s", re.I), r"\1.doc @@ pwb_tsquery(%s)"),
)


def _outside_strings(sql: str, rewrite: object) -> str:
    """Apply `rewrite(text)` to the parts of `sql` that are not string literals."""
    assert callable(rewrite)
    out: list[str] = []
    last = 0
    for m in _STRING.finditer(sql):
        out.append(rewrite(sql[last : m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(rewrite(sql[last:]))
    return "".join(out)


def _code(text: str) -> str:
    text = text.replace("%", "%%").replace("?", "%s")
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return text


_OR_IGNORE = re.compile(r"^(\s*)INSERT OR IGNORE INTO\b", re.I)
_RETURNING = re.compile(r"\sRETURNING\s", re.I)


def _or_ignore(sql: str) -> str:
    """`INSERT OR IGNORE` as PostgreSQL's `ON CONFLICT DO NOTHING` (before any RETURNING)."""
    if not _OR_IGNORE.match(sql):
        return sql
    sql = _OR_IGNORE.sub(r"\1INSERT INTO", sql, count=1)
    returning = _RETURNING.search(sql)
    if returning:
        return sql[: returning.start()] + " ON CONFLICT DO NOTHING" + sql[returning.start() :]
    return sql.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"


@lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """A statement of the store's (SQLite dialect, `?` parameters) as PostgreSQL runs it
    through psycopg. Cached: the store runs the same few hundred statements again and again."""
    sql = _or_ignore(sql)
    # `%` inside literals must be doubled too (psycopg reads the whole text), `?` must not move.
    out: list[str] = []
    last = 0
    for m in _STRING.finditer(sql):
        out.append(_code(sql[last : m.start()]))
        out.append(m.group(0).replace("%", "%%"))
        last = m.end()
    out.append(_code(sql[last:]))
    return "".join(out)


# the schema ----------------------------------------------------------------------------------

_CREATE_TABLE = re.compile(r"^\s*CREATE TABLE (IF NOT EXISTS )?(\w+) \(", re.I)
_TYPES = (
    # Byte order, as SQLite's BINARY: the same sorting, equality, and ASCII-only case folding
    # for lower() and ILIKE (SQLite's NOCASE and LIKE), whatever the server's locale.
    (re.compile(r"\bTEXT\b"), 'TEXT COLLATE "C"'),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
    (re.compile(r"\bBLOB\b"), "BYTEA"),
    # Checked at commit when a transaction asks (SET CONSTRAINTS ALL DEFERRED: a whole case
    # copied table by table), at once otherwise, as SQLite's defer_foreign_keys.
    (re.compile(r"(\bREFERENCES \w+\(\w+\))"), r"\1 DEFERRABLE"),
)
_FTS5 = re.compile(
    r"^\s*CREATE VIRTUAL TABLE (\w+) USING fts5\((.*?)content='(\w+)'.*\)\s*$", re.I | re.S
)
_FTS_TRIGGER = re.compile(r"^\s*CREATE TRIGGER \w+ .*\bINSERT INTO \w+_fts\b", re.I | re.S)

FTS_COLUMN_GAP = 2000
"""How far apart two columns' word positions start in a tsvector (see the module's note)."""


def _ddl(text: str) -> str:
    for pattern, replacement in _TYPES:
        text = pattern.sub(replacement, text)
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return text


def schema_statements(sql: str) -> tuple[str, ...]:
    """One migration statement as the PostgreSQL statements that make the same schema.

    Returns:
        The statements (none for an SQLite trigger that fed an FTS5 table: the tsvector
        table's own trigger, made with it, does that).
    """
    if _FTS_TRIGGER.match(sql):
        return ()
    fts = _FTS5.match(sql)
    if fts:
        columns = [c.strip() for c in fts.group(2).split(",") if c.strip()]
        return fts_tables(fts.group(1), fts.group(3), columns)
    # An empty blob literal, before the literals are set apart (its quotes look like one).
    text = _outside_strings(re.sub(r"\bx''", r"'\\x'::bytea", sql), _ddl)
    table = _CREATE_TABLE.match(text)
    if table:
        # SQLite numbers every row (rowid): the store orders by it and the FTS keys on it.
        head = table.group(0)
        text = (
            head + "\n    rowid BIGINT GENERATED BY DEFAULT AS IDENTITY UNIQUE," + text[len(head) :]
        )
    return (text,)


def fts_declarations(statements: Iterable[str]) -> dict[str, tuple[str, list[str]]]:
    """The FTS5 tables the migrations' `statements` declare (in order, a later declaration
    of a name replacing an earlier): name -> (content table, indexed columns)."""
    found: dict[str, tuple[str, list[str]]] = {}
    for sql in statements:
        fts = _FTS5.match(sql)
        if fts:
            columns = [c.strip() for c in fts.group(2).split(",") if c.strip()]
            found[fts.group(1)] = (fts.group(3), columns)
    return found


def fts_bulk(
    name: str, content: str, columns: list[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Statements to run before and after loading many rows into `content` at once (a case
    copied to a server): the row trigger and the GIN index are set aside while the rows
    arrive, then the tsvector table is filled by one statement and the index built at once,
    several times quicker than a trigger call and an index insertion per row.
    Inside the loading transaction: if it fails, all of it is undone.

    Returns:
        (before, after).
    """
    values = ", ".join(columns)
    return (
        (
            f"ALTER TABLE {content} DISABLE TRIGGER {name}_sync",
            f"DROP INDEX {name}_doc",
        ),
        (
            f"INSERT INTO {name} (rowid, doc) "
            f"SELECT rowid, pwb_fts_doc(ARRAY[{values}]) FROM {content}",
            f"CREATE INDEX {name}_doc ON {name} USING GIN (doc)",
            f"ALTER TABLE {content} ENABLE TRIGGER {name}_sync",
        ),
    )


def fts_tables(name: str, content: str, columns: list[str]) -> tuple[str, ...]:
    """The tsvector table standing for the FTS5 table `name` over `content`'s `columns`."""
    values = ", ".join(f"NEW.{c}" for c in columns)
    return (
        f"CREATE TABLE {name} (rowid BIGINT PRIMARY KEY, doc tsvector NOT NULL)",
        f"CREATE INDEX {name}_doc ON {name} USING GIN (doc)",
        f"""CREATE FUNCTION {name}_sync() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('DELETE', 'UPDATE') THEN
                DELETE FROM {name} WHERE rowid = OLD.rowid;
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                INSERT INTO {name} (rowid, doc) VALUES (NEW.rowid, pwb_fts_doc(ARRAY[{values}]));
            END IF;
            RETURN NULL;
        END $$""",
        f"CREATE TRIGGER {name}_sync AFTER INSERT OR UPDATE OR DELETE ON {content} "
        f"FOR EACH ROW EXECUTE FUNCTION {name}_sync()",
    )


COMPAT_FUNCTIONS: tuple[str, ...] = (
    # FTS5's unicode61 tokenizer, remove_diacritics 2: fold, lower, split on non-alphanumerics.
    r"""CREATE OR REPLACE FUNCTION pwb_fts_words(t text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT btrim(regexp_replace(lower(regexp_replace(
            normalize(coalesce(t, '') COLLATE "default", NFD), '[\u0300-\u036f]', '', 'g')),
            '[^[:alnum:]]+', ' ', 'g'))
    $$""",
    f"""CREATE OR REPLACE FUNCTION pwb_fts_doc(cols text[]) RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(string_agg(
            quote_literal(u.lexeme) || ':' || array_to_string(ARRAY(
                SELECT least(p + (c.i - 1) * {FTS_COLUMN_GAP}, 16383) FROM unnest(u.positions) p
            ), ','), ' '), '')::tsvector
        FROM unnest(cols) WITH ORDINALITY AS c(t, i),
             unnest(to_tsvector('simple', pwb_fts_words(c.t))) AS u
    $$""",
    # The FTS5 queries the store writes: `"word word"*` groups, every group must match, the
    # words of a group in a row (a phrase), the last one as a prefix.
    r"""CREATE OR REPLACE FUNCTION pwb_tsquery(q text) RETURNS tsquery
        LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
        DECLARE
            grp text;
            words text;
            parts text[] := '{}';
        BEGIN
            FOR grp IN SELECT m[1] FROM regexp_matches(q, '"([^"]*)"\*', 'g') AS m LOOP
                words := pwb_fts_words(grp);
                CONTINUE WHEN words = '';
                parts := parts || ('(' || array_to_string(ARRAY(
                    SELECT quote_literal(w) FROM unnest(string_to_array(words, ' ')) w
                ), ' <-> ') || ':*)');
            END LOOP;
            RETURN array_to_string(parts, ' & ')::tsquery;
        END $$""",
    """CREATE OR REPLACE FUNCTION pwb_json_each(t text) RETURNS TABLE (value text)
        LANGUAGE sql IMMUTABLE AS $$
        SELECT x FROM jsonb_array_elements_text(
            CASE WHEN jsonb_typeof(t::jsonb) = 'array' THEN t::jsonb ELSE '[]'::jsonb END) x
    $$""",
    r"""CREATE OR REPLACE FUNCTION pwb_json_valid(t text) RETURNS boolean
        LANGUAGE plpgsql IMMUTABLE AS $$
        BEGIN
            PERFORM t::jsonb;
            RETURN t IS NOT NULL;
        EXCEPTION WHEN others THEN
            RETURN false;
        END $$""",
    # `$.a.b` paths only (what the store asks for).
    r"""CREATE OR REPLACE FUNCTION pwb_json_extract(t text, path text) RETURNS text
        LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN pwb_json_valid(t) THEN
            t::jsonb #>> string_to_array(substr(path, 3), '.') END
    $$""",
    # printf('%.4f, %.4f', a, b): the one use, two numbers to 4 decimals.
    """CREATE OR REPLACE FUNCTION pwb_printf(fmt text, a double precision, b double precision)
        RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT replace(fmt, '%.4f, %.4f',
            to_char(a, 'FM999999990.0000') || ', ' || to_char(b, 'FM999999990.0000'))
    $$""",
)
"""Functions every case database on a server has before its first migration."""
