"""Fixtures: every provider the suite covers (the toy one always, the vendors once installed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import modelreg
from modelreg import ModelRegistry
from modelreg.sandbox import Sandbox
from modelreg.testing._workload import models_in, new_sandbox, seed
from tests.resilience.scripted import Script
from tests.resilience.specs import SPECS, Spec

__all__ = ["models_in", "new_sandbox", "seed"]

PROVIDERS = ["toy", "scriptix", "selise"]


@pytest.fixture(params=PROVIDERS)
def spec(request: pytest.FixtureRequest, toy: Path) -> Spec:
    """One provider's spec; vendors that are not installed are skipped, saying so."""
    name = request.param
    if name not in modelreg.providers():
        pytest.skip(f"provider {name!r} is not installed")
    if name not in SPECS:
        pytest.skip(f"no resilience spec for provider {name!r}")
    return SPECS[name]


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every ``time.sleep`` the code under test asks for, instead of sleeping."""
    asked: list[float] = []
    monkeypatch.setattr("time.sleep", asked.append)
    return asked


@pytest.fixture
def asleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every ``asyncio.sleep`` the registry asks for, instead of sleeping."""
    import asyncio

    asked: list[float] = []
    real = asyncio.sleep

    async def record(seconds: float, result: Any = None) -> Any:
        asked.append(seconds)
        return await real(0, result)

    monkeypatch.setattr("asyncio.sleep", record)
    return asked


@pytest.fixture
def scripted(spec: Spec) -> Iterator[Any]:
    """``scripted(steps, **connect_options)`` -> (registry, script) over a fresh sandbox."""
    opened: list[ModelRegistry] = []

    def make(steps: list[Any], sandbox: Sandbox | None = None, **options: Any) -> tuple[ModelRegistry, Script]:
        script = Script(sandbox or new_sandbox(spec), steps)
        registry = modelreg.connect(spec.name, transport=script.transport(), **spec.credentials, **options)
        opened.append(registry)
        return registry, script

    yield make
    for registry in opened:
        registry.close()
