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
#: Format 2 stores the event log's kind and note as codes into /events/kinds and
#: /events/notes and the tie snapshots' kind as an HDF5 enumeration; format 1 stored strings.
#: Both read the same.
FORMAT_VERSION = 2


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


def _strings(f: h5py.File, name: str) -> np.ndarray:
    """A 1-D string dataset (a dictionary) as an object array of str."""
    return np.array([_text(s) for s in f[name][()]], dtype=object)


def _decode(frame: pd.DataFrame, column: str, strings: np.ndarray, where: str) -> None:
    """Replaces the codes in `column` by their strings (rows of `strings`)."""
    codes = frame[column].to_numpy()
    if codes.size and (codes.min() < 0 or codes.max() >= len(strings)):
        raise ValueError(f"{where}: {column} code {int(codes.max())} beyond its dictionary of {len(strings)}")
    frame[column] = strings[codes.astype(np.intp)] if codes.size else pd.Series([], dtype=object)


def _events_table(f: h5py.File, where: str) -> pd.DataFrame:
    """/events/log with kind and note as str, whichever the format (codes or strings)."""
    frame = _table(f, "events/log")
    for column, dictionary in (("kind", "events/kinds"), ("note", "events/notes")):
        if dictionary in f and frame[column].dtype != object:
            _decode(frame, column, _strings(f, dictionary), where)
    return frame


def _ties_table(f: h5py.File, where: str) -> pd.DataFrame:
    """/ties/snapshots with kind as str, whichever the format (enumeration or strings)."""
    frame = _table(f, "ties/snapshots")
    dtype = f["ties/snapshots"].dtype
    enum = h5py.check_enum_dtype(dtype["kind"]) if "kind" in (dtype.names or ()) else None
    if enum:
        names = np.full(max(enum.values()) + 1, None, dtype=object)
        for name, value in enum.items():
            names[value] = name
        _decode(frame, "kind", names, where)
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
    The provenance attributes are copied into the Dataset's attrs. Loaded into memory.

    Built from h5py reads rather than `xr.open_dataset(..., engine="h5netcdf")`, which gives
    the same Dataset but is slow on result files: h5netcdf sizes each unlimited dimension by
    scanning every variable, for every variable (seconds to minutes for ~130 metrics)."""
    with _open(path) as f:
        attrs = {key: _plain(value) for key, value in f.attrs.items()}
        scales = {}
        for name in ("replicate", "month"):
            scale = f["metrics"][name]
            scales[name] = {key: _plain(scale.attrs[key]) for key in ("description", "units") if key in scale.attrs}
        replicate_dtype = f["metrics/replicate"].dtype
    months, replicates, arrays = metric_arrays(path)
    ds = xr.Dataset(
        {name: (("replicate", "month"), values, meta) for name, (values, meta) in arrays.items()},
        coords={"replicate": ("replicate", replicates.astype(replicate_dtype), scales["replicate"]),
                "month": ("month", np.array(months, dtype=object), scales["month"])},
    )
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
        frame = _events_table(f, os.fspath(path))
    return frame.sort_values(["replicate", "step"], kind="stable").reset_index(drop=True)


def ties(path: str | os.PathLike) -> pd.DataFrame:
    """Tie snapshots, sorted by replicate and step: replicate, step, month, source, target
    (organisation indices), kind, strength, start ("YYYY-MM" the tie began)."""
    with _open(path) as f:
        frame = _ties_table(f, os.fspath(path))
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


def tidy_metrics(results, metrics=None) -> pd.DataFrame:
    """Metrics of one or many result files in long ("tidy") form: one row per scenario,
    replicate, month and metric, columns scenario, replicate, month ("YYYY-MM"), metric, value.

    results: a path, a list of paths (scenario = the file's ``scenario_name``), or a mapping
    label -> path (scenario = the label; use it when two files share a scenario name).
    metrics: names to keep (default all); a name missing from a file is an error."""
    if isinstance(results, (str, os.PathLike)):
        results = [results]
    if not isinstance(results, dict):
        paths = list(results)
        results = {}
        for path in paths:
            label = provenance(path)["scenario_name"]
            if label in results:
                raise ValueError(f"{os.fspath(path)}: scenario name {label!r} used twice; pass a mapping label -> path")
            results[label] = path
    frames = []
    for label, path in results.items():
        months, replicates, arrays = metric_arrays(path, metrics)
        rep_col = np.repeat(replicates, len(months))
        month_col = np.tile(np.array(months, dtype=object), len(replicates))
        for name, (values, _attrs) in arrays.items():
            frames.append(pd.DataFrame({
                "scenario": label,
                "replicate": rep_col,
                "month": month_col,
                "metric": name,
                "value": values.astype(float).reshape(-1),
            }))
    if not frames:
        return pd.DataFrame(columns=["scenario", "replicate", "month", "metric", "value"])
    return pd.concat(frames, ignore_index=True)


def metric_arrays(path: str | os.PathLike, metrics=None):
    """The metrics straight from HDF5 (much faster than `open_metrics` for many metrics):
    (months ["YYYY-MM"], replicates [int], {metric: (array [R, S], {"unit", "description"})}),
    metrics in file order, or the `metrics` asked for (a missing one is a ValueError)."""
    with _open(path) as f:
        group = f["metrics"]
        months = [_text(m) for m in group["month"][()]]
        replicates = np.asarray(group["replicate"][()], dtype=int)
        available = [name for name in group if name not in ("month", "replicate")]
        names = available if metrics is None else list(metrics)
        missing = [name for name in names if name not in available]
        if missing:
            raise ValueError(f"{os.fspath(path)}: no metric {', '.join(missing)}")
        arrays = {}
        for name in names:
            data = group[name]
            if data.shape != (len(replicates), len(months)):
                raise ValueError(f"{os.fspath(path)}: /metrics/{name} has shape {data.shape}, "
                                 f"expected {(len(replicates), len(months))}")
            attrs = {key: str(_plain(data.attrs.get(key, ""))) for key in ("unit", "description")}
            arrays[name] = (data[()], attrs)
    return months, replicates, arrays


def metric_units(path: str | os.PathLike) -> dict[str, dict[str, str]]:
    """metric -> {"unit": ..., "description": ...} as declared in the file."""
    return {name: attrs for name, (_values, attrs) in metric_arrays(path)[2].items()}


def months_between(start: str, end: str) -> int:
    """Whole months from "YYYY-MM" `start` to `end` (negative if end is earlier)."""
    y0, m0 = (int(p) for p in start.split("-"))
    y1, m1 = (int(p) for p in end.split("-"))
    return (y1 - y0) * 12 + (m1 - m0)


#: Organisation kinds that are public bodies (local or regional government and their units).
PUBLIC_KINDS = frozenset({"municipality", "social_assistance_centre", "labour_office", "regional_centre",
                          "municipal_company"})

#: Founding routes of a social cooperative, as `cooperative_lifetimes` derives them.
FOUNDING_ROUTES = (
    "co-founded by a public body",
    "founded by NGOs or church",
    "founded by natural persons",
)


def founders(path: str | os.PathLike) -> pd.DataFrame:
    """Founding ties per replicate: replicate, source (founder), target (founded organisation),
    from every tie snapshot and every `tie_added` event of kind founding (a tie between
    snapshots is only in the event log). Deduplicated."""
    snapshots = ties(path)
    snapshots = snapshots.loc[snapshots["kind"] == "founding", ["replicate", "source", "target"]]
    log = events(path)
    added = log.loc[(log["kind"] == "tie_added") & (log["note"] == "founding"), ["replicate", "source", "target"]]
    frame = pd.concat([snapshots.astype("int64"), added.astype("int64")], ignore_index=True)
    return frame.drop_duplicates().sort_values(["replicate", "target", "source"]).reset_index(drop=True)


def cooperative_lifetimes(path: str | os.PathLike) -> pd.DataFrame:
    """One row per social cooperative and replicate that existed during the run:
    replicate, organisation, id, name, route, founded ("YYYY-MM"), entry, duration, closed.

    Times are months since founding. A cooperative founded before the run enters observation
    at the run's start (entry > 0: delayed entry); one founded during the run enters at 0 and
    its founding month is its first month alive. duration is the months it existed until it
    closed (alive went from 1 to 0; closed = True) or until the end of the run, when it is
    censored (closed = False: it survived at least that long). Only the first life counts.

    route (FOUNDING_ROUTES): "co-founded by a public body" if any founding tie into it comes
    from a PUBLIC_KINDS organisation, else "founded by NGOs or church" if it has any founding
    tie (legal persons), else "founded by natural persons" (no founding organisation)."""
    info = provenance(path)
    table = organisations(path)
    coops = table.index[table["kind"] == "social_cooperative"].to_numpy()
    if coops.size == 0:
        return pd.DataFrame(columns=["replicate", "organisation", "id", "name", "route", "founded", "entry",
                                     "duration", "closed"])
    months, alive = organisation_array(path, "alive")  # [R, S, N]
    start = str(info["start_month"])
    steps = alive.shape[1]
    ties_in = founders(path)
    rows = []
    for r in range(alive.shape[0]):
        founding = ties_in[ties_in["replicate"] == r]
        for org in coops:
            series = alive[r, :, org]
            on = np.flatnonzero(series == 1)
            if on.size == 0:
                continue
            first = int(on[0])
            off = np.flatnonzero(series[first:] != 1)
            closed = off.size > 0
            end = first + int(off[0]) if closed else steps
            founded = str(table.at[org, "founded"])
            if first == 0 and founded and months_between(founded, start) > 0:
                origin = -months_between(founded, start)  # founded before the run: delayed entry
            else:
                origin, founded = first, months[first]
            kinds = set(table.loc[founding.loc[founding["target"] == org, "source"], "kind"])
            if kinds & PUBLIC_KINDS:
                route = FOUNDING_ROUTES[0]
            elif kinds:
                route = FOUNDING_ROUTES[1]
            else:
                route = FOUNDING_ROUTES[2]
            rows.append({"replicate": r, "organisation": int(org), "id": table.at[org, "id"],
                         "name": table.at[org, "name"], "route": route, "founded": founded,
                         "entry": first - origin, "duration": end - origin, "closed": closed})
    return pd.DataFrame(rows)


def organisation_array(path: str | os.PathLike, name: str) -> tuple[list[str], np.ndarray]:
    """(months, array [R, S, N]) of one per-organisation dataset (cash, employees, degree,
    alive) straight from HDF5, faster than `open_organisations` when one array is enough."""
    with _open(path) as f:
        if name not in ("cash", "employees", "degree", "alive") or f"organisations/{name}" not in f:
            raise ValueError(f"{os.fspath(path)}: no organisation array {name!r}")
        months = [_text(m) for m in f["metrics/month"][()]]
        return months, f[f"organisations/{name}"][()]
