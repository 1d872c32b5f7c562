"""Shared fixtures of the analysis tests: one result and one comparison made by the partnersim
CLI per session.

PARTNERSIM_BIN names the CLI (set by ctest); PARTNERSIM_SCENARIO may name another scenario
than scenarios/examples/minimal.yaml. Tests using `result` are skipped without the CLI.
"""

from __future__ import annotations

import os
import re
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


def _partnersim() -> str:
    binary = os.environ.get("PARTNERSIM_BIN", "")
    if not binary or not os.access(binary, os.X_OK):
        pytest.skip("PARTNERSIM_BIN does not name the partnersim executable")
    return binary


#: The variant scenario (B) of the `comparison` fixture adds this parameter next to the
#: example's reintegration.referral_rate: people move from social jobs to the open market
#: about seven times as often as by default (0.03), a difference the outcomes show clearly.
VARIANT_PARAMETER = "open_market_rate: 0.2"


@pytest.fixture(scope="session")
def comparison(tmp_path_factory) -> Path:
    """A comparison folder made by `partnersim compare A B -o DIR --replicates 3` (the example's
    own 48 steps: it dates organisations up to 2015-07, so a shorter run is invalid):
    A = SCENARIO, B = SCENARIO with a higher referral rate and its own name (written to tmp).
    Skipped while the CLI has no `compare` subcommand."""
    binary = _partnersim()
    usage = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=60).stdout
    if not re.search(r"^\s+compare\s", usage, flags=re.M):  # the Subcommands list of --help
        pytest.skip(f"{binary} has no `compare` subcommand yet (issue 4); the report tests need it")
    root = tmp_path_factory.mktemp("compare")
    text = SCENARIO.read_text(encoding="utf-8")
    sibling = re.search(r"^( +)referral_rate:.*$", text, flags=re.M)
    if not sibling:
        pytest.skip(f"{SCENARIO} sets no reintegration.referral_rate to add the variant's parameter next to")
    variant_text = text[: sibling.end()] + f"\n{sibling.group(1)}{VARIANT_PARAMETER}" + text[sibling.end():]
    name = re.search(r"^  name: .*$", variant_text, flags=re.M)  # metadata.name: the variant has its own
    variant_text = variant_text[: name.end()] + " (faster moves to the open market)" + variant_text[name.end():]
    variant = root / "open-market.yaml"
    variant.write_text(variant_text, encoding="utf-8")
    out = root / "cmp"
    done = subprocess.run(
        [binary, "compare", str(SCENARIO), str(variant), "-o", str(out), "--replicates", "3", "--quiet"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"partnersim compare failed:\n{done.stdout}\n{done.stderr}"
    assert (out / "compare.json").is_file(), sorted(p.name for p in out.iterdir())
    return out
