"""Read partnersim result files (HDF5) into xarray and pandas.

Only numpy, h5py, pandas and xarray (with the h5netcdf engine) are needed; partnersim itself
is not. The layout is described in docs/OUTPUT.md. Every function refuses a file that is not a
finished partnersim result with a ValueError saying why (FileNotFoundError if it is missing).
"""

from __future__ import annotations

import os
from typing import Any

import h5py
import numpy as np
import pandas as pd
import xarray as xr

#: The newest result format this module understands (root attribute ``format_version``).
FORMAT_VERSION = 1


def _text(value: Any) -> Any:
    """Bytes (as h5py returns HDF5 strings) to str; anything else unchanged."""
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8")
    return value


def _plain(value: Any) -> Any:
    """An attribute value as a plain Python object (str, int, float or list)."""
    value = _text(value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    return value


def _open(path: str | os.PathLike) -> h5py.File:
    """Opens a finished partnersim result, or raises saying why it is not one."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    if os.path.isdir(path) or not h5py.is_hdf5(path):
        raise ValueError(f"{path}: not an HDF5 file")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise ValueError(f"{path}: not an HDF5 file (truncated or damaged: {e})") from e
    try:
        if "format_version" not in f.attrs or "metrics" not in f:
            raise ValueError(f"{path}: not a partnersim result (no format_version)")
        version = int(f.attrs["format_version"])
        if version > FORMAT_VERSION:
            raise ValueError(
                f"{path}: written in result format {version}, newer than this module reads ({FORMAT_VERSION})"
            )
        if int(f.attrs.get("complete", 0)) != 1:
            raise ValueError(f"{path}: incomplete result (the run did not finish)")
    except BaseException:
        f.close()
        raise
    return f


def _table(f: h5py.File, name: str) -> pd.DataFrame:
    """A compound dataset as a DataFrame, strings decoded from UTF-8."""
    data = f[name][()]
    frame = pd.DataFrame(data)
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(_text)
    return frame


def provenance(path: str | os.PathLike) -> dict[str, Any]:
    """Every root attribute (format_version, partnersim_version, scenario_name, seed, steps,
    start_month, replicates, creation_time, command_line, complete, ...) plus
    ``scenario_source`` (the scenario file, verbatim) and ``scenario_path``."""
    with _open(path) as f:
        info = {key: _plain(value) for key, value in f.attrs.items()}
        if "scenario/source" in f:
            source = f["scenario/source"]
            info["scenario_source"] = _text(source[()])
            info["scenario_path"] = _plain(source.attrs.get("path", ""))
    return info


def open_metrics(path: str | os.PathLike) -> xr.Dataset:
    """All metrics as an xarray Dataset: one variable per metric with dims
    ("replicate", "month"), month labelled "YYYY-MM", attributes unit and description.
    The provenance attributes are copied into the Dataset's attrs. Loaded into memory."""
    with _open(path) as f:
        attrs = {key: _plain(value) for key, value in f.attrs.items()}
    with xr.open_dataset(path, group="metrics", engine="h5netcdf") as ds:
        ds = ds.load()
    ds.attrs.update(attrs)
    return ds


def open_organisations(path: str | os.PathLike) -> xr.Dataset:
    """The per-organisation arrays (cash, employees, degree, alive) as an xarray Dataset with
    dims ("replicate", "month", "organisation"); the organisation coordinate carries the
    columns of the organisations table (id, name, kind, ...) as extra coordinates."""
    table = organisations(path)
    with xr.open_dataset(path, group="organisations", engine="h5netcdf", drop_variables=["table"]) as ds:
        ds = ds.load()
    for column in table.columns:
        ds = ds.assign_coords({column: ("organisation", table[column].to_numpy())})
    return ds


def organisations(path: str | os.PathLike) -> pd.DataFrame:
    """The organisations of the scenario, one row each, indexed by organisation index:
    id, name, kind, sector, municipality, founded ("YYYY-MM", or "" when founded during the run)."""
    with _open(path) as f:
        frame = _table(f, "organisations/table")
    frame.index.name = "organisation"
    return frame


def events(path: str | os.PathLike) -> pd.DataFrame:
    """The event log, sorted by replicate and step (order within a step kept): replicate,
    step, month, kind, source, target (organisation indices, -1 for none), amount_pln, note."""
    with _open(path) as f:
        frame = _table(f, "events/log")
    return frame.sort_values(["replicate", "step"], kind="stable").reset_index(drop=True)


def ties(path: str | os.PathLike) -> pd.DataFrame:
    """Tie snapshots, sorted by replicate and step: replicate, step, month, source, target
    (organisation indices), kind, strength, start ("YYYY-MM" the tie began)."""
    with _open(path) as f:
        frame = _table(f, "ties/snapshots")
    return frame.sort_values(["replicate", "step"], kind="stable").reset_index(drop=True)


def ledger(path: str | os.PathLike) -> pd.DataFrame:
    """The money ledger, sorted by replicate and step (order within a step kept): replicate,
    step, month, source, sink (account classes: an organisation kind such as
    "social_cooperative" or an outside account such as "ESF" or "households"), channel (the
    purpose: "grant", "sales", "wages", ...) and amount_pln, summed over the month. Opening
    balances are not flows."""
    with _open(path) as f:
        if "ledger/flows" not in f:
            raise ValueError(f"{os.fspath(path)}: no ledger (written by an older partnersim)")
        frame = _table(f, "ledger/flows")
    return frame.sort_values(["replicate", "step"], kind="stable").reset_index(drop=True)
