"""Plots of one result file: people by state, programme flows, capacity, money and ties.

Each panel shows the mean over replicates as a line and the range over replicates as a band.
"""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")  # files only; no display needed on servers
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .results import open_metrics  # noqa: E402

#: Panel title -> metrics drawn in it (missing metrics are skipped).
PANELS = {
    "People by state": ["people_excluded", "people_in_programme", "people_employed_social", "people_employed_open"],
    "Programme flows per month": ["programme_entries", "programme_completions", "programme_dropouts",
                                  "programme_places_cut", "social_placements"],
    "Capacity": ["programme_places", "funded_places", "social_job_vacancies"],
    "Organisations, ties and funding": ["organisations_alive", "ties_active", "programmes_active"],
}


def plot_result(path: str | os.PathLike, output: str | os.PathLike) -> plt.Figure:
    """Draws the standard panels of one result into `output` (PNG, SVG or PDF by suffix)."""
    ds = open_metrics(path)
    months = [str(m) for m in ds["month"].values]
    x = np.arange(len(months))
    fig, axes = plt.subplots(2, 2, figsize=(13, 8), sharex=True)
    for ax, (title, names) in zip(axes.flat, PANELS.items()):
        for name in names:
            if name not in ds:
                continue
            values = ds[name].values  # [replicate, month]
            ax.plot(x, values.mean(axis=0), label=f"{name} ({ds[name].attrs.get('unit', '')})", gid=name)
            ax.fill_between(x, values.min(axis=0), values.max(axis=0), alpha=0.2)
        ax.set_title(title)
        ax.legend(fontsize=7, loc="best")
        ax.grid(alpha=0.3)
    ticks = x[:: max(1, len(x) // 8)]
    for ax in axes[1]:
        ax.set_xticks(ticks, [months[i] for i in ticks], rotation=45, ha="right")
    replicates = ds.sizes["replicate"]
    fig.suptitle(f"{ds.attrs.get('scenario_name', '')}: mean and range over {replicates} replicate(s)")
    fig.tight_layout()
    fig.savefig(output, dpi=110)
    return fig
