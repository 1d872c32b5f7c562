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

from .sweep import Sweep, load_sweep, morris_effects, sobol_indices

__all__ = [
    "Sweep",
    "load_sweep",
    "morris_effects",
    "sobol_indices",
    "FORMAT_VERSION",
    "events",
    "ledger",
    "open_metrics",
    "open_organisations",
    "organisations",
    "provenance",
    "ties",
]
