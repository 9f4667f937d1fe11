"""A case is a folder or a server URL; a URL never carries a password."""

from __future__ import annotations

from pathlib import Path

import pytest

from forensics.errors import CaseError
from forensics.store.location import ServerLocation, parse_location


def test_a_url_is_a_server_location() -> None:
    where = parse_location("postgresql://ann@db.lab:5433/drone_case")
    assert isinstance(where, ServerLocation)
    assert (where.user, where.host, where.port, where.dbname) == (
        "ann",
        "db.lab",
        5433,
        "drone_case",
    )
    assert where.shown == "postgresql://ann@db.lab:5433/drone_case"


def test_folders_stay_folders_even_with_odd_names(tmp_path: Path) -> None:
    assert parse_location(tmp_path / "postgresql:") == tmp_path / "postgresql:"
    assert parse_location("cases/postgresql://x") == Path("cases/postgresql://x")
    assert parse_location(str(tmp_path)) == tmp_path


@pytest.mark.parametrize(
    "url",
    ["postgresql://ann:s3cret@db/case", "postgresql://ann@db/case?password=s3cret"],
)
def test_a_password_in_the_url_is_refused_without_repeating_it(url: str) -> None:
    with pytest.raises(CaseError) as caught:
        parse_location(url)
    assert "s3cret" not in str(caught.value)
    assert "pgpass" in str(caught.value).lower()


def test_a_url_without_a_database_is_refused() -> None:
    with pytest.raises(CaseError, match="names no database"):
        parse_location("postgresql://ann@db:5432/")
    # A service file may name the database.
    assert isinstance(parse_location("postgresql:///?service=team"), ServerLocation)
