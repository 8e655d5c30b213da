"""The built wheel, installed in a fresh virtual environment, carries the core and both providers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SLOW = pytest.mark.timeout(1200)
"""Building (up to 300 s) and installing (up to 600 s) a wheel outlast the suite's default per-test timeout."""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (found,) = out.glob("modelreg-*.whl")
    return found


@pytest.mark.slow
@SLOW
def test_wheel_ships_core_providers_types_and_entry_points(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = next(archive.read(n).decode() for n in names if n.endswith("entry_points.txt"))
    assert "modelreg/__init__.py" in names
    for package in ("modelreg", "modelreg_scriptix", "modelreg_selise"):
        assert f"{package}/py.typed" in names, f"{package} ships no py.typed: its users' type checkers ignore it"
    assert "modelreg_scriptix/__init__.py" in names and "modelreg_selise/__init__.py" in names
    assert not any(n.startswith(("tests/", "src/", "providers/")) for n in names)
    assert "scriptix = modelreg_scriptix" in entry_points and "selise = modelreg_selise" in entry_points


@pytest.mark.slow
@SLOW
def test_wheel_installs_into_a_fresh_venv_and_finds_both_providers(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    # As the README says to install it: the wheel with the cli extra.
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", f"{wheel}[cli]"],
        check=True,
        capture_output=True,
        timeout=600,
    )
    script = (
        "import json, modelreg, modelreg_scriptix, modelreg_selise;"
        "print(json.dumps([modelreg.providers(), modelreg_scriptix.__file__, modelreg_selise.__file__]))"
    )
    done = subprocess.run([str(python), "-c", script], check=True, capture_output=True, text=True, cwd=tmp_path)
    names, scriptix_file, selise_file = json.loads(done.stdout)
    assert {"scriptix", "selise"} <= set(names)
    assert str(env_dir) in scriptix_file and str(env_dir) in selise_file
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "MODELREG_STATE_DIR": str(tmp_path / "state")}
    listed = subprocess.run(
        [str(env_dir / "bin" / "modelreg"), "--sandbox", "list"], capture_output=True, text=True, env=env, timeout=120
    )
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[0].startswith("scriptix:1\tMedical Cardiology EN\tavailable")
