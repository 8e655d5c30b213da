"""Every recorded cassette replays through the sync and the async registry, offline, each interaction once."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest

import tests.scenarios as package
from modelreg.testing import use_cassette
from tests.scenarios import Scenario

CASSETTES = Path(__file__).resolve().parent.parent / "cassettes"


def _scenarios() -> list[Any]:
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"tests.scenarios.{info.name}")
        for name, scenario in module.SCENARIOS.items():
            found.append(pytest.param(module.PROVIDER, name, scenario, id=f"{module.PROVIDER}-{name}"))
    return found


def _outcome_sync(scenario: Scenario) -> Any:
    with scenario.replay() as registry:
        try:
            return scenario.run(registry)
        except Exception as exc:  # the scenario's check decides whether an error was expected
            return exc


async def _outcome_async(scenario: Scenario) -> Any:
    async with scenario.areplay() as registry:
        try:
            return await scenario.arun(registry)
        except Exception as exc:
            return exc


@pytest.mark.parametrize(("provider", "name", "scenario"), _scenarios())
def test_cassette_replays_through_the_sync_registry(provider: str, name: str, scenario: Scenario) -> None:
    path = CASSETTES / provider / f"{name}.yaml"
    assert path.exists(), f"missing cassette {path}: run `make cassettes`"
    # Without playback repeats every interaction answers exactly once, in recorded order for
    # identical requests: a polling or refresh sequence must replay as it was recorded.
    with use_cassette(path, record_mode="none") as cassette:
        outcome = _outcome_sync(scenario)
    assert cassette.all_played, f"{name}: {cassette.play_count} of {len(cassette)} interactions replayed"
    if scenario.check is not None:
        scenario.check(outcome)
    else:
        assert not isinstance(outcome, Exception), outcome


@pytest.mark.parametrize(("provider", "name", "scenario"), _scenarios())
async def test_cassette_replays_through_the_async_registry(provider: str, name: str, scenario: Scenario) -> None:
    path = CASSETTES / provider / f"{name}.yaml"
    assert path.exists(), f"missing cassette {path}: run `make cassettes`"
    # Without playback repeats every interaction answers exactly once, in recorded order for
    # identical requests: a polling or refresh sequence must replay as it was recorded.
    with use_cassette(path, record_mode="none") as cassette:
        outcome = await _outcome_async(scenario)
    assert cassette.all_played, f"{name}: {cassette.play_count} of {len(cassette)} interactions replayed"
    if scenario.check is not None:
        scenario.check(outcome)
    else:
        assert not isinstance(outcome, Exception), outcome


def test_every_cassette_belongs_to_a_scenario() -> None:
    """A cassette whose scenario was renamed or removed is stale: `make cassettes` does not rewrite it."""
    expected = {f"{provider}/{name}.yaml" for provider, name, _ in (p.values for p in _scenarios())}
    found = {str(path.relative_to(CASSETTES)) for path in CASSETTES.rglob("*.yaml")}
    assert found - expected == set(), "stale cassettes: delete them"
