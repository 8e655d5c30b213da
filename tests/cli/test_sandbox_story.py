"""One sandbox story: the library's sandbox=True and the CLI's --sandbox start from the same seed models.

A few models per vendor, one of them failed, whatever credentials the user's environment holds;
and ``make demo`` keeps a sandbox of its own, so it never resets the user's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import modelreg
from modelreg import ModelStatus
from tests.cli.conftest import Invoke, parse

ROOT = Path(__file__).resolve().parents[2]


def _library_catalogue() -> list[tuple[str, str, str]]:
    with modelreg.connect_all(sandbox=True) as everything:
        return [(m.ref, m.name, m.status.value) for m in everything.list()]


@pytest.mark.usefixtures("vendors")
def test_the_cli_sandbox_starts_from_the_catalogue_connect_sandbox_true_starts_from(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SELISE_BLOCKS_KEY", "blk-a-real-users-key-0123456789")  # does not hide the seed models
    listed = [(m["ref"], m["name"], m["status"]) for m in parse(cli("--sandbox", "list", "-o", "json"))]
    assert listed == _library_catalogue()
    for provider in ("scriptix", "selise"):
        mine = [status for ref, _, status in listed if ref.startswith(f"{provider}:")]
        assert len(mine) >= 3 and ModelStatus.FAILED.value in mine, (provider, mine)


@pytest.mark.usefixtures("vendors")
def test_the_cli_in_a_subprocess_lists_the_same_seed_models_as_the_library(state_dir: Path) -> None:
    env = {**os.environ, "MODELREG_STATE_DIR": str(state_dir)}
    done = subprocess.run(
        [sys.executable, "-m", "modelreg", "--sandbox", "list"], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    assert [(row[0], row[1], row[2]) for row in rows] == _library_catalogue()


def _shim(venv: Path) -> None:
    """A venv-shaped directory whose bin/modelreg is this interpreter's modelreg."""
    (venv / "bin").mkdir(parents=True)
    script = venv / "bin" / "modelreg"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m modelreg "$@"\n')
    script.chmod(0o755)
    (venv / ".installed-stamp").touch()


@pytest.mark.usefixtures("vendors")
@pytest.mark.timeout(300)
def test_make_demo_keeps_a_sandbox_of_its_own_and_never_resets_the_users(tmp_path: Path, cli: Invoke) -> None:
    created = parse(cli("--sandbox", "create", "scriptix", "--name", "Mine", "--set", "language=en", "--json"))
    user_state = Path(os.environ["MODELREG_STATE_DIR"])
    venv = tmp_path / "venv"
    _shim(venv)
    planned = subprocess.run(
        ["make", "-n", "-s", "demo", f"VENV={venv}"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert planned.returncode == 0, planned.stderr
    commands = [line for line in planned.stdout.splitlines() if "bin/modelreg" in line]
    assert len(commands) == 2 and all(line.startswith(f"MODELREG_STATE_DIR={venv}/demo-state ") for line in commands)
    env = {**os.environ, "MODELREG_STATE_DIR": str(user_state)}  # the user's own state, which the demo must not touch
    for line in commands:
        done = subprocess.run(["bash", "-c", line], capture_output=True, text=True, timeout=120, env=env)
        assert done.returncode == 0, done.stderr
    assert "Medical Cardiology EN" in done.stdout  # the demo's table of seed models
    mine = parse(cli("--sandbox", "get", created["ref"], "--json"))
    assert mine["name"] == "Mine"
    assert (venv / "demo-state" / "sandbox" / "scriptix.sqlite3").is_file()
