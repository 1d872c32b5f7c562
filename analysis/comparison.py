"""A comparison folder written by `partnersim compare A.yaml B.yaml -o DIR`: the two result
files, compare.json (what was compared and the key outcomes with paired differences) and
summary.csv. See docs/ANALYSIS.md for the layout of compare.json.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .results import _open, provenance

#: The compare.json format this module reads.
COMPARE_FORMAT = "partnersim-compare"
COMPARE_FORMAT_VERSION = 1


@dataclass
class Scenario:
    """One side of a comparison."""

    key: str  # "a" or "b"
    name: str  # metadata.name of the scenario
    scenario_file: str
    result_file: Path  # absolute path of the result file in the folder
    start: str
    steps: int


@dataclass
class Comparison:
    """A comparison folder, read and checked."""

    folder: Path
    info: dict[str, Any]  # compare.json as read (null -> None)
    scenarios: list[Scenario] = field(default_factory=list)

    @property
    def outcomes(self) -> list[dict[str, Any]]:
        return self.info.get("outcomes", [])

    @property
    def labels(self) -> dict[str, Path]:
        """Scenario label -> result file, in compare.json's order (the labels of the tidy frames)."""
        return {s.name: s.result_file for s in self.scenarios}

    @property
    def title(self) -> str:
        return " vs ".join(s.name for s in self.scenarios)


def _require(info: dict, key: str, kind, where: str):
    if key not in info:
        raise ValueError(f"{where}: missing key {key!r}")
    value = info[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ValueError(f"{where}: {key!r} should be {getattr(kind, '__name__', kind)}, got {value!r}")
    return value


def read_comparison(folder: str | os.PathLike) -> Comparison:
    """Reads DIR/compare.json and checks it and both result files (complete partnersim results
    whose seed and replicates match compare.json). Raises FileNotFoundError or ValueError
    saying what is wrong."""
    folder = Path(folder)
    path = folder / "compare.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file (not a folder written by `partnersim compare`)")
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"{path}: not valid JSON ({e})") from e
    if not isinstance(info, dict) or info.get("format") != COMPARE_FORMAT:
        raise ValueError(f"{path}: not a partnersim comparison (format is not {COMPARE_FORMAT!r})")
    version = _require(info, "format_version", int, str(path))
    if version > COMPARE_FORMAT_VERSION:
        raise ValueError(
            f"{path}: comparison format {version}, newer than this module reads ({COMPARE_FORMAT_VERSION})")
    scenarios = _require(info, "scenarios", list, str(path))
    if len(scenarios) != 2:
        raise ValueError(f"{path}: 'scenarios' should list 2 scenarios, got {len(scenarios)}")
    _require(info, "outcomes", list, str(path))
    comparison = Comparison(folder=folder, info=info)
    for i, entry in enumerate(scenarios):
        where = f"{path}: scenarios[{i}]"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: should be an object")
        result = folder / _require(entry, "result_file", str, where)
        if not result.is_file():
            raise FileNotFoundError(f"{result}: result file named in {path} is missing")
        with _open(result):  # complete partnersim result, or a ValueError saying why not
            pass
        meta = provenance(result)
        for key in ("seed", "replicates"):
            if key in info and info[key] is not None and int(meta[key]) != int(info[key]):
                raise ValueError(f"{result}: {key} {meta[key]} differs from compare.json's {info[key]}")
        comparison.scenarios.append(Scenario(
            key=str(entry.get("key", "ab"[i])),
            name=str(entry.get("name") or meta["scenario_name"]),
            scenario_file=str(entry.get("scenario_file", meta.get("scenario_path", ""))),
            result_file=result,
            start=str(entry.get("start", meta["start_month"])),
            steps=int(entry.get("steps", meta["steps"])),
        ))
    if comparison.scenarios[0].name == comparison.scenarios[1].name:
        for s in comparison.scenarios:  # labels must differ: fall back to the file names
            s.name = f"{s.name} ({s.result_file.stem})"
    return comparison


def find_comparisons(folder: str | os.PathLike) -> list[Path]:
    """The comparison folders to report on: `folder` itself if it holds compare.json, else its
    direct subfolders that do (sorted). Raises if there is none."""
    folder = Path(folder)
    if not folder.exists():
        raise FileNotFoundError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise ValueError(f"{folder}: not a folder")
    if (folder / "compare.json").exists():
        return [folder]
    found = sorted(p for p in folder.iterdir() if p.is_dir() and (p / "compare.json").exists())
    if not found:
        raise ValueError(f"{folder}: no compare.json here or in its subfolders "
                         "(make one with `partnersim compare A.yaml B.yaml -o DIR`)")
    return found


def number(value: Any) -> float:
    """A compare.json number (null for NaN) as a float."""
    return math.nan if value is None else float(value)
