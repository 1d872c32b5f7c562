"""Sweep analysis: estimators against known answers, and a sweep made by `partnersim batch`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import matplotlib.image
import numpy as np
import pandas as pd
import pytest

from analysis.sweep import load_sweep, morris_effects, sobol_indices

REPO = Path(__file__).resolve().parents[2]


def saltelli_design(n_base: int, k: int) -> pd.DataFrame:
    """The saltelli layout of partnersim's index (group, position, factor) on [0, 1]^k."""
    qmc = pytest.importorskip("scipy.stats.qmc")
    base = qmc.Sobol(d=2 * k, scramble=False).random(n_base)
    rows = []
    for i, u in enumerate(base):
        a, b = u[:k], u[k:]
        rows.append((i, 0, -1, a))
        rows.append((i, 1, -1, b))
        for j in range(k):
            ab = a.copy()
            ab[j] = b[j]
            rows.append((i, 2 + j, j, ab))
    design = pd.DataFrame(
        {"group": [r[0] for r in rows], "position": [r[1] for r in rows], "factor": [r[2] for r in rows]}
    )
    values = np.array([r[3] for r in rows])
    for j in range(k):
        design[f"x{j + 1}"] = values[:, j]
    design["point"] = np.arange(len(design))
    design["replicate"] = 0
    design.index = design["point"].to_numpy()
    return design


def test_sobol_indices_of_the_ishigami_function_match_the_analytic_values():
    # Ishigami (a = 7, b = 0.1) on [-pi, pi]^3: known first-order and total indices.
    design = saltelli_design(4096, 3)
    x = (design[["x1", "x2", "x3"]].to_numpy() * 2 - 1) * np.pi
    y = np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
    indices = sobol_indices(design, pd.Series(y, index=design.index), ["x1", "x2", "x3"], n_boot=200)
    variance = 7**2 / 8 + 0.1 * np.pi**4 / 5 + 0.1**2 * np.pi**8 / 18 + 0.5
    v1 = 0.5 * (1 + 0.1 * np.pi**4 / 5) ** 2
    v2 = 7**2 / 8
    v13 = 0.1**2 * np.pi**8 * (1 / 18 - 1 / 50)
    expected_s1 = np.array([v1, v2, 0.0]) / variance
    expected_st = np.array([v1 + v13, v2, v13]) / variance
    np.testing.assert_allclose(indices["S1"], expected_s1, atol=0.03)
    np.testing.assert_allclose(indices["ST"], expected_st, atol=0.03)
    assert (indices["S1_low"] <= indices["S1"]).all() and (indices["S1"] <= indices["S1_high"]).all()
    assert (indices["ST_high"] - indices["ST_low"] < 0.1).all()
    assert (indices["N"] == 4096).all()


def morris_design(r: int, levels: int, ranges: list[tuple[float, float]], seed: int = 1) -> pd.DataFrame:
    """Morris trajectories in the index layout (group, position, factor), as partnersim builds them."""
    rng = np.random.default_rng(seed)
    k = len(ranges)
    jump = levels // 2
    rows = []
    for t in range(r):
        level = rng.integers(0, levels, k)
        rows.append((t, 0, -1, level.copy()))
        for s, j in enumerate(rng.permutation(k)):
            level[j] += jump if level[j] + jump <= levels - 1 else -jump
            rows.append((t, s + 1, j, level.copy()))
    design = pd.DataFrame(
        {"group": [x[0] for x in rows], "position": [x[1] for x in rows], "factor": [x[2] for x in rows]}
    )
    lv = np.array([x[3] for x in rows], dtype=float) / (levels - 1)
    for j, (lo, hi) in enumerate(ranges):
        design[f"x{j + 1}"] = lo + lv[:, j] * (hi - lo)
    design["point"] = np.arange(len(design))
    design["replicate"] = 0
    design.index = design["point"].to_numpy()
    return design


def test_morris_effects_of_a_known_model():
    # y = 0.2 x1 - 3 x2 + x3 x4, x1 in [0, 10], the others in [0, 1]: over its whole range x1
    # adds 2 and x2 removes 3 whatever the others; x3 and x4 interact.
    ranges = [(0.0, 10.0), (0.0, 1.0), (0.0, 1.0), (0.0, 1.0)]
    design = morris_design(40, 4, ranges)
    x = design[["x1", "x2", "x3", "x4"]].to_numpy()
    y = pd.Series(0.2 * x[:, 0] - 3 * x[:, 1] + x[:, 2] * x[:, 3], index=design.index)
    names = ["x1", "x2", "x3", "x4"]
    effects = morris_effects(design, y, names, dict(zip(names, ranges)), n_boot=200)
    assert effects.loc["x1", "mu"] == pytest.approx(2.0)
    assert effects.loc["x1", "mu_star"] == pytest.approx(2.0)
    assert effects.loc["x1", "sigma"] == pytest.approx(0.0, abs=1e-12)
    assert effects.loc["x2", "mu"] == pytest.approx(-3.0)
    assert effects.loc["x2", "mu_star"] == pytest.approx(3.0)
    assert effects.loc["x3", "sigma"] > 0.1 and effects.loc["x4", "sigma"] > 0.1
    assert effects.loc["x3", "mu_star"] < effects.loc["x1", "mu_star"]
    assert (effects["r"] == 40).all()


def test_a_point_with_a_failed_replicate_drops_its_trajectory():
    ranges = [(0.0, 1.0), (0.0, 1.0)]
    design = morris_design(5, 4, ranges)
    x = design[["x1", "x2"]].to_numpy()
    y = pd.Series(x[:, 0] + x[:, 1], index=design.index)
    y.iloc[4] = np.nan  # a failed run in trajectory 1
    effects = morris_effects(design, y, ["x1", "x2"], dict(zip(["x1", "x2"], ranges)), n_boot=50)
    assert (effects["r"] == 4).all()


TINY_SCENARIO = """metadata: {name: Tiny}
start: 2012-01
steps: 24
seed: 1
organisations:
  - {id: city, name: City, kind: municipality, municipality: Sopot, cash_pln: 100000}
  - {id: ngo, name: NGO, kind: ngo, sector: social, municipality: Sopot, programme_places: 10, staff: 2}
  - {id: coop, name: Coop, kind: social_cooperative, sector: services, municipality: Sopot, members: 5, social_jobs: 4}
people:
  - {municipality: Sopot, groups: [long_term_unemployed], count: 300}
ties:
  - {source: city, target: ngo, kind: partnership}
  - {source: ngo, target: coop, kind: referral}
"""

MORRIS_SWEEP = """scenario: tiny.yaml
seed: 4
design: morris
trajectories: 4
levels: 4
parameters:
  reintegration.referral_rate: {min: 0.01, max: 0.3, unit: 1/month}
  reintegration.completion_rate: {min: 0.1, max: 0.6, unit: 1/month}
  network.betweenness_samples: {min: 16, max: 512, unit: sources}
metrics: [people_in_programme, people_employed_social]
"""


@pytest.fixture(scope="module")
def morris_sweep(tmp_path_factory) -> Path:
    binary = os.environ.get("PARTNERSIM_BIN", "")
    if not binary or not os.access(binary, os.X_OK):
        pytest.skip("PARTNERSIM_BIN does not name the partnersim executable")
    d = tmp_path_factory.mktemp("sweep")
    (d / "tiny.yaml").write_text(TINY_SCENARIO)
    (d / "sweep.yaml").write_text(MORRIS_SWEEP)
    done = subprocess.run(
        [binary, "batch", str(d / "sweep.yaml"), "-o", str(d / "out"), "--quiet", "--jobs", "2"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return d / "out"


def test_a_sweep_loads_with_its_design_and_metrics(morris_sweep):
    s = load_sweep(morris_sweep)
    assert s.parameters == ["reintegration.referral_rate", "reintegration.completion_rate", "network.betweenness_samples"]
    assert len(s.design) == 4 * 4
    assert (s.design["status"] == 0).all()
    assert s.ranges["network.betweenness_samples"] == (16.0, 512.0)
    frame = s.metric("people_in_programme")
    assert frame.shape == (16, 24)
    assert frame.columns[0] == "2012-01"
    assert np.isfinite(frame.to_numpy()).all()
    with pytest.raises(ValueError, match="no metric"):
        s.metric("people_total")


def test_morris_on_a_real_sweep_finds_a_parameter_that_cannot_matter(morris_sweep):
    # Three organisations are far below the exact-betweenness limit, so the number of sampled
    # sources changes nothing; with common random numbers its elementary effects are exactly 0.
    s = load_sweep(morris_sweep)
    y = s.outcome("people_in_programme", "mean")  # the places fill up: the last month does not vary
    effects = morris_effects(s.design, y, s.parameters, s.ranges, n_boot=100)
    assert effects.loc["network.betweenness_samples", "mu_star"] == 0.0
    assert effects.loc["reintegration.referral_rate", "mu_star"] > 0.0


def test_the_sweep_command_prints_the_table_and_plots(morris_sweep, tmp_path):
    out = tmp_path / "morris.png"
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "sweep", str(morris_sweep), "--outcome", "people_in_programme",
         "--at", "mean", "--morris", "--bootstrap", "50", "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "mu_star" in done.stdout and "reintegration.referral_rate" in done.stdout
    assert matplotlib.image.imread(out).shape[2] in (3, 4)
    bad = subprocess.run(
        [sys.executable, "-m", "analysis", "sweep", str(morris_sweep), "--outcome", "people_in_programme",
         "--vs", "cooperatives.wage_pln", "-o", str(tmp_path / "x.png")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert bad.returncode == 2
    assert "not varied in this sweep" in bad.stderr
