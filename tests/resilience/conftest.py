"""Fixtures: every provider the suite covers (the toy one always, the vendors once installed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import modelreg
from modelreg import ModelRegistry
from modelreg._plugins import provider_class
from modelreg.sandbox import Sandbox
from tests.resilience.scripted import Script
from tests.resilience.specs import KEEPER, SPECS, Spec

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


def new_sandbox(spec: Spec, **options: Any) -> Sandbox:
    """A fresh emulator of ``spec``'s vendor: empty, but for a keeper model where the vendor needs one."""
    sandbox = provider_class(spec.name).sandbox(**{**spec.sandbox_options, **options})
    if spec.keeper:
        saved, sandbox.faults = sandbox.faults, None
        seed(spec, sandbox, KEEPER)
        sandbox.faults = saved
    return sandbox


def seed(spec: Spec, sandbox: Sandbox, name: str = "seeded-model") -> str:
    """Create one model in ``sandbox`` through a registry; return its id."""
    with modelreg.connect(spec.name, sandbox=sandbox, max_retries=0, **spec.credentials) as registry:
        return registry.create(**spec.create(name)).id


def models_in(spec: Spec, sandbox: Sandbox) -> list[modelreg.Model]:
    """Every model in ``sandbox``, read through a fault-free registry."""
    saved, sandbox.faults = sandbox.faults, None
    try:
        with modelreg.connect(spec.name, sandbox=sandbox, max_retries=0, **spec.credentials) as registry:
            return [model for model in registry.list() if model.name != KEEPER]
    finally:
        sandbox.faults = saved


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
