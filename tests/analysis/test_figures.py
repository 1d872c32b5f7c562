"""The comparison plots draw the quantities their captions promise, and the network layout is
deterministic and keeps tied organisations together."""

from __future__ import annotations

import json

import h5py
import numpy as np
import pytest

from analysis import figures, results, stats
from analysis.network import spring_layout


def test_spring_layout_is_deterministic_and_keeps_groups_together():
    # two triangles with no tie between them
    edges = [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5)]
    first = spring_layout(6, edges)
    np.testing.assert_array_equal(first, spring_layout(6, edges))
    assert np.isfinite(first).all() and np.abs(first).max() == pytest.approx(1.0)
    distance = np.linalg.norm(first[:, None, :] - first[None, :, :], axis=-1)
    within = [distance[i, j] for i, j in edges]
    between = [distance[i, j] for i in range(3) for j in range(3, 6)]
    assert max(within) < min(between)


def test_spring_layout_of_tiny_networks():
    assert spring_layout(0, []).shape == (0, 2)
    np.testing.assert_array_equal(spring_layout(1, []), [[0.0, 0.0]])


def test_public_cost_is_cumulative_spending_over_cumulative_job_entries(result):
    plot = figures.public_cost_per_reintegration({"A": result})
    (line,) = plot.figure.axes[0].get_lines()
    with h5py.File(result, "r") as f:
        spending = f["metrics/public_spending_cumulative_pln"][()]
        entries = np.cumsum(f["metrics/job_entries"][()], axis=1)
    every = (entries > 0).all(axis=0)  # drawn from the first month every replicate had an entry
    expected = (spending[:, every] / entries[:, every]).mean(axis=0) / 1000.0
    np.testing.assert_allclose(line.get_ydata(), expected)


def test_survival_plot_draws_the_kaplan_meier_curves(result):
    plot = figures.cooperative_survival({"A": result})
    life = results.cooperative_lifetimes(result)
    drawn = {line.get_gid(): line for ax in plot.figure.axes for line in ax.get_lines() if line.get_gid()}
    assert drawn, "no survival curve drawn"
    for route in set(life["route"]):
        rows = life[life["route"] == route]
        curve = stats.kaplan_meier(rows["duration"], rows["closed"], rows["entry"])
        ydata = drawn[f"{route}|A"].get_ydata()
        np.testing.assert_allclose(ydata[:-1], curve["survival"])


def test_revenue_bars_are_yearly_sums_by_source(result):
    plot = figures.revenue_mix({"A": result})
    ax = plot.figure.axes[0]
    with h5py.File(result, "r") as f:
        months = [m.decode() for m in f["metrics/month"][()]]
        years = np.array([int(m[:4]) for m in months])
        for metric in figures.REVENUE_SOURCES:
            values = f[f"metrics/{metric}"][()]
            expected = [values[:, years == y].sum(axis=1).mean() / 1000.0 for y in np.unique(years)]
            heights = [p.get_height() for p in ax.patches if p.get_gid() == f"A|{metric}"]
            np.testing.assert_allclose(heights, expected, err_msg=metric)


def test_paired_difference_plot_is_the_mean_of_replicate_differences(result):
    plot = figures.paired_differences({"A": result, "B": result})  # a scenario against itself: all zero
    for ax in plot.figure.axes:
        lines = [line for line in ax.get_lines() if line.get_gid() in figures.DIFFERENCES]
        assert len(lines) == 1
        np.testing.assert_array_equal(lines[0].get_ydata(), 0.0)
    with pytest.raises(ValueError, match="exactly two"):
        figures.paired_differences({"A": result})


def test_paired_difference_of_two_scenarios(comparison):
    info = json.loads((comparison / "compare.json").read_text(encoding="utf-8"))
    a, b = (comparison / s["result_file"] for s in info["scenarios"])
    plot = figures.paired_differences({"A": a, "B": b})
    drawn = {line.get_gid(): line.get_ydata() for ax in plot.figure.axes for line in ax.get_lines()}
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        if [m for m in fa["metrics/month"][()]] != [m for m in fb["metrics/month"][()]]:
            pytest.skip("the compared scenarios cover different months")
        share = [100.0 * f["metrics/people_employed_open"][()] / f["metrics/people_total"][()] for f in (fa, fb)]
    np.testing.assert_allclose(drawn["share_employed_open"], (share[1] - share[0]).mean(axis=0))
