"""Cooperative lifetimes and founding routes, on a small result file written here by hand in
the documented layout (docs/OUTPUT.md), and on a result made by the CLI."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

import analysis
from analysis import results, stats

STR = h5py.string_dtype("utf-8")
MONTHS = ["2020-01", "2020-02", "2020-03", "2020-04", "2020-05", "2020-06"]


def _write_result(path, alive, table, snapshot_ties, events_rows):
    """A complete result file with only what the survival analysis reads."""
    replicates, steps, n = alive.shape
    with h5py.File(path, "w") as f:
        for key, value in {"format_version": 1, "complete": 1, "steps": steps, "replicates": replicates,
                           "organisations": n, "seed": 1}.items():
            f.attrs[key] = np.int64(value)
        f.attrs["scenario_name"] = "hand-made"
        f.attrs["start_month"] = MONTHS[0]
        metrics = f.create_group("metrics")
        metrics["month"] = np.array(MONTHS[:steps], dtype="S7")
        metrics["replicate"] = np.arange(replicates, dtype=np.int32)
        metrics["people_total"] = np.full((replicates, steps), 10.0)
        orgs = f.create_group("organisations")
        orgs["alive"] = alive.astype(np.uint8)
        orgs["table"] = np.array(table, dtype=[("id", STR), ("name", STR), ("kind", STR), ("sector", STR),
                                               ("municipality", STR), ("founded", "S7")])
        f.create_group("ties")["snapshots"] = np.array(snapshot_ties, dtype=[
            ("replicate", "<u4"), ("step", "<i4"), ("month", "S7"), ("source", "<u4"), ("target", "<u4"),
            ("kind", STR), ("strength", "<f4"), ("start", "S7")])
        f.create_group("events")["log"] = np.array(events_rows, dtype=[
            ("replicate", "<u4"), ("step", "<i4"), ("month", "S7"), ("kind", STR), ("source", "<i8"),
            ("target", "<i8"), ("amount_pln", "<f8"), ("note", STR)])


@pytest.fixture
def hand_made(tmp_path):
    # 0 city, 1 NGO; cooperatives: 2 founded by the city in 2019-01 (before the run) and closed
    # at step 3; 3 opened at step 1 by the NGO (tie only in the event log) and still open at the
    # end; 4 of natural persons, open at steps 2-3; 5 a latent slot never opened.
    alive = np.zeros((1, 6, 6))
    alive[0, :, 0] = alive[0, :, 1] = 1
    alive[0, 0:3, 2] = 1
    alive[0, 1:6, 3] = 1
    alive[0, 2:4, 4] = 1
    table = [("city", "City", "municipality", "none", "X", b"2000-01"),
             ("ngo", "NGO", "ngo", "none", "X", b"2005-01"),
             ("coop_city", "Coop of the city", "social_cooperative", "none", "X", b"2019-01"),
             ("coop_ngo", "Coop of the NGO", "social_cooperative", "none", "X", b""),
             ("coop_people", "Coop of people", "social_cooperative", "none", "X", b""),
             ("latent", "Latent slot", "social_cooperative", "none", "X", b"")]
    snapshot_ties = [(0, 0, b"2020-01", 0, 2, "founding", 1.0, b"2019-01"),
                     (0, 0, b"2020-01", 0, 1, "partnership", 0.5, b"2010-01")]
    events_rows = [(0, 1, b"2020-02", "organisation_founded", 3, -1, 0.0, "Coop of the NGO"),
                   (0, 1, b"2020-02", "tie_added", 1, 3, 0.0, "founding"),
                   (0, 2, b"2020-03", "tie_added", 0, 4, 0.0, "contract")]
    path = tmp_path / "hand.h5"
    _write_result(path, alive, table, snapshot_ties, events_rows)
    return path


def test_lifetimes_censoring_and_delayed_entry(hand_made):
    life = results.cooperative_lifetimes(hand_made).set_index("id")
    assert sorted(life.index) == ["coop_city", "coop_ngo", "coop_people"]  # the latent slot never existed
    city = life.loc["coop_city"]
    # founded 12 months before the run: enters observation at 12, closes at step 3 -> 15 months old
    assert (city["founded"], city["entry"], city["duration"], bool(city["closed"])) == ("2019-01", 12, 15, True)
    ngo = life.loc["coop_ngo"]
    # opened at step 1, alive to the last step 5: censored after 5 months
    assert (ngo["founded"], ngo["entry"], ngo["duration"], bool(ngo["closed"])) == ("2020-02", 0, 5, False)
    people = life.loc["coop_people"]
    assert (people["founded"], people["entry"], people["duration"], bool(people["closed"])) == ("2020-03", 0, 2, True)


def test_founding_route_from_snapshots_and_event_log(hand_made):
    routes = results.cooperative_lifetimes(hand_made).set_index("id")["route"]
    assert routes["coop_city"] == "co-founded by a public body"
    assert routes["coop_ngo"] == "founded by NGOs or church"  # the founding tie is only in the event log
    assert routes["coop_people"] == "founded by natural persons"  # a contract tie is not a founding tie
    assert set(routes) <= set(results.FOUNDING_ROUTES)


def test_kaplan_meier_of_the_hand_made_lifetimes(hand_made):
    life = results.cooperative_lifetimes(hand_made)
    curve = stats.kaplan_meier(life["duration"], life["closed"], life["entry"])
    # at 2: coop_people closes; at risk: coop_people and coop_ngo (coop_city enters at 12)
    # at 15: coop_city closes alone -> survival 1/2 * 0
    assert list(curve["time"]) == [0, 2, 15]
    assert list(curve["at_risk"][1:]) == [2, 1]
    np.testing.assert_allclose(curve["survival"], [1.0, 0.5, 0.0])


def test_tidy_frame_of_the_hand_made_file(hand_made):
    tidy = results.tidy_metrics({"x": hand_made})
    assert list(tidy.columns) == ["scenario", "replicate", "month", "metric", "value"]
    assert len(tidy) == 6 and set(tidy["month"]) == set(MONTHS)


# ---- a result made by the CLI -------------------------------------------------------------


def test_lifetimes_agree_with_the_alive_array(result):
    life = results.cooperative_lifetimes(result)
    table = analysis.organisations(result)
    with h5py.File(result, "r") as f:
        alive = f["organisations/alive"][()]
    steps = alive.shape[1]
    assert len(life) > 0
    for row in life.itertuples():
        assert table.at[row.organisation, "kind"] == "social_cooperative"
        series = alive[row.replicate, :, row.organisation]
        first = int(np.flatnonzero(series == 1)[0])
        last_alive = first + row.duration - row.entry - 1  # months alive in the run, from the first
        assert series[first:last_alive + 1].all()
        if row.closed:
            assert series[last_alive + 1] == 0
        else:
            assert last_alive == steps - 1


def test_kooperacja_is_co_founded_by_the_city(result):
    life = results.cooperative_lifetimes(result)
    kooperacja = life[life["id"] == "kooperacja"]
    if kooperacja.empty:
        pytest.skip("the scenario has no cooperative kooperacja")
    assert set(kooperacja["route"]) == {"co-founded by a public body"}
