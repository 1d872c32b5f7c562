"""The standard plot draws exactly the numbers in the result file."""

from __future__ import annotations

import numpy as np
import pytest

import analysis
from analysis.__main__ import main
from analysis.plot import plot_result


def test_plot_lines_are_the_replicate_means(result, tmp_path):
    png = tmp_path / "r.png"
    fig = plot_result(result, png)
    ds = analysis.open_metrics(result)
    drawn = {line.get_gid(): line.get_ydata() for ax in fig.axes for line in ax.get_lines()}
    assert "people_in_programme" in drawn and "programme_entries" in drawn
    for name, ydata in drawn.items():
        np.testing.assert_allclose(ydata, ds[name].values.mean(axis=0), err_msg=name)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_refuses_a_file_that_is_not_a_result(tmp_path, capsys):
    bogus = tmp_path / "x.h5"
    bogus.write_text("not hdf5")
    assert main(["plot", str(bogus), "-o", str(tmp_path / "x.png")]) == 2
    assert "not an HDF5 file" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_cli_usage_error_exits_nonzero():
    with pytest.raises(SystemExit) as stop:
        main(["plot"])
    assert stop.value.code == 2
