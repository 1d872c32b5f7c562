"""`python3 -m analysis report DIR` end to end on a comparison made by `partnersim compare`,
and its errors on folders that are not comparisons."""

from __future__ import annotations

import base64
import contextlib
import html
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import h5py
import numpy as np
import pytest

from analysis import figures
from analysis.__main__ import main
from analysis.report import format_number, interval_cell, verdict

PNG = b"\x89PNG\r\n\x1a\n"
STEMS = ["people_by_state", "social_economy_jobs", "cooperative_survival", "revenue_mix",
         "public_cost_per_reintegration", "network_structure", "network_snapshot"]


def _stems(folder: Path) -> list[str]:
    """The plots the report of `folder` must have: all, plus the paired differences under CRN."""
    info = json.loads((folder / "compare.json").read_text(encoding="utf-8"))
    return STEMS + (["paired_differences"] if info.get("common_random_numbers") is True else [])


def _is_svg(path: Path) -> bool:
    return ET.parse(path).getroot().tag.endswith("svg")


@pytest.fixture(scope="module")
def rendered(comparison, tmp_path_factory):
    """A copy of the comparison folder with its report rendered by the CLI (drawn once: drawing
    every plot takes several seconds)."""
    folder = tmp_path_factory.mktemp("report") / "cmp"
    shutil.copytree(comparison, folder)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["report", str(folder)]) == 0
    (folder / "stdout.txt").write_text(printed.getvalue(), encoding="utf-8")
    return folder


def test_report_writes_html_markdown_and_every_plot(rendered):
    assert (rendered / "report.html").is_file() and (rendered / "report.md").is_file()
    for stem in _stems(rendered):
        assert (rendered / f"{stem}.png").read_bytes()[:8] == PNG, stem
        assert _is_svg(rendered / f"{stem}.svg"), stem


def test_cli_prints_where_the_report_is(rendered):
    assert f"report: {rendered / 'report.html'}" in (rendered / "stdout.txt").read_text(encoding="utf-8")


def _outcome_rows(page: str) -> dict[str, list[str]]:
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, flags=re.S):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
        if len(cells) == 9:
            rows[cells[0]] = cells
    return rows


def test_html_outcome_table_holds_the_numbers_of_compare_json(rendered):
    info = json.loads((rendered / "compare.json").read_text(encoding="utf-8"))
    assert info["outcomes"], "compare.json lists no outcomes"
    rows = _outcome_rows((rendered / "report.html").read_text(encoding="utf-8"))
    for outcome in info["outcomes"]:
        label = outcome.get("label") or outcome["name"]
        assert label in rows, f"no table row for {label}"
        cells = rows[label]
        for column, side in [(2, "a"), (4, "b"), (6, "difference")]:
            stats_ = outcome[side]
            assert cells[column] == format_number(stats_["mean"]), (label, side)
            interval = f"[{format_number(stats_['ci_low'])}, {format_number(stats_['ci_high'])}]"
            assert cells[column + 1].startswith(interval), (label, side)
            assert cells[column + 1] == interval_cell(stats_, info["replicates"])
        expected = {"higher": "B higher", "lower": "B lower"}.get(verdict(outcome["difference"]), "")
        assert cells[8] == expected, label


def test_clearly_nonzero_differences_are_stated(rendered):
    info = json.loads((rendered / "compare.json").read_text(encoding="utf-8"))
    md = (rendered / "report.md").read_text(encoding="utf-8")
    findings = md.split("What differs", 1)[1].split("## Plots", 1)[0]
    for outcome in info["outcomes"]:
        label = outcome.get("label") or outcome["name"]
        low, high = outcome["difference"]["ci_low"], outcome["difference"]["ci_high"]
        if low is not None and high is not None and (low > 0 or high < 0):
            word = "higher" if low > 0 else "lower"
            assert f"{label}: B is {word} than A" in findings, label


def test_report_names_the_scenarios_and_how_to_reproduce(rendered):
    info = json.loads((rendered / "compare.json").read_text(encoding="utf-8"))
    page = html.unescape((rendered / "report.html").read_text(encoding="utf-8"))
    for scenario in info["scenarios"]:
        assert scenario["result_file"] in page
        assert scenario["start"] in page
    assert f"python3 -m analysis report {rendered}" in page
    if info.get("command"):
        assert info["command"] in page


def test_html_is_self_contained(rendered):
    page = (rendered / "report.html").read_text(encoding="utf-8")
    sources = re.findall(r"""src=['"]([^'"]*)['"]""", page)
    assert len(sources) == len(_stems(rendered))
    for src in sources:
        assert src.startswith("data:image/png;base64,"), src[:60]
        assert base64.b64decode(src.split(",", 1)[1])[:8] == PNG
    assert not re.search(r"""(href|src)=['"]?(https?:|//)""", page)
    assert "<link" not in page


def test_markdown_refers_to_existing_plots(rendered):
    md = (rendered / "report.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    links = re.findall(r"\[[^\]]*\.svg\]\(([^)]+)\)", md)
    assert sorted(Path(i).stem for i in images) == sorted(_stems(rendered))
    for name in images:
        assert (rendered / name).read_bytes()[:8] == PNG, name
    for name in links:
        assert _is_svg(rendered / name), name


def test_people_plot_draws_the_mean_shares(comparison):
    runs = {"A": next(comparison.glob("*.h5"))}
    plot = figures.people_by_state(runs)
    path = runs["A"]
    with h5py.File(path, "r") as f:
        total = f["metrics/people_total"][()]
        for ax, metric in zip(plot.figure.axes, figures.PEOPLE_STATES):
            share = 100.0 * f[f"metrics/{metric}"][()] / total
            line = ax.get_lines()[0]
            np.testing.assert_allclose(line.get_ydata(), share.mean(axis=0), err_msg=metric)


def test_subfolders_get_their_own_and_a_combined_report(comparison, tmp_path, monkeypatch):
    # the layout of the combined report is under test here, not the plots: draw one, quickly
    monkeypatch.setattr(figures, "ALL", [figures.network_structure])
    monkeypatch.setattr(figures, "PAIRED", [])
    for name in ["first", "second"]:
        shutil.copytree(comparison, tmp_path / name)
    (tmp_path / "not-a-comparison").mkdir()
    assert main(["report", str(tmp_path)]) == 0
    for name in ["first", "second"]:
        assert (tmp_path / name / "report.html").is_file()
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "id='pair-0'" in page and "id='pair-1'" in page and "id='pair-2'" not in page
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert len(images) == 2
    assert {Path(i).parts[0] for i in images} == {"first", "second"}
    for name in images:
        assert (tmp_path / name).read_bytes()[:8] == PNG, name


def test_report_marks_outcomes_defined_in_fewer_replicates():
    stats_ = {"mean": 0.5, "ci_low": 0.25, "ci_high": 0.75, "n": 2}
    assert interval_cell(stats_, 3) == "[0.25, 0.75] (n=2)"
    assert interval_cell(dict(stats_, n=3), 3) == "[0.25, 0.75]"
    assert format_number(None) == "n/a" and format_number(1234567.8) == "1\u2009234\u2009568"
    assert format_number(-0.0123) == "\u22120.0123"
    assert verdict({"ci_low": 0.1, "ci_high": 2}) == "higher"
    assert verdict({"ci_low": -2, "ci_high": -0.1}) == "lower"
    assert verdict({"ci_low": -2, "ci_high": 0.0}) == "no clear difference"
    assert verdict({"ci_low": None, "ci_high": None}) == "undetermined"


# ---- folders that are not comparisons -----------------------------------------------------


def _fails(folder, capsys, message: str) -> None:
    assert main(["report", str(folder)]) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert not (Path(folder) / "report.html").exists()


def test_missing_folder(tmp_path, capsys):
    _fails(tmp_path / "nowhere", capsys, "no such folder")


def test_folder_without_results(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("x")
    _fails(tmp_path, capsys, "no compare.json")


def test_compare_json_that_is_not_json(tmp_path, capsys):
    (tmp_path / "compare.json").write_text("{ not json")
    _fails(tmp_path, capsys, "not valid JSON")


def test_compare_json_of_another_format(tmp_path, capsys):
    (tmp_path / "compare.json").write_text(json.dumps({"format": "something-else"}))
    _fails(tmp_path, capsys, "not a partnersim comparison")


def _copy(comparison, tmp_path) -> tuple[Path, Path]:
    folder = tmp_path / "cmp"
    shutil.copytree(comparison, folder)
    info = json.loads((folder / "compare.json").read_text(encoding="utf-8"))
    return folder, folder / info["scenarios"][1]["result_file"]


def test_missing_result_file(comparison, tmp_path, capsys):
    folder, result_b = _copy(comparison, tmp_path)
    result_b.unlink()
    _fails(folder, capsys, "is missing")


def test_truncated_result_file(comparison, tmp_path, capsys):
    folder, result_b = _copy(comparison, tmp_path)
    data = result_b.read_bytes()
    result_b.write_bytes(data[: len(data) // 2])
    _fails(folder, capsys, "not an HDF5 file")


def test_incomplete_result_file(comparison, tmp_path, capsys):
    folder, result_b = _copy(comparison, tmp_path)
    with h5py.File(result_b, "r+") as f:
        f.attrs["complete"] = np.int64(0)
    _fails(folder, capsys, "incomplete result")


def test_a_bad_pair_stops_the_report_before_any_is_drawn(comparison, tmp_path, capsys):
    shutil.copytree(comparison, tmp_path / "good")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "compare.json").write_text("[]")
    _fails(tmp_path, capsys, "not a partnersim comparison")
    assert not (tmp_path / "good" / "report.html").exists()


def test_cli_usage_error_exits_nonzero():
    with pytest.raises(SystemExit) as stop:
        main(["report"])
    assert stop.value.code == 2

