"""Analysis helpers for partnersim results (see docs/OUTPUT.md)."""

from .results import (
    FORMAT_VERSION,
    events,
    ledger,
    open_metrics,
    open_organisations,
    organisations,
    provenance,
    ties,
)

__all__ = [
    "FORMAT_VERSION",
    "events",
    "ledger",
    "open_metrics",
    "open_organisations",
    "organisations",
    "provenance",
    "ties",
]
