"""The drivers of ``planning`` and ``execution``: what ``Registries.plan`` / ``apply`` and their async twins run.

Each driver only sends the steps on: a listing, a registry call or a sleep, made with or
without ``await``. Everything else (diffing, ordering, outcomes) is written once in the flows.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Protocol, TypeVar

from modelreg._async_registry import AsyncModelRegistry
from modelreg._bulk import BulkOutcome, BulkProgress
from modelreg._execution import ApplyOutcome, ApplyProgress, Call, execution
from modelreg._manifest import load_manifest
from modelreg._manifest_types import Manifest
from modelreg._plan import Plan, check_plan, planning
from modelreg._registry import ModelRegistry
from modelreg.provider import Provider

R_co = TypeVar("R_co", covariant=True)
B_co = TypeVar("B_co", covariant=True)


class Connected(Protocol[R_co, B_co]):
    """What planning and applying need of ``Registries``: a provider's registry by name, and bulk deletes.

    Named here rather than imported, so that ``Registries`` may build on this module without a cycle.
    """

    def __getitem__(self, name: str) -> R_co: ...

    def delete_many(
        self, refs: Iterable[str], *, dry_run: bool = ..., missing_ok: bool = ..., progress: BulkProgress | None = ...
    ) -> B_co: ...


Registries = Connected[ModelRegistry, list[BulkOutcome]]
AsyncRegistries = Connected[AsyncModelRegistry, Awaitable[list[BulkOutcome]]]

DEFAULT_MAX_WAIT = 3600.0
"""The longest ``apply`` waits for one call's rate-limit window: the longest window vendors document."""


def _manifest(manifest: Manifest | str | os.PathLike[str]) -> Manifest:
    return manifest if isinstance(manifest, Manifest) else load_manifest(manifest)


def _providers(registries: Registries | AsyncRegistries, manifest: Manifest) -> dict[str, Provider]:
    # Indexing fails with the reason for a provider that is not connected; the connected
    # provider's own instance holds its settings (languages, project key) for the final check.
    return {name: registries[name]._provider for name in manifest.providers}


def plan_sync(
    registries: Registries, manifest: Manifest | str | os.PathLike[str], *, prune: bool, allow_replace: bool
) -> Plan:
    """Plan with sync registries: list what each named provider has, diff, check; nothing is changed."""
    manifest = _manifest(manifest)
    providers = _providers(registries, manifest)
    flow = planning(manifest, prune=prune, allow_replace=allow_replace)
    try:
        step = next(flow)
        while True:
            step = flow.send(list(registries[step.provider].list(**step.filters)))
    except StopIteration as done:
        plan: Plan = done.value
    check_plan(plan, providers, manifest.secrets())
    return plan


async def plan_async(
    registries: AsyncRegistries, manifest: Manifest | str | os.PathLike[str], *, prune: bool, allow_replace: bool
) -> Plan:
    """The async twin of ``plan_sync``."""
    manifest = _manifest(manifest)
    providers = _providers(registries, manifest)
    flow = planning(manifest, prune=prune, allow_replace=allow_replace)
    try:
        step = next(flow)
        while True:
            step = flow.send([model async for model in registries[step.provider].list(**step.filters)])
    except StopIteration as done:
        plan: Plan = done.value
    check_plan(plan, providers, manifest.secrets())
    return plan


def _secrets(plan: Plan) -> list[str]:
    return [secret for action in plan.actions if action.entry for secret in action.entry.secrets()]


def apply_sync(
    registries: Registries,
    plan: Plan,
    *,
    dry_run: bool = False,
    progress: ApplyProgress | None = None,
    max_wait: float = DEFAULT_MAX_WAIT,
) -> list[ApplyOutcome]:
    """Run ``plan`` with sync registries: one outcome per action, in the plan's order."""
    flow = execution(plan, _secrets(plan), dry_run=dry_run, progress=progress, max_wait=max_wait)
    result: Any = None
    try:
        while True:
            call = flow.send(result)
            try:
                result = _perform(registries, call, is_async=False)
            except Exception as exc:  # every failure is sent back as that call's result
                result = exc
    except StopIteration as done:
        outcomes: list[ApplyOutcome] = done.value
        return outcomes


async def apply_async(
    registries: AsyncRegistries,
    plan: Plan,
    *,
    dry_run: bool = False,
    progress: ApplyProgress | None = None,
    max_wait: float = DEFAULT_MAX_WAIT,
) -> list[ApplyOutcome]:
    """The async twin of ``apply_sync``."""
    flow = execution(plan, _secrets(plan), dry_run=dry_run, progress=progress, max_wait=max_wait)
    result: Any = None
    try:
        while True:
            call = flow.send(result)
            try:
                result = await _perform(registries, call, is_async=True)
            except Exception as exc:  # every failure is sent back as that call's result
                result = exc
    except StopIteration as done:
        outcomes: list[ApplyOutcome] = done.value
        return outcomes


def _perform(registries: Any, call: Call, *, is_async: bool) -> Any:
    """The registry method a call names, called (a coroutine for async registries)."""
    if call.operation == "delete_many":
        return registries.delete_many(call.refs, missing_ok=True, progress=call.progress)
    registry = registries[call.provider]
    if call.operation == "create":
        return registry.create(**call.fields)
    if call.operation == "update":
        return registry.update(call.model_id, **call.fields)
    if call.operation == "delete":
        return registry.delete(call.model_id, missing_ok=True)
    assert call.operation == "sleep", call.operation
    return _sleeper(registry, is_async)(call.seconds)


def _sleeper(registry: Any, is_async: bool) -> Callable[[float], Any]:
    # A sandbox waits on its own clock (simulated time passes at once); a vendor on the real one.
    clock = registry.sandbox.clock if registry.sandbox is not None else None
    sleep: Callable[[float], Awaitable[None]] | Callable[[float], None]
    if clock is not None:
        sleep = clock.asleep if is_async else clock.sleep
    else:
        sleep = asyncio.sleep if is_async else time.sleep
    return sleep
