"""The on-disk sandbox state: seeded once by processes started together, mended by reset when corrupted."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import Result

from modelreg.cli import _state
from tests.cli.conftest import Invoke, parse

pytestmark = pytest.mark.usefixtures("vendors")

PROCESSES = 8
# Each child imports everything first, then waits for the go file, so that they all open the
# fresh state directory at the same moment.
CHILD = """
import pathlib, sys, time
import modelreg.cli._app
from modelreg.cli import main
go = pathlib.Path(sys.argv[1])
while not go.exists():
    time.sleep(0.001)
main(["--sandbox", "list", "--json"])
"""


def _models_by_provider(cli: Invoke) -> Counter[str]:
    result = cli("--sandbox", "list", "--json")
    assert result.exit_code == 0, result.stderr
    return Counter(model["provider"] for model in parse(result))


def _seeded_once(cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """What one process alone seeds, in a directory of its own."""
    with monkeypatch.context() as scoped:
        scoped.setenv("MODELREG_STATE_DIR", str(tmp_path / "reference"))
        return _models_by_provider(cli)


def test_processes_started_together_on_a_fresh_directory_seed_it_once(
    cli: Invoke, state_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    go = tmp_path / "go"
    env = {**os.environ, "MODELREG_STATE_DIR": str(state_dir)}
    children = [
        subprocess.Popen([sys.executable, "-c", CHILD, str(go)], env=env, stdout=subprocess.DEVNULL)
        for _ in range(PROCESSES)
    ]
    time.sleep(1.0)  # let every child finish importing
    go.touch()
    for child in children:
        assert child.wait(timeout=60) == 0
    assert _models_by_provider(cli) == _seeded_once(cli, tmp_path, monkeypatch)


def _one_line_error(result: Result, path: Path) -> str:
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and "modelreg --sandbox sandbox reset" in lines[0]
    assert "bug" not in lines[0]
    return lines[0]


def test_a_store_file_that_is_not_a_database_is_named_with_the_fix(cli: Invoke) -> None:
    path = _state.store_path("scriptix")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database, it is a shopping list\n" * 200)
    line = _one_line_error(cli("--sandbox", "list"), path)
    assert "corrupted" in line


def test_a_store_with_a_mangled_record_is_named_with_the_fix(cli: Invoke) -> None:
    _models_by_provider(cli)  # create and seed the stores
    path = _state.store_path("selise")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE docs SET doc = '{\"cut short' WHERE tbl = 'models'")
    _one_line_error(cli("--sandbox", "list", "--provider", "selise"), path)


def test_a_store_with_damaged_pages_is_named_with_the_fix(cli: Invoke) -> None:
    _models_by_provider(cli)
    path = _state.store_path("scriptix")
    data = bytearray(path.read_bytes())
    assert len(data) > 4096
    data[100:] = b"\xff" * (len(data) - 100)  # keep the header, ruin every page
    path.write_bytes(bytes(data))
    _one_line_error(cli("--sandbox", "get", "scriptix:1"), path)


@pytest.mark.parametrize("damage", ["not a database", "mangled record"])
def test_reset_recovers_a_corrupted_store(
    cli: Invoke, damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _state.store_path("scriptix")
    if damage == "not a database":
        path.parent.mkdir(parents=True)
        path.write_bytes(b"\x00garbage" * 1000)
    else:
        _models_by_provider(cli)
        with sqlite3.connect(path) as db:
            db.execute("UPDATE docs SET doc = 'not json'")
    assert cli("--sandbox", "list").exit_code == 1
    reset = cli("--sandbox", "sandbox", "reset", "--yes")
    assert reset.exit_code == 0, reset.stderr
    assert _models_by_provider(cli) == _seeded_once(cli, tmp_path, monkeypatch)
