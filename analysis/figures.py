"""The plots of a comparison report. Each function takes the scenarios to compare (label ->
result file, in order) and returns a `Plot`: the matplotlib figure, a file stem and a caption.
Every time series shows the mean over replicates as a line and its 95% Student-t confidence
interval across replicates as a band, one colour per scenario, on a calendar time axis.
"""

from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; no display needed on servers
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter, PercentFormatter  # noqa: E402

from . import results, stats  # noqa: E402
from .network import spring_layout  # noqa: E402

#: One colour per scenario, in order (colour-blind-safe pair first).
SCENARIO_COLOURS = ["#1f77b4", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e"]
#: One line style per scenario too, so identical curves stay visible and print in grey.
SCENARIO_STYLES = ["-", "--", ":", "-."]


def _style(i: int) -> dict:
    return {"color": SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)], "ls": SCENARIO_STYLES[i % len(SCENARIO_STYLES)]}


#: Percent tick labels without trailing zeros ("0.5%", "3%").
PERCENT = FuncFormatter(lambda x, _pos=None: f"{x:g}%")

#: Reintegration states: metric -> plain-language label.
PEOPLE_STATES = {
    "people_excluded": "Excluded (housed, no work, no programme)",
    "people_in_programme": "In a reintegration programme (CIS/KIS/NGO)",
    "people_employed_social": "Employed in the social economy",
    "people_employed_open": "Employed on the open labour market",
    "people_street": "Homeless, sleeping rough",
    "people_shelter": "Homeless, in a shelter",
    "people_training_flat": "In a training flat",
}

#: Sources of social cooperatives' revenue: metric -> label (stacked in this order).
REVENUE_SOURCES = {
    "cooperative_revenue_market_pln": "Market sales",
    "cooperative_revenue_contracts_pln": "Public contracts",
    "cooperative_revenue_grants_pln": "Grants, projects and donations",
    "cooperative_revenue_subsidies_pln": "Wage and contribution subsidies",
}
REVENUE_COLOURS = ["#4daf4a", "#377eb8", "#ff7f00", "#984ea3"]

#: Organisation kinds in a fixed order with fixed colours (network drawing).
KIND_COLOURS = {
    "municipality": "#1f3a93",
    "social_assistance_centre": "#4f7cd6",
    "labour_office": "#7fa7e8",
    "regional_centre": "#2a9fd6",
    "municipal_company": "#17becf",
    "ngo": "#2ca02c",
    "church": "#8c564b",
    "support_centre": "#bcbd22",
    "reintegration_centre": "#9467bd",
    "social_cooperative": "#d62728",
    "business": "#7f7f7f",
    "donor": "#e377c2",
}

DPI = 120


@dataclass
class Plot:
    """A finished figure with the file stem it is saved under and its caption."""

    stem: str
    title: str
    caption: str
    figure: plt.Figure

    def save(self, folder: str | os.PathLike) -> dict[str, Path]:
        """Writes <folder>/<stem>.png and .svg; returns both paths by suffix."""
        folder = Path(folder)
        paths = {"png": folder / f"{self.stem}.png", "svg": folder / f"{self.stem}.svg"}
        with plt.rc_context({"svg.hashsalt": self.stem}):  # stable ids: same input, same file
            self.figure.savefig(paths["png"], dpi=DPI)
            self.figure.savefig(paths["svg"], metadata={"Date": None})
        return paths


def _dates(months) -> pd.DatetimeIndex:
    return pd.to_datetime([f"{m}-01" for m in months])


def _wrap(text: str, width: int = 48) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _time_axis(ax) -> None:
    locator = mdates.AutoDateLocator(minticks=4, maxticks=9)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(alpha=0.3)


def _thousands(x, _pos=None) -> str:
    return f"{x:,.0f}".replace(",", "\u2009")  # thin space groups digits (Polish and SI style)


def _band(ax, summary: pd.DataFrame, i: int, label: str, scale: float = 1.0) -> None:
    """Mean line and CI band of scenario i's summary rows (month, mean, ci_low, ci_high). Every
    quantity drawn this way is non-negative, so the band is clipped at 0."""
    x = _dates(summary["month"])
    style = _style(i)
    ax.plot(x, summary["mean"] * scale, lw=1.8, label=label, gid=label, **style)
    low = (summary["ci_low"].fillna(summary["mean"]) * scale).clip(lower=0.0)
    high = summary["ci_high"].fillna(summary["mean"]) * scale
    ax.fill_between(x, low, high, color=style["color"], alpha=0.2, lw=0)


def _scenario_legend(fig, labels: list[str], y: float = 0.935, extra: list | None = None,
                     band: str = "95% CI across replicates") -> None:
    handles = [Line2D([], [], lw=2, **_style(i)) for i in range(len(labels))]
    names = [_wrap(label, 60) for label in labels]
    handles.append(Patch(color="grey", alpha=0.25))
    names.append(band)
    if extra:
        for handle, name in extra:
            handles.append(handle)
            names.append(name)
    fig.legend(handles, names, loc="upper center", bbox_to_anchor=(0.5, y), ncol=min(len(names), 3), frameon=False,
               fontsize=9)


def _replicates_note(tidy: pd.DataFrame) -> str:
    counts = tidy.groupby("scenario")["replicate"].nunique()
    values = sorted(set(int(v) for v in counts))
    return f"{values[0]} replicates" if len(values) == 1 else "replicates: " + ", ".join(str(v) for v in values)


def _load(runs: dict[str, Path], metrics) -> pd.DataFrame:
    return results.tidy_metrics(runs, metrics=metrics)


def _wide(tidy: pd.DataFrame) -> pd.DataFrame:
    """One row per (scenario, replicate, month), one column per metric."""
    return tidy.pivot_table(index=["scenario", "replicate", "month"], columns="metric", values="value").reset_index()


def _derived(wide: pd.DataFrame, metric: str, values) -> pd.DataFrame:
    """A quantity computed from a wide frame, back in tidy form under the name `metric`."""
    part = wide[["scenario", "replicate", "month"]].copy()
    part["metric"] = metric
    part["value"] = values
    return part


def people_by_state(runs: dict[str, Path]) -> Plot:
    """Share of the people tracked in each reintegration state, one panel per state."""
    tidy = _load(runs, ["people_total", *PEOPLE_STATES])
    wide = _wide(tidy)
    shares = [_derived(wide, metric, wide[metric] / wide["people_total"]) for metric in PEOPLE_STATES]
    summary = stats.summarise(pd.concat(shares, ignore_index=True))
    labels = list(runs)
    fig, axes = plt.subplots(2, 4, figsize=(15, 7.8), sharex=True)
    for ax, (metric, name) in zip(axes.flat, PEOPLE_STATES.items()):
        for i, label in enumerate(labels):
            rows = summary[(summary["scenario"] == label) & (summary["metric"] == metric)]
            _band(ax, rows, i, label, scale=100.0)
        ax.set_title(_wrap(name, 34), fontsize=10)
        ax.yaxis.set_major_formatter(PERCENT)
        ax.set_ylim(bottom=0)
        _time_axis(ax)
    for ax in axes[:, 0]:
        ax.set_ylabel("share of people tracked (%)")
    # the eighth panel holds the size of each population (why shares)
    ax = axes.flat[-1]
    ax.axis("off")
    total = tidy[tidy["metric"] == "people_total"].groupby("scenario", sort=False)["value"].first()
    lines = ["People tracked (constant over the run):"]
    lines += [f"  {_wrap(label, 40)}: {_thousands(total[label])}" for label in labels]
    lines += ["", "Shares of people tracked let cities of", "different sizes be compared.",
              "", f"Mean over {_replicates_note(tidy)}; band: 95% CI."]
    ax.text(0.0, 0.95, "\n".join(lines), va="top", fontsize=9, transform=ax.transAxes)
    fig.suptitle("People by reintegration state over time (share of people tracked)", fontsize=13)
    _scenario_legend(fig, labels)
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    return Plot("people_by_state", "People by reintegration state",
                "Share of the excluded people tracked by the model who are in each state at the end of each "
                "month (mean over replicates, band: 95% CI). Shares of each city's own population, so cities of "
                "different sizes compare.", fig)


def social_economy_jobs(runs: dict[str, Path]) -> Plot:
    """Jobs in the social economy: absolute and per 1,000 people tracked."""
    tidy = _load(runs, ["people_total", "social_economy_jobs"])
    wide = _wide(tidy)
    per_thousand = _derived(wide, "jobs_per_1000", 1000.0 * wide["social_economy_jobs"] / wide["people_total"])
    summary = stats.summarise(pd.concat([tidy[tidy["metric"] == "social_economy_jobs"], per_thousand]))
    labels = list(runs)
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.2))
    for ax, metric, ylabel, title in [
        (axes[0], "social_economy_jobs", "jobs", "Jobs in the social economy"),
        (axes[1], "jobs_per_1000", "jobs per 1,000 people tracked", "Per 1,000 excluded people tracked"),
    ]:
        for i, label in enumerate(labels):
            _band(ax, summary[(summary["scenario"] == label) & (summary["metric"] == metric)], i, label)
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize=11)
        ax.set_ylim(bottom=0)
        _time_axis(ax)
    fig.suptitle("Jobs in the social economy (workers of social cooperatives and excluded workers of municipal "
                 "companies and businesses)", fontsize=12)
    _scenario_legend(fig, labels, y=0.93)
    fig.tight_layout(rect=(0, 0, 1, 0.86))
    return Plot("social_economy_jobs", "Jobs in the social economy",
                "Jobs held by excluded people in operating social cooperatives, municipal companies and businesses "
                "(metric social_economy_jobs), left as a count, right per 1,000 excluded people tracked. Mean over "
                f"{_replicates_note(tidy)}, band: 95% CI.", fig)


def cooperative_survival(runs: dict[str, Path]) -> Plot:
    """Kaplan-Meier survival of social cooperatives by founding route."""
    lifetimes = {label: results.cooperative_lifetimes(path) for label, path in runs.items()}
    labels = list(runs)
    fig, axes = plt.subplots(1, len(results.FOUNDING_ROUTES), figsize=(15, 5.4), sharey=True)
    horizon = max([1.0] + [float(frame["duration"].max()) for frame in lifetimes.values() if len(frame)])
    for ax, route in zip(axes, results.FOUNDING_ROUTES):
        handles = []
        for i, label in enumerate(labels):
            frame = lifetimes[label]
            frame = frame[frame["route"] == route] if len(frame) else frame
            style = _style(i)
            colour = style["color"]
            if len(frame) == 0:
                handles.append((Line2D([], [], lw=2, **style), f"{_wrap(label, 34)}: none"))
                continue
            curve = stats.kaplan_meier(frame["duration"], frame["closed"], frame["entry"])
            years = curve["time"].to_numpy() / 12.0
            end = frame["duration"].max() / 12.0
            x = np.append(years, end)
            ax.step(x, np.append(curve["survival"], curve["survival"].iloc[-1]), where="post", lw=1.8,
                    gid=f"{route}|{label}", **style)
            ax.fill_between(x, np.append(curve["ci_low"], curve["ci_low"].iloc[-1]),
                            np.append(curve["ci_high"], curve["ci_high"].iloc[-1]), step="post", color=colour,
                            alpha=0.15, lw=0)
            censored = frame[~frame["closed"]]
            if len(censored):
                at = censored["duration"].to_numpy()
                s = [stats.survival_at(curve, t) for t in at]
                ax.plot(at / 12.0, s, "|", color=colour, ms=9, mew=1.2)
            n, closed = len(frame), int(frame["closed"].sum())
            handles.append((Line2D([], [], lw=2, **style),
                            f"{_wrap(label, 34)}\n{n} cooperative-runs, {closed} closed"))
        ax.set_title(route, fontsize=11)
        ax.set_xlabel("years since founding")
        ax.set_xlim(0, horizon / 12.0)
        ax.set_ylim(0, 1.03)
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        ax.grid(alpha=0.3)
        ax.legend([h for h, _ in handles], [t for _, t in handles], fontsize=8, loc="lower left")
    axes[0].set_ylabel("cooperatives still open (%)")
    fig.suptitle("Survival of social cooperatives by founding route (Kaplan-Meier)", fontsize=13)
    _scenario_legend(fig, labels, y=0.93, extra=[(Line2D([], [], color="black", marker="|", ls="", ms=9),
                                                   "censored: still open at the end of the run")],
                     band="95% CI (Greenwood, log-log)")
    fig.tight_layout(rect=(0, 0, 1, 0.86))
    return Plot("cooperative_survival", "Survival of social cooperatives",
                "Kaplan-Meier estimate of the share of social cooperatives still open, by years since founding, "
                "pooled over replicates (each cooperative in each replicate counts once; band: pointwise 95% CI, "
                "Greenwood, log-log). Founding route from the founding ties in the result (tie snapshots and "
                "tie_added events): co-founded by a public body (city, social-assistance or labour office, "
                "regional centre, municipal company), founded by NGOs or church legal persons only, or with no "
                "founding organisation (natural persons). Closure: the cooperative stops existing (alive goes "
                "from 1 to 0; a dormant cooperative still exists). Censored (tick): still open when the run "
                "ended, so only known to have lasted at least that long. Cooperatives founded before the run "
                "enter observation at its start (delayed entry).", fig)


def revenue_mix(runs: dict[str, Path]) -> Plot:
    """Revenue of social cooperatives by source: yearly sums, stacked, one panel per scenario."""
    tidy = _load(runs, list(REVENUE_SOURCES))
    tidy["year"] = tidy["month"].str.slice(0, 4).astype(int)
    yearly = tidy.groupby(["scenario", "metric", "replicate", "year"], sort=False)["value"].sum().reset_index()
    months_in_year = tidy.groupby(["scenario", "year"])["month"].nunique()
    labels = list(runs)
    fig, axes = plt.subplots(1, len(labels), figsize=(7.2 * len(labels), 5.6), sharey=True, squeeze=False)
    for ax, label in zip(axes[0], labels):
        rows = yearly[yearly["scenario"] == label]
        mean = rows.groupby(["year", "metric"])["value"].mean().unstack("metric").reindex(columns=list(REVENUE_SOURCES))
        years = mean.index.to_numpy()
        bottom = np.zeros(len(years))
        for (metric, name), colour in zip(REVENUE_SOURCES.items(), REVENUE_COLOURS):
            values = mean[metric].fillna(0).to_numpy() / 1000.0
            ax.bar(years, values, bottom=bottom, color=colour, width=0.75, label=name, gid=f"{label}|{metric}")
            bottom += values
        total = rows.groupby(["year", "replicate"])["value"].sum().reset_index()
        total["scenario"], total["metric"], total["month"] = label, "total", total["year"]
        ci = stats.summarise(total).set_index("month").reindex(years)
        low = ci["ci_low"].clip(lower=0.0)  # revenue cannot be negative
        err = np.vstack([ci["mean"] - low, ci["ci_high"] - ci["mean"]]) / 1000.0
        ax.errorbar(years, ci["mean"] / 1000.0, yerr=np.nan_to_num(err), fmt="none", ecolor="black", capsize=3, lw=1)
        partial = [y for y in years if months_in_year.get((label, y), 12) < 12]
        title = _wrap(label, 60)
        if partial:
            title += "\n(partial year: " + ", ".join(str(y) for y in partial) + ")"
        ax.set_title(title, fontsize=10, color=SCENARIO_COLOURS[labels.index(label) % len(SCENARIO_COLOURS)])
        ax.set_xlabel("year")
        ax.set_xticks(years, [str(y) for y in years], rotation=45 if len(years) > 12 else 0)
        ax.yaxis.set_major_formatter(FuncFormatter(_thousands))
        ax.grid(axis="y", alpha=0.3)
    axes[0][0].set_ylabel("revenue of social cooperatives (thousand PLN per year)")
    handles = [Patch(color=c) for c in REVENUE_COLOURS] + [Line2D([], [], color="black", marker="|", ls="", ms=10)]
    names = list(REVENUE_SOURCES.values()) + ["95% CI of the yearly total"]
    fig.legend(handles, names, loc="upper center", bbox_to_anchor=(0.5, 0.93), ncol=5, frameon=False, fontsize=9)
    fig.suptitle("Revenue mix of social cooperatives by source", fontsize=13)
    fig.tight_layout(rect=(0, 0, 1, 0.86))
    return Plot("revenue_mix", "Revenue mix of social cooperatives",
                "Revenue of all social cooperatives per calendar year by source (mean over replicates, stacked); "
                "the whisker is the 95% CI of the yearly total across replicates. A high share of grants and "
                "subsidies means the cooperatives depend on public support rather than on what they sell.", fig)


def public_cost_per_reintegration(runs: dict[str, Path]) -> Plot:
    """Cumulative public spending over cumulative job entries."""
    tidy = _load(runs, ["public_spending_cumulative_pln", "job_entries"])
    wide = _wide(tidy)
    wide = wide.sort_values(["scenario", "replicate", "month"])
    entries = wide.groupby(["scenario", "replicate"])["job_entries"].cumsum()
    cost = _derived(wide, "cost_per_entry", wide["public_spending_cumulative_pln"] / entries.where(entries > 0))
    summary = stats.summarise(cost)
    # a ratio over a handful of early entries swings wildly: show only months in which every
    # replicate has had at least one job entry, so mean and CI are over all replicates
    replicates = cost.groupby("scenario")["replicate"].nunique()
    summary = summary[summary["n"] == summary["scenario"].map(replicates)]
    labels = list(runs)
    fig, ax = plt.subplots(figsize=(11, 5.6))
    for i, label in enumerate(labels):
        rows = summary[summary["scenario"] == label].sort_values("month")
        _band(ax, rows, i, label, scale=1e-3)
    ax.set_ylabel("thousand PLN of public money per job entry")
    ax.yaxis.set_major_formatter(FuncFormatter(_thousands))
    ax.set_ylim(bottom=0)
    _time_axis(ax)
    fig.suptitle("Public cost per person reintegrated (cumulative public spending / cumulative job entries)",
                 fontsize=12)
    _scenario_legend(fig, labels, y=0.92)
    fig.tight_layout(rect=(0, 0, 1, 0.86))
    return Plot("public_cost_per_reintegration", "Public cost per person reintegrated",
                "Public programme spending since the start of the run (public_spending_cumulative_pln) divided "
                "by the entries into social jobs since the start (sum of job_entries: programme completers "
                "placed and direct hires), per replicate; mean and 95% CI across replicates, drawn from the first "
                "month in which every replicate has had a job entry. Early values are high because spending "
                "starts before anyone is placed; the curve settles as entries accumulate. (The model's own metric "
                "public_spending_per_person_reintegrated_pln divides by moves to the open market instead.)", fig)


def network_structure(runs: dict[str, Path]) -> Plot:
    """Density and clustering of the partnership network over time."""
    tidy = _load(runs, ["network_density", "network_clustering"])
    summary = stats.summarise(tidy)
    labels = list(runs)
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.2))
    for ax, metric, title, ylabel in [
        (axes[0], "network_density", "Density: tied pairs / possible pairs", "density (share of pairs tied)"),
        (axes[1], "network_clustering", "Clustering: 3 x triangles / connected triples",
         "clustering (transitivity)"),
    ]:
        for i, label in enumerate(labels):
            _band(ax, summary[(summary["scenario"] == label) & (summary["metric"] == metric)], i, label)
        ax.set_title(title, fontsize=11)
        ax.set_ylabel(ylabel)
        ax.set_ylim(0, 1)
        _time_axis(ax)
    fig.suptitle("Network of organisations: density and clustering (living organisations, any tie kind)",
                 fontsize=12)
    _scenario_legend(fig, labels, y=0.93)
    fig.tight_layout(rect=(0, 0, 1, 0.86))
    return Plot("network_structure", "Network density and clustering",
                "Undirected network of living organisations, one edge per pair tied by any tie in force. "
                "Density: edges over possible pairs; clustering: transitivity (how often two partners of an "
                f"organisation are partners themselves). Mean over {_replicates_note(tidy)}, band: 95% CI.", fig)


def network_snapshot(runs: dict[str, Path]) -> Plot:
    """The tie network at the last snapshot of replicate 0, one panel per scenario."""
    labels = list(runs)
    fig, axes = plt.subplots(1, len(labels), figsize=(8.0 * len(labels), 8.2), squeeze=False)
    kinds_seen: list[str] = []
    for ax, label in zip(axes[0], labels):
        path = runs[label]
        table = results.organisations(path)
        snapshots = results.ties(path)
        snapshots = snapshots[snapshots["replicate"] == 0]
        step = int(snapshots["step"].max()) if len(snapshots) else -1
        edges = snapshots[snapshots["step"] == step]
        months, alive = results.organisation_array(path, "alive")
        month = months[step]  # step -1 (no snapshot at all): the last month
        alive = alive[0, step, :] == 1
        nodes = np.flatnonzero(alive)
        index = {int(org): i for i, org in enumerate(nodes)}
        pairs: dict[tuple[int, int], float] = {}
        for source, target, strength in zip(edges["source"], edges["target"], edges["strength"]):
            if int(source) in index and int(target) in index and source != target:
                key = tuple(sorted((index[int(source)], index[int(target)])))
                pairs[key] = max(pairs.get(key, 0.0), float(strength))
        kinds = table["kind"].to_numpy()[nodes]
        order = {kind: i for i, kind in enumerate(KIND_COLOURS)}
        group = np.array([order.get(k, len(order)) for k in kinds])
        position = np.zeros((len(nodes), 2))
        tied = np.zeros(len(nodes), dtype=bool)
        for i, j in pairs:
            tied[i] = tied[j] = True
        core = np.flatnonzero(tied)
        relabel = {int(node): k for k, node in enumerate(core)}
        position[core] = spring_layout(len(core), [(relabel[i], relabel[j]) for i, j in pairs], group=group[core])
        lonely = np.flatnonzero(~tied)  # untied organisations in a row below, not flung to the corners
        if lonely.size:
            position[lonely, 0] = np.linspace(-1, 1, lonely.size + 2)[1:-1]
            position[lonely, 1] = -1.35
            ax.text(0, -1.2, "not tied to anyone:", ha="center", fontsize=8, color="#555555")
        for (i, j), strength in pairs.items():
            ax.plot(position[[i, j], 0], position[[i, j], 1], color="#555555", alpha=0.25 + 0.5 * strength,
                    lw=0.5 + 1.5 * strength, zorder=1)
        degree = np.zeros(len(nodes))
        for i, j in pairs:
            degree[i] += 1
            degree[j] += 1
        colours = [KIND_COLOURS.get(k, "#000000") for k in kinds]
        ax.scatter(position[:, 0], position[:, 1], s=40 + 10 * degree, c=colours, edgecolors="white",
                   linewidths=1.0, zorder=2)
        for (x, y), org in zip(position, nodes):
            radius = np.sqrt(40 + 10 * degree[index[int(org)]]) / 2  # marker radius in points
            ax.annotate(str(table.at[org, "id"]), (x, y), xytext=(0, 4 + radius), textcoords="offset points",
                        ha="center", fontsize=7, zorder=3)
        for kind in kinds:
            if kind not in kinds_seen:
                kinds_seen.append(kind)
        ax.set_title(f"{_wrap(label, 60)}\n{month}, replicate 0: {len(nodes)} organisations, {len(pairs)} tied pairs",
                     fontsize=10, color=SCENARIO_COLOURS[labels.index(label) % len(SCENARIO_COLOURS)])
        ax.set_aspect("equal")
        ax.margins(0.12)
        ax.axis("off")
    kinds_seen.sort(key=lambda k: list(KIND_COLOURS).index(k) if k in KIND_COLOURS else len(KIND_COLOURS))
    handles = [Line2D([], [], marker="o", ls="", color=KIND_COLOURS.get(k, "#000000"), ms=8) for k in kinds_seen]
    fig.legend(handles, [k.replace("_", " ") for k in kinds_seen], loc="lower center", ncol=min(6, len(kinds_seen)),
               frameon=False, fontsize=9, title="organisation kind")
    fig.suptitle("Network of organisations at the last snapshot (replicate 0)", fontsize=13)
    fig.tight_layout(rect=(0, 0.08, 1, 0.95))
    return Plot("network_snapshot", "Network snapshot",
                "Organisations alive at the last tie snapshot of replicate 0 and the ties in force between them "
                "(any kind; darker and thicker: stronger). Colour: organisation kind; size: number of partners; "
                "label: the organisation's id in the scenario. Layout: a deterministic force-directed (spring) "
                "layout started from a circle ordered by kind, so the same file always gives the same drawing; "
                "positions carry no meaning beyond who is tied to whom.", fig)


#: Quantities of the paired-difference plot: name -> (title, y label, function of the wide
#: per-replicate frame of metrics).
DIFFERENCES = {
    "share_employed_social": ("Employed in the social economy", "difference in share of people tracked (points)",
                              lambda w: 100.0 * w["people_employed_social"] / w["people_total"]),
    "share_employed_open": ("Employed on the open labour market", "difference in share of people tracked (points)",
                            lambda w: 100.0 * w["people_employed_open"] / w["people_total"]),
    "jobs_per_1000": ("Social-economy jobs per 1,000 people tracked", "difference in jobs per 1,000",
                      lambda w: 1000.0 * w["social_economy_jobs"] / w["people_total"]),
    "spending_per_person": ("Public spending since the start per person tracked", "difference in PLN per person",
                            lambda w: w["public_spending_cumulative_pln"] / w["people_total"]),
}


def paired_differences(runs: dict[str, Path]) -> Plot:
    """B - A replicate by replicate over time, for scenarios run with common random numbers."""
    if len(runs) != 2:
        raise ValueError("paired differences need exactly two scenarios")
    a, b = list(runs)
    tidy = _load(runs, ["people_total", "people_employed_social", "people_employed_open", "social_economy_jobs",
                        "public_spending_cumulative_pln"])
    wide = _wide(tidy)
    parts = [_derived(wide, name, quantity(wide)) for name, (_title, _ylabel, quantity) in DIFFERENCES.items()]
    diff = stats.paired_differences(pd.concat(parts, ignore_index=True), a, b)
    fig, axes = plt.subplots(2, 2, figsize=(13, 8.2), sharex=True)
    colour = SCENARIO_COLOURS[1]
    for ax, (name, (title, ylabel, _q)) in zip(axes.flat, DIFFERENCES.items()):
        rows = diff[diff["metric"] == name].sort_values("month")
        x = _dates(rows["month"])
        ax.axhline(0.0, color="black", lw=0.8)
        ax.plot(x, rows["mean"], color=colour, lw=1.8, gid=name)
        ax.fill_between(x, rows["ci_low"].fillna(rows["mean"]), rows["ci_high"].fillna(rows["mean"]), color=colour,
                        alpha=0.25, lw=0)
        ax.set_title(title, fontsize=11)
        ax.set_ylabel(ylabel)
        _time_axis(ax)
    fig.suptitle(_wrap(f"Paired difference B \u2212 A, replicate by replicate: B = {b}, A = {a}", 110), fontsize=12)
    handles = [Line2D([], [], color=colour, lw=2), Patch(color=colour, alpha=0.25),
               Line2D([], [], color="black", lw=0.8)]
    fig.legend(handles, ["mean difference B \u2212 A", "95% CI of the paired difference", "no difference"],
               loc="upper center", bbox_to_anchor=(0.5, 0.92), ncol=3, frameon=False, fontsize=9)
    fig.tight_layout(rect=(0, 0, 1, 0.88))
    return Plot("paired_differences", "Paired differences over time",
                "Difference B \u2212 A of each quantity, computed replicate by replicate (replicate r of both "
                "scenarios uses the same random numbers) and then averaged; band: 95% Student-t CI of the mean "
                "difference. "
                "Where the band does not cover the zero line, the difference is clearly not chance. Shares and "
                "per-person quantities, so scenarios of different population sizes compare; months present in only "
                "one scenario are left out.", fig)


#: Every plot of the report, in the order shown.
ALL = [people_by_state, social_economy_jobs, cooperative_survival, revenue_mix, public_cost_per_reintegration,
       network_structure, network_snapshot]

#: Drawn after ALL when the scenarios share random numbers (common_random_numbers in compare.json).
PAIRED = [paired_differences]
