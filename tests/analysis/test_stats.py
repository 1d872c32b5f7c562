"""Confidence intervals, paired differences and Kaplan-Meier against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import stats

# Student t quantiles t(0.975; df) from the standard tables.
T975 = {2: 4.302652730, 4: 2.776445105}


def test_mean_ci_of_a_known_sample():
    ci = stats.mean_ci([1.0, 2.0, 3.0, 4.0, 5.0])
    sd = math.sqrt(2.5)  # sum of squares 10 over n - 1 = 4
    half = T975[4] * sd / math.sqrt(5)
    assert ci["n"] == 5
    assert ci["mean"] == pytest.approx(3.0)
    assert ci["sd"] == pytest.approx(sd)
    assert ci["ci_low"] == pytest.approx(3.0 - half, rel=1e-9)
    assert ci["ci_high"] == pytest.approx(3.0 + half, rel=1e-9)


def test_mean_ci_ignores_nan_and_has_no_interval_for_one_value():
    assert stats.mean_ci([7.0, np.nan])["mean"] == 7.0
    one = stats.mean_ci([7.0, np.nan])
    assert one["n"] == 1 and math.isnan(one["ci_low"]) and math.isnan(one["sd"])
    assert stats.mean_ci([])["n"] == 0


def test_summarise_matches_mean_ci_per_group():
    rng = np.random.default_rng(1)
    rows = [{"scenario": s, "replicate": r, "month": m, "metric": "x", "value": float(rng.normal())}
            for s in ["A", "B"] for r in range(4) for m in ["2020-01", "2020-02"]]
    tidy = pd.DataFrame(rows)
    summary = stats.summarise(tidy)
    assert len(summary) == 4
    for _, row in summary.iterrows():
        values = tidy[(tidy["scenario"] == row["scenario"]) & (tidy["month"] == row["month"])]["value"]
        expected = stats.mean_ci(values)
        for key in ["mean", "sd", "ci_low", "ci_high", "n"]:
            assert row[key] == pytest.approx(expected[key]), key


def test_paired_differences_pair_by_replicate():
    a = [1.0, 5.0, 9.0]
    b = [3.0, 7.5, 12.0]  # B - A = 2, 2.5, 3 replicate by replicate
    tidy = pd.DataFrame({"scenario": ["A"] * 3 + ["B"] * 3, "replicate": [0, 1, 2] * 2, "month": "2020-01",
                         "metric": "x", "value": a + b})
    diff = stats.paired_differences(tidy, "A", "B")
    assert len(diff) == 1
    row = diff.iloc[0]
    half = T975[2] * 0.5 / math.sqrt(3)  # differences have mean 2.5 and sd 0.5
    assert row["mean"] == pytest.approx(2.5)
    assert row["ci_low"] == pytest.approx(2.5 - half)
    assert row["ci_high"] == pytest.approx(2.5 + half)
    # Paired wrongly, the spread between replicates (sd 4 and 4.5) would swamp the difference.
    assert row["ci_low"] > 0 > stats.mean_ci(np.array(b) - np.array(a)[[2, 0, 1]])["ci_low"]


def test_paired_differences_drop_months_of_one_scenario_only():
    tidy = pd.DataFrame({"scenario": ["A", "A", "B"], "replicate": [0, 0, 0],
                         "month": ["2020-01", "2020-02", "2020-02"], "metric": "x", "value": [1.0, 2.0, 5.0]})
    diff = stats.paired_differences(tidy, "A", "B")
    assert list(diff["month"]) == ["2020-02"]
    assert diff["mean"].iloc[0] == 3.0


def test_kaplan_meier_with_censoring():
    # closures at 2, 3, 5, 8; censored (still open) at 3, 7
    duration = [2, 3, 3, 5, 7, 8]
    closed = [True, True, False, True, False, True]
    curve = stats.kaplan_meier(duration, closed)
    assert list(curve["time"]) == [0, 2, 3, 5, 8]
    assert list(curve["at_risk"]) == [6, 6, 5, 3, 1]  # censored at 3 is still at risk at 3
    assert list(curve["closed"]) == [0, 1, 1, 1, 1]
    assert list(curve["censored"]) == [0, 0, 0, 1, 1]  # the one at 3 is counted before 5, the one at 7 before 8
    expected = [1.0, 5 / 6, 5 / 6 * 4 / 5, 5 / 6 * 4 / 5 * 2 / 3, 0.0]
    np.testing.assert_allclose(curve["survival"], expected)
    assert stats.survival_at(curve, 4.9) == pytest.approx(2 / 3)
    assert stats.survival_at(curve, 1.0) == 1.0


def test_kaplan_meier_greenwood_interval():
    curve = stats.kaplan_meier([2, 3, 3, 5, 7, 8], [True, True, False, True, False, True])
    row = curve[curve["time"] == 3].iloc[0]
    s = 2 / 3
    greenwood = 1 / (6 * 5) + 1 / (5 * 4)
    se = math.sqrt(greenwood) / abs(math.log(s))
    z = 1.959963985
    assert row["ci_low"] == pytest.approx(s ** math.exp(z * se), rel=1e-6)
    assert row["ci_high"] == pytest.approx(s ** math.exp(-z * se), rel=1e-6)
    assert 0 <= row["ci_low"] < s < row["ci_high"] <= 1


def test_kaplan_meier_delayed_entry():
    # The third subject was founded before observation began and enters at 3, so it is not at
    # risk at 2 (it could not have been seen closing then).
    curve = stats.kaplan_meier([2, 5, 6, 6], [True, False, True, False], entry=[0, 0, 3, 0])
    assert list(curve["time"]) == [0, 2, 6]
    assert list(curve["at_risk"][1:]) == [3, 2]
    np.testing.assert_allclose(curve["survival"], [1.0, 2 / 3, 1 / 3])


def test_kaplan_meier_refuses_entry_after_exit():
    with pytest.raises(ValueError, match="entry after"):
        stats.kaplan_meier([2], [True], entry=[3])

