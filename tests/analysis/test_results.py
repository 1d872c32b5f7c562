"""The analysis package against a result made by the partnersim CLI, and against files that
are not finished results.

Run by ctest as `/usr/bin/python3 -m pytest tests/analysis` with PARTNERSIM_BIN (the CLI) and
PYTHONPATH (the repository root) set. The `result` and `scenario` fixtures are in conftest.py;
tests needing the CLI are skipped without it.
"""

from __future__ import annotations

import re

import h5py
import numpy as np
import pandas as pd
import pytest

import analysis

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _next_month(label: str) -> str:
    year, month = (int(part) for part in label.split("-"))
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return f"{year:04d}-{month:02d}"


# ---- a result made by the CLI -----------------------------------------------------------


def test_metrics_have_replicate_and_month_dims(result):
    ds = analysis.open_metrics(result)
    assert len(ds.data_vars) > 0
    for name, var in ds.data_vars.items():
        assert var.dims == ("replicate", "month"), name
        assert "unit" in var.attrs and "description" in var.attrs, name
    assert ds.sizes["replicate"] == ds.attrs["replicates"]
    assert ds.sizes["month"] == ds.attrs["steps"]
    assert list(ds["replicate"].values) == list(range(ds.sizes["replicate"]))


def test_month_coordinates_are_calendar_months_from_the_start(result):
    ds = analysis.open_metrics(result)
    months = [str(m) for m in ds["month"].values]
    assert all(isinstance(m, str) for m in ds["month"].values.tolist())
    assert all(MONTH.match(m) for m in months), months
    assert months[0] == ds.attrs["start_month"]
    for previous, current in zip(months, months[1:]):
        assert current == _next_month(previous)


def test_people_total_is_constant_over_steps(result):
    people = analysis.open_metrics(result)["people_total"]
    assert not bool(people.isnull().any())
    first = people.isel(month=0)
    assert bool((people == first).all()), people.values


def test_organisations_table(result):
    orgs = analysis.organisations(result)
    assert list(orgs.columns) == ["id", "name", "kind", "sector", "municipality", "founded"]
    assert len(orgs) == analysis.provenance(result)["organisations"]
    assert orgs.index.name == "organisation"
    assert orgs["id"].is_unique
    assert all(isinstance(v, str) for v in orgs["name"])
    # "" for organisations founded during the run (latent slots, found_organisation events)
    assert all(m == "" or MONTH.match(m) for m in orgs["founded"])


def test_organisation_arrays(result):
    ds = analysis.open_organisations(result)
    for name in ["cash", "employees", "degree", "alive"]:
        assert ds[name].dims == ("replicate", "month", "organisation"), name
    assert set(np.unique(ds["alive"].values)) <= {0, 1}
    assert list(ds["id"].values) == list(analysis.organisations(result)["id"])


def test_events_table(result):
    log = analysis.events(result)
    assert list(log.columns) == ["replicate", "step", "month", "kind", "source", "target", "amount_pln", "note"]
    if len(log):
        assert log["source"].min() >= -1 and log["target"].min() >= -1
        assert all(MONTH.match(m) for m in log["month"])
        assert all(isinstance(k, str) for k in log["kind"])


def test_ties_table(result):
    snapshots = analysis.ties(result)
    assert list(snapshots.columns) == ["replicate", "step", "month", "source", "target", "kind", "strength", "start"]
    with h5py.File(result, "r") as f:
        assert f["ties/snapshots"].attrs["every"] >= 1


CHANNELS = {
    "opening_balance", "grant", "eu_project", "startup_grant", "capital_grant", "donation", "subsidy", "contract",
    "sales", "wages", "rent", "overheads", "investment", "dividend", "repayment", "transfer",
}


def test_ledger_table(result):
    flows = analysis.ledger(result)
    assert list(flows.columns) == ["replicate", "step", "month", "source", "sink", "channel", "amount_pln"]
    assert len(flows) > 0, "the example scenario moves money every month"
    assert (flows["amount_pln"] > 0).all(), flows[flows["amount_pln"] <= 0]
    assert all(MONTH.match(m) for m in flows["month"])
    for column in ["source", "sink"]:
        assert all(isinstance(v, str) and v for v in flows[column]), column
    assert set(flows["channel"]) <= CHANNELS
    steps = analysis.provenance(result)["steps"]
    assert flows["step"].between(0, steps - 1).all()
    assert flows[["replicate", "step"]].apply(tuple, axis=1).is_monotonic_increasing
    # One row per (source, sink, channel) and month: the writer sums the month's transfers.
    assert not flows.duplicated(["replicate", "step", "source", "sink", "channel"]).any()


def test_opening_balances_are_not_flows(result):
    flows = analysis.ledger(result)
    opening = flows[(flows["channel"] == "opening_balance") | (flows["source"] == "opening balances")]
    assert opening.empty, opening
    # The organisations did start with money: step 0's cash is not all zero.
    assert float(abs(analysis.open_organisations(result)["cash"].isel(month=0)).sum()) > 0


def test_provenance_keeps_the_scenario_verbatim(result, scenario):
    info = analysis.provenance(result)
    assert info["complete"] == 1
    assert info["format_version"] == analysis.FORMAT_VERSION
    for key in ["partnersim_version", "scenario_name", "seed", "steps", "start_month", "replicates",
                "creation_time", "command_line"]:
        assert key in info, key
    assert info["scenario_source"] == scenario.read_text(encoding="utf-8")


# ---- files that are not finished results --------------------------------------------------

READERS = [
    analysis.open_metrics,
    analysis.open_organisations,
    analysis.organisations,
    analysis.events,
    analysis.ties,
    analysis.ledger,
    analysis.provenance,
]


@pytest.mark.parametrize("reader", READERS)
def test_hdf5_without_attributes_is_refused(tmp_path, reader):
    path = tmp_path / "fake.h5"
    with h5py.File(path, "w") as f:
        f.create_group("metrics").create_dataset("people_total", data=np.zeros((1, 3)))
    with pytest.raises(ValueError, match="not a partnersim result"):
        reader(path)


@pytest.mark.parametrize("reader", READERS)
def test_incomplete_result_is_refused(tmp_path, reader):
    path = tmp_path / "partial.h5"
    with h5py.File(path, "w") as f:
        f.attrs["format_version"] = np.int64(1)
        f.attrs["complete"] = np.int64(0)
        f.create_group("metrics")
    with pytest.raises(ValueError, match="incomplete result"):
        reader(path)


def test_text_file_is_refused(tmp_path):
    path = tmp_path / "notes.h5"
    path.write_text("not HDF5\n")
    with pytest.raises(ValueError, match="not an HDF5 file"):
        analysis.provenance(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        analysis.open_metrics(tmp_path / "missing.h5")


def test_truncated_copy_of_a_result_is_refused(result, tmp_path):
    data = result.read_bytes()
    path = tmp_path / "cut.h5"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="not an HDF5 file"):
        analysis.open_metrics(path)


# ---- format 2: coded event texts and enumerated tie kinds ----------------------------------

TIE_KINDS = ["partnership", "contract", "grant", "founding", "referral", "in_kind", "consortium", "informal"]


def _hand_made(path, version, events_rows, tie_rows, kinds=None, notes=None):
    """A complete result file holding only an event log and tie snapshots, in format 1
    (strings) or 2 (codes into /events/kinds and /events/notes, an enumerated tie kind)."""
    text = h5py.string_dtype("utf-8")
    with h5py.File(path, "w") as f:
        f.attrs["format_version"] = np.int64(version)
        f.attrs["complete"] = np.int64(1)
        f.create_group("metrics")
        events = f.create_group("events")
        if version == 1:
            kind_type, note_type, tie_type = text, text, text
        else:
            kind_type, note_type = "<u2", "<u4"
            tie_type = h5py.enum_dtype({name: i for i, name in enumerate(TIE_KINDS)}, basetype="u1")
            events["kinds"] = np.array(kinds, dtype=object).astype(text)
            events["notes"] = np.array(notes, dtype=object).astype(text)
        events["log"] = np.array(events_rows, dtype=[
            ("replicate", "<u4"), ("step", "<i4"), ("month", "S7"), ("kind", kind_type), ("source", "<i8"),
            ("target", "<i8"), ("amount_pln", "<f8"), ("note", note_type)])
        f.create_group("ties")["snapshots"] = np.array(tie_rows, dtype=[
            ("replicate", "<u4"), ("step", "<i4"), ("month", "S7"), ("source", "<u4"), ("target", "<u4"),
            ("kind", tie_type), ("strength", "<f4"), ("start", "S7")])


def test_coded_columns_read_as_the_strings_of_format_1(tmp_path):
    old, new = tmp_path / "v1.h5", tmp_path / "v2.h5"
    logged = [(1, 0, "transfer", "Spółdzielnia „Żółw”"), (0, 0, "tie_added", ""), (0, 1, "transfer", "")]
    kinds, notes = ["transfer", "tie_added"], ["", "Spółdzielnia „Żółw”"]
    _hand_made(old, 1,
               [(r, s, b"2020-01", k, 0, 1, 2.5, n) for r, s, k, n in logged],
               [(0, 0, b"2020-01", 0, 1, kind, 0.5, b"2019-01") for kind in ["founding", "informal"]])
    _hand_made(new, 2,
               [(r, s, b"2020-01", kinds.index(k), 0, 1, 2.5, notes.index(n)) for r, s, k, n in logged],
               [(0, 0, b"2020-01", 0, 1, TIE_KINDS.index(kind), 0.5, b"2019-01") for kind in ["founding", "informal"]],
               kinds, notes)
    for reader in (analysis.events, analysis.ties):
        a, b = reader(old), reader(new)
        pd.testing.assert_frame_equal(a, b)
    log = analysis.events(new)
    assert list(log["kind"]) == ["tie_added", "transfer", "transfer"]  # sorted by replicate, step
    assert list(log["note"]) == ["", "", "Spółdzielnia „Żółw”"]
    assert list(analysis.ties(new)["kind"]) == ["founding", "informal"]


def test_a_code_past_its_dictionary_is_refused(tmp_path):
    path = tmp_path / "bad.h5"
    _hand_made(path, 2, [(0, 0, b"2020-01", 0, 0, 1, 0.0, 2)], [], ["transfer"], [""])
    with pytest.raises(ValueError, match="note code 2 beyond its dictionary of 1"):
        analysis.events(path)


def test_events_of_the_cli_result_decode_to_text(result):
    log = analysis.events(result)
    assert all(isinstance(n, str) for n in log["note"])
    with h5py.File(result, "r") as f:
        assert f["events/notes"].asstr()[0] == ""
        assert h5py.check_enum_dtype(f["ties/snapshots"].dtype["kind"]) == {k: i for i, k in enumerate(TIE_KINDS)}
