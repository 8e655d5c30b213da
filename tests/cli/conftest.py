"""Fixtures for the command line: an isolated state directory and a CliRunner-backed ``cli``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from modelreg.cli import make_cli

Invoke = Callable[..., Result]


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every CLI test keeps sandbox state in its own directory, with wide tables."""
    path = tmp_path / "state"
    monkeypatch.setenv("MODELREG_STATE_DIR", str(path))
    monkeypatch.setenv("COLUMNS", "200")
    return path


@pytest.fixture
def cli() -> Invoke:
    """Run ``modelreg ARGS...`` in process; returns click's ``Result`` (stdout and stderr apart)."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(make_cli(), list(args), input=input, env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def toy_only(toy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Only the toy provider is loaded, whatever else is installed."""
    monkeypatch.setenv("MODELREG_PLUGINS", "toy")
    return toy


def parse(result: Result) -> Any:
    """The JSON document a command printed on stdout."""
    return json.loads(result.stdout)


def create(cli: Invoke, name: str, *extra: str) -> str:
    """Create a toy model in the sandbox and return its ref."""
    result = cli("--sandbox", "create", "toy", "--name", name, "--json", *extra)
    assert result.exit_code == 0, result.stderr
    ref: str = parse(result)["ref"]
    return ref


@pytest.fixture
def vendors(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The two shipped providers alone, with sandbox waits sped up so that training ends at once."""
    from modelreg import _plugins

    monkeypatch.setenv("MODELREG_PLUGINS", "scriptix,selise")
    monkeypatch.setenv("MODELREG_SANDBOX_SPEED", "1000000")
    for name in ("SCRIPTIX_API_KEY", "SELISE_BLOCKS_KEY", "SELISE_PROJECT_KEY", "SELISE_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    _plugins.reset()
    yield
    _plugins.reset()
