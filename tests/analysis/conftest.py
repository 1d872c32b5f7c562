"""Shared fixtures of the analysis tests: one result made by the partnersim CLI per session.

PARTNERSIM_BIN names the CLI (set by ctest); PARTNERSIM_SCENARIO may name another scenario
than scenarios/examples/minimal.yaml. Tests using `result` are skipped without the CLI.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCENARIO = Path(os.environ.get("PARTNERSIM_SCENARIO", REPO / "scenarios" / "examples" / "minimal.yaml"))


@pytest.fixture(scope="session")
def scenario() -> Path:
    """The scenario file the `result` fixture was made from."""
    return SCENARIO


@pytest.fixture(scope="session")
def result(tmp_path_factory) -> Path:
    """A finished result file of SCENARIO, written by `partnersim run ... --quiet`."""
    binary = os.environ.get("PARTNERSIM_BIN", "")
    if not binary or not os.access(binary, os.X_OK):
        pytest.skip("PARTNERSIM_BIN does not name the partnersim executable")
    if not SCENARIO.exists():
        pytest.skip(f"{SCENARIO} does not exist")
    out = tmp_path_factory.mktemp("run") / "r.h5"
    done = subprocess.run(
        [binary, "run", str(SCENARIO), "-o", str(out), "--quiet"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"partnersim failed:\n{done.stdout}\n{done.stderr}"
    assert out.exists()
    assert not list(out.parent.glob(".r.h5.partial-*")), "temporary file left behind"
    return out
