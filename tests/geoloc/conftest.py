"""Fixtures of the geolocation tests: one gazetteer loaded once per run."""

from __future__ import annotations

import pytest

from geoloc.gazetteer import OfflineGazetteer


@pytest.fixture(scope="session")
def gazetteer() -> OfflineGazetteer:
    """The offline gazetteer (its data loads on the first query, once for all tests)."""
    return OfflineGazetteer()
