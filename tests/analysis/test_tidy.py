"""Tidy frames and their summaries against the arrays read directly with h5py."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from analysis import results, stats


def test_tidy_frame_holds_every_cell_of_every_metric(result):
    tidy = results.tidy_metrics({"A": result})
    with h5py.File(result, "r") as f:
        metrics = f["metrics"]
        names = [n for n in metrics if n not in ("month", "replicate")]
        months = [m.decode() for m in metrics["month"][()]]
        replicates, steps = metrics[names[0]].shape
        assert list(tidy.columns) == ["scenario", "replicate", "month", "metric", "value"]
        assert len(tidy) == len(names) * replicates * steps
        assert set(tidy["metric"]) == set(names)
        assert set(tidy["scenario"]) == {"A"}
        assert not tidy.duplicated(["replicate", "month", "metric"]).any()
        for name in ["people_employed_social", "social_economy_jobs", "network_density"]:
            part = tidy[tidy["metric"] == name]
            grid = part.pivot(index="replicate", columns="month", values="value").reindex(columns=months)
            np.testing.assert_array_equal(grid.to_numpy(), metrics[name][()], err_msg=name)


def test_tidy_frame_uses_the_scenario_name_without_labels(result):
    tidy = results.tidy_metrics(result, metrics=["people_total"])
    assert set(tidy["scenario"]) == {results.provenance(result)["scenario_name"]}


def test_summary_is_the_mean_and_t_interval_over_replicates(result):
    tidy = results.tidy_metrics({"A": result}, metrics=["people_in_programme"])
    summary = stats.summarise(tidy).set_index("month")
    with h5py.File(result, "r") as f:
        values = f["metrics/people_in_programme"][()]
        months = [m.decode() for m in f["metrics/month"][()]]
    n = values.shape[0]
    half = stats.t_quantile(n) * values.std(axis=0, ddof=1) / np.sqrt(n)
    np.testing.assert_allclose(summary.loc[months, "mean"], values.mean(axis=0))
    np.testing.assert_allclose(summary.loc[months, "ci_low"], values.mean(axis=0) - half)
    np.testing.assert_allclose(summary.loc[months, "ci_high"], values.mean(axis=0) + half)


def test_unknown_metric_is_an_error(result):
    with pytest.raises(ValueError, match="no metric no_such_metric"):
        results.tidy_metrics(result, metrics=["no_such_metric"])
