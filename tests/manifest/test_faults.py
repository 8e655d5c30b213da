"""Apply under the sandboxes' fault injection (one request in five failing) converges without duplicates.

Each seed starts from drifted vendors (models to create, update, replace and prune), then runs
plan + apply with every kind of fault (5xx, 429, refused connections, answers lost after the
server acted, timeouts, truncated bodies) until a fault-free plan is all noop. The figures are
printed (``-s`` or ``-rA``) and kept in the pytest cache under ``modelreg/manifest/faults-<mode>``.
"""

from __future__ import annotations

import collections
from pathlib import Path
from typing import Any

import attrs
import pytest

import modelreg
from modelreg import ModelRegError, Registries
from modelreg.sandbox import Fault, FaultPlan, Sandbox
from tests.manifest.conftest import (
    WriteManifest,
    connect,
    connect_async,
    new_sandboxes,
    scriptix_entry,
    selise_entry,
)

SEEDS = range(20261201, 20261221)
MAX_RUNS = 3
PRUNE = '[prune]\nscriptix = { name_prefix = "team-a/" }\nselise = { name_prefix = "team-a/" }\n'


@attrs.define
class Figures:
    """What one seed's runs took: runs, faults by kind, outcomes that failed in each run."""

    seed: int
    runs: int = 0
    failed_runs: int = 0
    failed_outcomes: list[int] = attrs.field(factory=list)
    requests: int = 0
    faults: collections.Counter[str] = attrs.field(factory=collections.Counter)

    def line(self) -> str:
        faults = ", ".join(f"{kind} {count}" for kind, count in sorted(self.faults.items()))
        return (
            f"seed {self.seed}: {self.requests} requests, converged in {self.runs} run(s) "
            f"({self.failed_runs} plan(s) failed), "
            f"failed outcomes per run {self.failed_outcomes}; faults: {faults}"
        )


def manifest(write_manifest: WriteManifest) -> Path:
    scriptix = [scriptix_entry(f"team-a/speech {n}") for n in range(15)]
    selise = [selise_entry(f"team-a/bot {n}") for n in range(8)]
    edited = scriptix_entry("team-a/edit me", description="as written")
    replaced = selise_entry("team-a/replace me", version="gpt-4o")
    return write_manifest(*scriptix, edited, *selise, replaced, PRUNE)


def drift(sandboxes: dict[str, Sandbox]) -> None:
    """Models that need an update, a replace and pruning, made before any fault is switched on."""
    with connect(sandboxes) as registries:
        scriptix, selise = registries["scriptix"], registries["selise"]
        scriptix.create(name="team-a/edit me", language="en", base_model="medical", description="edited by hand")
        for n in range(5):
            scriptix.create(name=f"team-a/stray {n}", language="nl")
        scriptix.create(name="team-b/not ours", language="en")
        common = {"vendor": "openai", "service_platform": "official_api", "model_name": "gpt-4o-mini"}
        selise.create(**common, version="gpt-4", display_name="team-a/replace me", api_key="sk-old-000000000000000")
        for n in range(3):
            selise.create(**common, version="gpt-4", display_name=f"team-a/stray {n}", api_key="sk-old-00000000000")


def faulty(sandboxes: dict[str, Sandbox], seed: int) -> None:
    for offset, sandbox in enumerate(sandboxes.values()):
        sandbox.requests.clear()  # count only what the runs under faults send
        sandbox.faults = FaultPlan(seed=seed + offset, rate=0.2, weights={fault: 1.0 for fault in Fault})


def state(sandboxes: dict[str, Sandbox], path: Path) -> tuple[modelreg.Plan, dict[str, list[str]]]:
    """A fault-free plan and every model name per provider (duplicates kept)."""
    saved = {name: sandbox.faults for name, sandbox in sandboxes.items()}
    for sandbox in sandboxes.values():
        sandbox.faults = None
    try:
        with connect(sandboxes) as registries:
            plan = registries.plan(path, prune=True, allow_replace=True)
            return plan, {name: sorted(m.name for m in registries[name].list()) for name in sandboxes}
    finally:
        for name, sandbox in sandboxes.items():
            sandbox.faults = saved[name]


def assert_no_duplicates(models: dict[str, list[str]], figures: Figures) -> None:
    for provider, found in models.items():
        twice = [name for name, count in collections.Counter(found).items() if count > 1]
        assert not twice, f"{provider} has duplicates {twice} after run {figures.runs}: {figures.line()}"


def count_faults(sandboxes: dict[str, Sandbox], figures: Figures) -> None:
    for sandbox in sandboxes.values():
        assert sandbox.faults is not None
        figures.faults.update({fault.value: n for fault, n in sandbox.faults.injected.items()})
        figures.requests += sum(sandbox.requests.values()) + sum(sandbox.faults.injected.values())


def converge_sync(sandboxes: dict[str, Sandbox], path: Path, figures: Figures) -> None:
    with connect(sandboxes) as registries:
        while figures.runs < MAX_RUNS:
            figures.runs += 1
            one_run_sync(registries, path, figures)
            plan, models = state(sandboxes, path)
            assert_no_duplicates(models, figures)
            if plan.in_sync:
                return


def one_run_sync(registries: Registries, path: Path, figures: Figures) -> None:
    try:
        plan = registries.plan(path, prune=True, allow_replace=True)
    except ModelRegError:
        figures.failed_runs += 1
        figures.failed_outcomes.append(-1)
        return
    outcomes = registries.apply(plan)
    assert len(outcomes) == len(plan.actions)
    figures.failed_outcomes.append(sum(not o.ok for o in outcomes))


async def converge_async(sandboxes: dict[str, Sandbox], path: Path, figures: Figures) -> None:
    async with connect_async(sandboxes) as registries:
        while figures.runs < MAX_RUNS:
            figures.runs += 1
            try:
                plan = await registries.plan(path, prune=True, allow_replace=True)
            except ModelRegError:
                figures.failed_runs += 1
                figures.failed_outcomes.append(-1)
            else:
                outcomes = await registries.apply(plan)
                assert len(outcomes) == len(plan.actions)
                figures.failed_outcomes.append(sum(not o.ok for o in outcomes))
            plan, models = state(sandboxes, path)
            assert_no_duplicates(models, figures)
            if plan.in_sync:
                return


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_apply_under_faults_converges_within_three_runs_without_duplicates(
    mode: str, write_manifest: WriteManifest, request: pytest.FixtureRequest
) -> None:
    path = manifest(write_manifest)
    report: list[Figures] = []
    for seed in SEEDS:
        sandboxes = new_sandboxes()
        drift(sandboxes)
        faulty(sandboxes, seed)
        figures = Figures(seed)
        if mode == "sync":
            converge_sync(sandboxes, path, figures)
        else:
            await converge_async(sandboxes, path, figures)
        count_faults(sandboxes, figures)
        report.append(figures)
        plan, models = state(sandboxes, path)
        assert plan.in_sync, f"not converged after {MAX_RUNS} runs: {figures.line()}"
        assert models["scriptix"].count("team-b/not ours") == 1  # outside the prune scope: untouched
        assert not [name for name in models["selise"] if "stray" in name] and "keeper" in models["selise"]
    lines = [figures.line() for figures in report]
    runs = collections.Counter(figures.runs for figures in report)
    faults = sum(sum(figures.faults.values()) for figures in report)
    requests = sum(figures.requests for figures in report)
    summary = (
        f"{mode}: {len(report)} seeds, runs needed {dict(sorted(runs.items()))}, "
        f"{faults} faults injected in about {requests} requests"
    )
    print("\n".join([summary, *lines]))
    cache: Any = getattr(request.config, "cache", None)
    if cache is not None:
        cache.set(f"modelreg/manifest/faults-{mode}", [summary, *lines])
