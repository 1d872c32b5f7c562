"""Statistics over replicates: means with Student-t confidence intervals, paired differences
under common random numbers, and Kaplan-Meier survival with delayed entry.

Everything takes and returns pandas frames in the tidy shape of `analysis.results.tidy_metrics`
(columns scenario, replicate, month, metric, value); NaN values (a metric undefined in a
month, e.g. a share with an empty denominator) are left out of the statistics.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as _scipy_stats

#: Confidence level of every interval in the package.
LEVEL = 0.95


def t_quantile(n: np.ndarray | int, level: float = LEVEL) -> np.ndarray:
    """The two-sided Student-t quantile for a mean of `n` values (n - 1 degrees of freedom);
    NaN where n < 2."""
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore"):
        q = _scipy_stats.t.ppf(0.5 + level / 2.0, np.where(n >= 2, n - 1, np.nan))
    return np.where(n >= 2, q, np.nan)


def mean_ci(values, level: float = LEVEL) -> dict[str, float]:
    """Mean, sample standard deviation (n - 1), the `level` Student-t confidence interval of the
    mean and n, of the non-NaN `values`. With one value the sd and the interval are NaN."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return {"mean": np.nan, "sd": np.nan, "ci_low": np.nan, "ci_high": np.nan, "n": 0}
    mean = float(x.mean())
    sd = float(x.std(ddof=1)) if n >= 2 else np.nan
    half = float(t_quantile(n, level)) * sd / np.sqrt(n) if n >= 2 else np.nan
    return {"mean": mean, "sd": sd, "ci_low": mean - half, "ci_high": mean + half, "n": n}


def summarise(tidy: pd.DataFrame, by=("scenario", "metric", "month"), level: float = LEVEL) -> pd.DataFrame:
    """Mean and `level` CI across replicates of `tidy` (scenario, replicate, month, metric,
    value), one row per group of `by`: the `by` columns, n, mean, sd, ci_low, ci_high."""
    by = list(by)
    grouped = tidy.dropna(subset=["value"]).groupby(by, sort=False)["value"]
    out = grouped.agg(n="count", mean="mean", sd="std").reset_index()
    half = t_quantile(out["n"].to_numpy(), level) * out["sd"].to_numpy() / np.sqrt(out["n"].to_numpy())
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    return out


def paired_differences(tidy: pd.DataFrame, a: str, b: str, level: float = LEVEL) -> pd.DataFrame:
    """Per metric and month, the replicate-by-replicate difference B - A and its mean and
    `level` CI. Only valid when replicate r of A and of B share their random streams (same seed,
    common random numbers): that is what makes the pairs comparable. Months present in only one
    scenario are dropped."""
    wide = tidy[tidy["scenario"].isin([a, b])].pivot_table(
        index=["metric", "month", "replicate"], columns="scenario", values="value", dropna=False, aggfunc="first"
    )
    if a not in wide.columns or b not in wide.columns:
        raise ValueError(f"paired differences need both scenarios {a!r} and {b!r} in the frame")
    diff = (wide[b] - wide[a]).rename("value").reset_index()
    diff["scenario"] = f"{b} - {a}"
    return summarise(diff, by=("metric", "month"), level=level)


def kaplan_meier(duration, event, entry=None, level: float = LEVEL) -> pd.DataFrame:
    """Kaplan-Meier estimate of the survival function.

    duration: time from the origin (founding) to closure or to the end of observation;
    event: True if the subject closed at `duration`, False if censored (still open when
    observation ended: we only know it lasted at least that long);
    entry: time from the origin at which observation began (delayed entry / left truncation,
    e.g. a cooperative founded before the run starts); 0 by default. A subject is at risk at
    time t if entry < t <= duration.

    Returns one row per distinct event time (and a first row at time 0): time, at_risk,
    closed, censored (subjects censored from the previous event time, inclusive, to this one,
    exclusive; those censored after the last closure are in no row), survival, and a pointwise
    `level` CI from Greenwood's variance on the log(-log) scale (stays within [0, 1]).
    """
    duration = np.asarray(duration, dtype=float)
    event = np.asarray(event, dtype=bool)
    entry = np.zeros_like(duration) if entry is None else np.asarray(entry, dtype=float)
    if not (duration.shape == event.shape == entry.shape):
        raise ValueError("duration, event and entry must have the same length")
    if np.any(entry > duration):
        raise ValueError("entry after the end of observation")
    z = _scipy_stats.norm.ppf(0.5 + level / 2.0)
    rows = [{"time": 0.0, "at_risk": int(np.sum((entry <= 0) & (duration > 0))), "closed": 0, "censored": 0,
             "survival": 1.0, "ci_low": 1.0, "ci_high": 1.0}]
    survival, greenwood = 1.0, 0.0
    previous = 0.0
    for t in np.unique(duration[event]):
        at_risk = int(np.sum((entry < t) & (duration >= t)))
        closed = int(np.sum(event & (duration == t)))
        censored = int(np.sum(~event & (duration >= previous) & (duration < t)))
        previous = t
        if at_risk == 0:
            continue
        survival *= 1.0 - closed / at_risk
        if at_risk > closed:
            greenwood += closed / (at_risk * (at_risk - closed))
        low, high = _loglog_ci(survival, greenwood, z)
        rows.append({"time": float(t), "at_risk": at_risk, "closed": closed, "censored": censored,
                     "survival": survival, "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows)


def _loglog_ci(survival: float, greenwood: float, z: float) -> tuple[float, float]:
    """Pointwise CI of S(t) on the log(-log) scale (Kalbfleisch-Prentice)."""
    if survival <= 0.0:
        return 0.0, 0.0
    if survival >= 1.0 or greenwood == 0.0:
        return survival, survival
    log_s = np.log(survival)
    se = np.sqrt(greenwood) / abs(log_s)
    low = survival ** np.exp(z * se)
    high = survival ** np.exp(-z * se)
    return float(low), float(high)


def survival_at(curve: pd.DataFrame, t: float) -> float:
    """S(t) read off a `kaplan_meier` table (right-continuous step function)."""
    rows = curve[curve["time"] <= t]
    return float(rows["survival"].iloc[-1]) if len(rows) else 1.0
