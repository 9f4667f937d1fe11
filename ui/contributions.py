"""Every feature's contribution to the main window, built in this order."""

from __future__ import annotations

from collections.abc import Callable

from ui.annotate.contribution import AnnotateContribution
from ui.context import Contribution
from ui.exchange.contribution import ExchangeContribution
from ui.geo.contribution import GeoContribution
from ui.provenance.contribution import ProvenanceContribution

CONTRIBUTIONS: tuple[Callable[[], Contribution], ...] = (
    AnnotateContribution,
    GeoContribution,
    ProvenanceContribution,
    ExchangeContribution,
)
