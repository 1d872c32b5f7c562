"""Load a sweep made by `partnersim batch` (DIR/sweep.h5, docs/BATCH.md) and analyse it.

- ``load_sweep(DIR)``: the design table (one row per run, one column per varied parameter)
  and the gathered metrics as [run, step] frames.
- ``morris_effects``: Morris elementary effects, mu, mu* and sigma per parameter, with
  bootstrap confidence intervals over trajectories (design ``morris``).
- ``sobol_indices``: Sobol first-order (Saltelli 2010) and total (Jansen 1999) indices with
  bootstrap confidence intervals over base rows (design ``saltelli``).
- ``plot_morris``, ``plot_sobol``, ``plot_outcome``: figures.

Replicates: with several replicates per point the estimators use the mean outcome of the
point's replicates (with common random numbers this keeps the comparison between points
paired). Failed runs have NaN outcomes; trajectories or base rows touching one are dropped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import h5py
import numpy as np
import pandas as pd

DESIGN_COLUMNS = ["run", "point", "replicate", "seed", "group", "position", "factor", "status", "message", "file"]


def _text(value):
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8")
    return value


@dataclass
class Sweep:
    """A sweep index read into memory (except the metrics, read on demand)."""

    path: str
    attrs: dict
    design: pd.DataFrame  # index: run id
    parameters: list[str]
    ranges: dict[str, tuple[float, float]]
    months: list[str]
    metric_names: list[str] = field(default_factory=list)

    def metric(self, name: str) -> pd.DataFrame:
        """One gathered metric as a [run, month] frame (NaN for failed or missing runs)."""
        if name not in self.metric_names:
            raise ValueError(f"{self.path}: no metric {name!r} in the index; it has {', '.join(self.metric_names)}")
        with h5py.File(self.path, "r") as f:
            values = f["metrics"][name][()]
        return pd.DataFrame(values, index=self.design.index, columns=self.months)

    def outcome(self, name: str, at: str | int = "last") -> pd.Series:
        """One number per run: the metric at the last step ("last"), at a step index, or its "mean"."""
        frame = self.metric(name)
        if at == "last":
            values = frame.iloc[:, -1]
        elif at == "mean":
            values = frame.mean(axis=1, skipna=False)
        else:
            values = frame.iloc[:, int(at)]
        return values.rename(name)


def load_sweep(path: str | os.PathLike) -> Sweep:
    """Reads DIR/sweep.h5 (or the index file itself); ValueError if it is not a sweep index."""
    path = os.fspath(path)
    if os.path.isdir(path):
        path = os.path.join(path, "sweep.h5")
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file (the index is written when the sweep is complete)")
    with h5py.File(path, "r") as f:
        attrs = {k: _text(v) for k, v in f.attrs.items()}
        attrs = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in attrs.items()}
        if attrs.get("format") != "partnersim-sweep":
            raise ValueError(f"{path}: not a partnersim sweep index")
        parameters = str(attrs.get("parameters", "")).split()
        d = f["design"]
        columns = {}
        for c in DESIGN_COLUMNS:
            values = d[c][()]
            if values.dtype.kind in "OS":
                values = np.array([_text(v) for v in values], dtype=object)
            columns[c] = values
        ranges = {}
        for p in parameters:
            columns[p] = d[p][()]
            ranges[p] = (float(d[p].attrs["min"]), float(d[p].attrs["max"]))
        months = [_text(m) for m in f["metrics"]["month"][()]]
        metric_names = [k for k in f["metrics"].keys() if k != "month"]
    design = pd.DataFrame(columns).set_index("run", drop=False)
    design["seed"] = design["seed"].astype("uint64")
    return Sweep(path, attrs, design, parameters, ranges, months, metric_names)


def _point_means(design: pd.DataFrame, outcome: pd.Series) -> pd.DataFrame:
    """One row per design point: its place in the design and the mean outcome of its replicates."""
    frame = design.copy()
    frame["y"] = outcome.reindex(design.index).to_numpy()
    # A point with any failed replicate has no mean (skipna=False).
    y = frame.groupby("point")["y"].apply(lambda s: s.mean(skipna=False))
    first = frame.groupby("point").first()
    first["y"] = y
    return first


def _bootstrap(statistic, units: np.ndarray, n_boot: int, seed: int, ci: float):
    """Percentile bootstrap of statistic(units subset) over resampled units (rows)."""
    rng = np.random.default_rng(seed)
    n = len(units)
    draws = np.array([statistic(units[rng.integers(0, n, n)]) for _ in range(n_boot)])
    alpha = (1.0 - ci) / 2.0
    return np.nanquantile(draws, alpha, axis=0), np.nanquantile(draws, 1.0 - alpha, axis=0)


def morris_effects(
    design: pd.DataFrame,
    outcome: pd.Series,
    parameters: list[str],
    ranges: dict[str, tuple[float, float]],
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Elementary effects per parameter from Morris trajectories.

    EE = (y(x + step) - y(x)) / (step / range): the change of the outcome per change of the
    parameter over its whole range. Returns, per parameter: mu (mean EE), mu_star (mean |EE|,
    Campolongo et al. 2007), sigma (standard deviation of EE), the bootstrap interval of
    mu_star (resampling trajectories) and r (trajectories used).
    """
    points = _point_means(design, outcome)
    k = len(parameters)
    trajectories = []
    for _, t in points.sort_values(["group", "position"]).groupby("group"):
        if len(t) != k + 1 or t["y"].isna().any():
            continue
        effects = np.full(k, np.nan)
        values = t[parameters].to_numpy()
        ys = t["y"].to_numpy()
        factors = t["factor"].to_numpy()
        for s in range(1, k + 1):
            j = int(factors[s])
            lo, hi = ranges[parameters[j]]
            dx = (values[s, j] - values[s - 1, j]) / (hi - lo)
            effects[j] = (ys[s] - ys[s - 1]) / dx
        trajectories.append(effects)
    if not trajectories:
        raise ValueError("no complete Morris trajectory (is the design morris, and did its runs succeed?)")
    ee = np.array(trajectories)  # [trajectory, parameter]
    mu_star = np.abs(ee).mean(axis=0)
    lo, hi = _bootstrap(lambda e: np.abs(e).mean(axis=0), ee, n_boot, seed, ci)
    return pd.DataFrame(
        {
            "mu": ee.mean(axis=0),
            "mu_star": mu_star,
            "sigma": ee.std(axis=0, ddof=1) if len(ee) > 1 else np.full(k, np.nan),
            "mu_star_low": lo,
            "mu_star_high": hi,
            "r": len(ee),
        },
        index=pd.Index(parameters, name="parameter"),
    )


def _sobol_estimates(rows: np.ndarray) -> np.ndarray:
    """rows: [base, 2 + k] = f(A), f(B), f(AB_1..AB_k). Returns [2, k]: first-order, total."""
    fa, fb, fab = rows[:, 0], rows[:, 1], rows[:, 2:]
    variance = np.var(np.concatenate([fa, fb]), ddof=1)
    if not np.isfinite(variance) or variance == 0.0:
        return np.full((2, fab.shape[1]), np.nan)
    first = np.mean(fb[:, None] * (fab - fa[:, None]), axis=0) / variance  # Saltelli et al. 2010
    total = 0.5 * np.mean((fa[:, None] - fab) ** 2, axis=0) / variance  # Jansen 1999
    return np.stack([first, total])


def sobol_indices(
    design: pd.DataFrame,
    outcome: pd.Series,
    parameters: list[str],
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Sobol first-order (S1) and total (ST) indices from a saltelli design, with bootstrap
    intervals over base rows. Returns one row per parameter: S1, S1_low, S1_high, ST, ST_low,
    ST_high, N (base rows used)."""
    points = _point_means(design, outcome)
    k = len(parameters)
    table = points.pivot_table(index="group", columns="position", values="y", aggfunc="first", dropna=False)
    table = table.reindex(columns=range(k + 2))
    rows = table.dropna().to_numpy()
    if len(rows) < 2:
        raise ValueError("fewer than two complete base rows (is the design saltelli, and did its runs succeed?)")
    est = _sobol_estimates(rows)
    lo, hi = _bootstrap(_sobol_estimates, rows, n_boot, seed, ci)
    return pd.DataFrame(
        {
            "S1": est[0],
            "S1_low": lo[0],
            "S1_high": hi[0],
            "ST": est[1],
            "ST_low": lo[1],
            "ST_high": hi[1],
            "N": len(rows),
        },
        index=pd.Index(parameters, name="parameter"),
    )


# ---- plots ------------------------------------------------------------------------------


def _figure(width=7.0, height=4.5):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height))


def plot_morris(effects: pd.DataFrame, outcome: str, output: str) -> None:
    """mu* against sigma, one labelled point per parameter, mu* intervals as error bars."""
    fig, ax = _figure()
    x = effects["mu_star"].to_numpy()
    err = np.vstack([x - effects["mu_star_low"].to_numpy(), effects["mu_star_high"].to_numpy() - x])
    ax.errorbar(x, effects["sigma"], xerr=err, fmt="o", capsize=3)
    for name, row in effects.iterrows():
        ax.annotate(name, (row["mu_star"], row["sigma"]), textcoords="offset points", xytext=(4, 4), fontsize=8)
    ax.set_xlabel("mu* (mean |elementary effect| over the range)")
    ax.set_ylabel("sigma (spread: non-linearity, interactions)")
    ax.set_title(f"Morris screening of {outcome} (r = {int(effects['r'].iloc[0])})")
    fig.tight_layout()
    fig.savefig(output)


def plot_sobol(indices: pd.DataFrame, outcome: str, output: str) -> None:
    """First-order and total indices per parameter with their intervals."""
    fig, ax = _figure()
    y = np.arange(len(indices))
    for offset, name, label in [(-0.2, "S1", "first order"), (0.2, "ST", "total")]:
        v = indices[name].to_numpy()
        err = np.vstack([v - indices[f"{name}_low"].to_numpy(), indices[f"{name}_high"].to_numpy() - v])
        ax.barh(y + offset, v, height=0.4, xerr=err, capsize=3, label=label)
    ax.set_yticks(y, indices.index)
    ax.set_xlabel("Sobol index (share of the outcome's variance)")
    ax.set_title(f"Sobol indices of {outcome} (N = {int(indices['N'].iloc[0])})")
    ax.legend()
    fig.tight_layout()
    fig.savefig(output)


def plot_outcome(sweep: Sweep, outcome: pd.Series, parameters: list[str], output: str) -> None:
    """The outcome against one parameter (scatter), or two (scatter coloured by the outcome)."""
    fig, ax = _figure()
    d = sweep.design
    if len(parameters) == 1:
        ax.scatter(d[parameters[0]], outcome, s=12)
        ax.set_xlabel(parameters[0])
        ax.set_ylabel(outcome.name)
    elif len(parameters) == 2:
        sc = ax.scatter(d[parameters[0]], d[parameters[1]], c=outcome, s=18, cmap="viridis")
        fig.colorbar(sc, ax=ax, label=outcome.name)
        ax.set_xlabel(parameters[0])
        ax.set_ylabel(parameters[1])
    else:
        raise ValueError("plot_outcome takes one or two parameters")
    ax.set_title(f"{outcome.name} by run")
    fig.tight_layout()
    fig.savefig(output)
