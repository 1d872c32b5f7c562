"""Analysis helpers for partnersim results (see docs/OUTPUT.md and docs/ANALYSIS.md).

The readers below need numpy, h5py, pandas and xarray only; `analysis.stats`, `.figures` and
`.report` also use scipy and matplotlib."""

from .results import (
    FORMAT_VERSION,
    cooperative_lifetimes,
    events,
    ledger,
    open_metrics,
    open_organisations,
    organisations,
    provenance,
    ties,
    tidy_metrics,
)

from .sweep import Sweep, load_sweep, morris_effects, sobol_indices

__all__ = [
    "Sweep",
    "load_sweep",
    "morris_effects",
    "sobol_indices",
    "FORMAT_VERSION",
    "cooperative_lifetimes",
    "events",
    "ledger",
    "open_metrics",
    "open_organisations",
    "organisations",
    "provenance",
    "ties",
    "tidy_metrics",
]
