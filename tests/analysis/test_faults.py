"""Corrupt and truncated results given to the analysis package and its command line: each
is refused with a ValueError (exit status 2 from `python -m analysis`), never read as data.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

import analysis

READERS = [analysis.open_metrics, analysis.provenance, analysis.organisations, analysis.events, analysis.ties]


def _corrupt(result, tmp_path, name, edit):
    data = bytearray(result.read_bytes())
    data = edit(data)
    path = tmp_path / name
    path.write_bytes(bytes(data))
    return path


CORRUPTIONS = {
    "truncated_to_a_tenth": lambda d: d[: len(d) // 10],
    "truncated_by_one_byte": lambda d: d[:-1],
    "superblock_zeroed": lambda d: bytearray(64) + d[64:],
    "empty": lambda d: bytearray(),
}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_a_corrupt_result_is_refused_by_every_reader(result, tmp_path, reader, corruption):
    path = _corrupt(result, tmp_path, f"{corruption}.h5", CORRUPTIONS[corruption])
    with pytest.raises(ValueError, match=str(path.name)):
        reader(path)


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_plot_refuses_a_corrupt_result_with_a_nonzero_exit(result, tmp_path, corruption):
    path = _corrupt(result, tmp_path, f"{corruption}.h5", CORRUPTIONS[corruption])
    png = tmp_path / "plot.png"
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "plot", str(path), "-o", str(png)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert path.name in done.stderr
    assert not png.exists()
