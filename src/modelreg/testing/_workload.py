"""A seeded workload of mixed operations over a faulty sandbox, sync (threads) or async (tasks).

Each lane owns its models, so that the order of the operations on a model is known and the
intended final state can be worked out from the calls that reported success. Lanes run
concurrently against one registry. Every call is timed on its own simulated timeline. Ids are
opaque strings: nothing here assumes integers.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import modelreg
from modelreg import AsyncModelRegistry, Model
from modelreg.errors import ModelRegError
from modelreg.sandbox import Fault, FaultPlan, Sandbox
from modelreg.testing._figures import Figures
from modelreg.testing._lanes import SINGLE_CALLS, Lane, Op, agrees
from modelreg.testing._timeline import TimelineClock

LANES = 16
DEADLINE = 12.0
TIMEOUT = 5.0
EPSILON = 1e-6
"""Float noise: simulated times near 1.8e9 s carry about 2e-7 s of rounding."""
KEEPER = "keeper-model"
"""The name of the model kept aside where a project may not lose its last model."""


class ProviderUnderTest(Protocol):
    """How to drive one provider generically: connect settings, create and update fields, what to compare."""

    @property
    def name(self) -> str:
        """The provider's name."""

    @property
    def credentials(self) -> Mapping[str, Any]:
        """``connect()`` settings."""

    @property
    def create(self) -> Callable[[str], dict[str, Any]]:
        """Create fields for a model with this unique name."""

    @property
    def update(self) -> Callable[[int], dict[str, Any]] | None:
        """Update fields for the n-th change of a model; None when the provider offers no update."""

    @property
    def observed(self) -> Callable[[Model], dict[str, Any]]:
        """The fields of a model that create and update set, as read back."""

    @property
    def sandbox_options(self) -> Mapping[str, Any]:
        """Options for a fresh, empty sandbox."""

    @property
    def keeper(self) -> bool:
        """Whether the vendor refuses to delete a project's last model: one is then kept aside."""


def new_sandbox(subject: ProviderUnderTest, **options: Any) -> Sandbox:
    """A fresh emulator of ``subject``'s vendor: empty, but for a keeper model where the vendor needs one."""
    sandbox = modelreg.provider_info(subject.name).sandbox(**{**subject.sandbox_options, **options})
    if subject.keeper:
        saved, sandbox.faults = sandbox.faults, None
        seed(subject, sandbox, KEEPER)
        sandbox.faults = saved
    return sandbox


def seed(subject: ProviderUnderTest, sandbox: Sandbox, name: str = "seeded-model") -> str:
    """Create one model in ``sandbox`` through a registry; return its id."""
    with modelreg.connect(subject.name, sandbox=sandbox, max_retries=0, **subject.credentials) as registry:
        return registry.create(**subject.create(name)).id


def models_in(subject: ProviderUnderTest, sandbox: Sandbox) -> list[Model]:
    """Every model in ``sandbox`` but the keeper, read through a fault-free registry."""
    saved, sandbox.faults = sandbox.faults, None
    try:
        with modelreg.connect(subject.name, sandbox=sandbox, max_retries=0, **subject.credentials) as registry:
            return [model for model in registry.list() if model.name != KEEPER]
    finally:
        sandbox.faults = saved


def faulty_sandbox(subject: ProviderUnderTest, seed: int, rate: float = 0.2) -> Sandbox:
    """A sandbox on per-actor simulated time that fails ``rate`` of requests with every kind of fault."""
    plan = FaultPlan(seed=seed, rate=rate, weights={fault: 1.0 for fault in Fault})
    return new_sandbox(subject, clock=TimelineClock(), faults=plan, latency=0.002)


def _record(figures: Figures, lane: Lane, op: Op, elapsed: float, result: Any, error: Exception | None) -> None:
    figures.attempted += 1
    figures.by_operation[op.method] += 1
    if op.method in SINGLE_CALLS:
        figures.longest_call = max(figures.longest_call, elapsed)
        figures.over_deadline += elapsed > DEADLINE + EPSILON
    if error is None:
        figures.succeeded += 1
    elif isinstance(error, ModelRegError):
        figures.typed_failures[type(error).__name__] += 1
    else:
        figures.other_exceptions.append(f"{op.method}: {type(error).__name__}: {error}")
    lane.settle(op, result, error, figures)


def _lanes(subject: ProviderUnderTest, mode: str, seed: int) -> list[Lane]:
    largest = modelreg.provider_info(subject.name).provider_class.max_page_size
    return [Lane(i, mode, subject, seed, largest) for i in range(LANES)]


def run_sync(subject: ProviderUnderTest, sandbox: Sandbox, operations: int, seed: int) -> tuple[Figures, list[Lane]]:
    """``operations`` calls over ``LANES`` threads sharing one ``ModelRegistry``."""
    figures = Figures(subject.name, "sync", seed, deadline=DEADLINE)
    clock = sandbox.clock
    assert isinstance(clock, TimelineClock)
    lanes = _lanes(subject, "sync", seed)
    lock = threading.Lock()
    registry = modelreg.connect(
        subject.name, sandbox=sandbox, deadline=DEADLINE, timeout=TIMEOUT, **subject.credentials
    )

    def work(lane: Lane, count: int) -> None:
        for _ in range(count):
            with lock:
                op = lane.plan()
            start = clock.now()
            result: Any = None
            error: Exception | None = None
            try:
                result = getattr(registry, op.method)(*op.args, **op.kwargs)
                if op.method == "list":
                    result = list(result)
            except Exception as exc:  # sorted into typed and untyped by _record
                error = exc
            elapsed = clock.now() - start
            with lock:
                _record(figures, lane, op, elapsed, result, error)

    started = time.perf_counter()
    with registry, concurrent.futures.ThreadPoolExecutor(LANES) as pool:
        shares = _shares(operations)
        for future in [pool.submit(work, lane, share) for lane, share in zip(lanes, shares, strict=True)]:
            future.result()
    figures.wall_seconds = time.perf_counter() - started
    return figures, lanes


def run_async(subject: ProviderUnderTest, sandbox: Sandbox, operations: int, seed: int) -> tuple[Figures, list[Lane]]:
    """``operations`` calls over ``LANES`` asyncio tasks sharing one ``AsyncModelRegistry``."""
    figures = Figures(subject.name, "async", seed, deadline=DEADLINE)
    clock = sandbox.clock
    assert isinstance(clock, TimelineClock)
    lanes = _lanes(subject, "async", seed)

    async def work(registry: AsyncModelRegistry, lane: Lane, count: int) -> None:
        for _ in range(count):
            op = lane.plan()
            start = clock.now()
            result: Any = None
            error: Exception | None = None
            try:
                if op.method == "list":
                    result = [model async for model in registry.list(**op.kwargs)]
                else:
                    result = await getattr(registry, op.method)(*op.args, **op.kwargs)
            except Exception as exc:  # sorted into typed and untyped by _record
                error = exc
            _record(figures, lane, op, clock.now() - start, result, error)

    async def main() -> None:
        registry = modelreg.connect_async(
            subject.name, sandbox=sandbox, deadline=DEADLINE, timeout=TIMEOUT, **subject.credentials
        )
        async with registry:
            shares = _shares(operations)
            await asyncio.gather(*(work(registry, lane, n) for lane, n in zip(lanes, shares, strict=True)))

    started = time.perf_counter()
    asyncio.run(main())
    figures.wall_seconds = time.perf_counter() - started
    return figures, lanes


def _shares(operations: int) -> list[int]:
    base, extra = divmod(operations, LANES)
    return [base + (i < extra) for i in range(LANES)]


def check_state(subject: ProviderUnderTest, sandbox: Sandbox, figures: Figures, lanes: list[Lane]) -> None:
    """Compare the sandbox with what the successful calls reported; fill in the remaining figures."""
    models = models_in(subject, sandbox)
    by_id: dict[str, Model] = {m.id: m for m in models}
    names: dict[str, int] = {}
    for model in models:
        names[model.name] = names.get(model.name, 0) + 1
    figures.duplicates = sum(count - 1 for count in names.values() if count > 1)
    unsettled_ids = set().union(*(lane.unsettled_ids for lane in lanes))
    unsettled_names = set().union(*(lane.unsettled_names for lane in lanes))
    accounted: set[str] = set()
    for lane in lanes:
        for model_id, expected in lane.live.items():
            accounted.add(model_id)
            found = by_id.get(model_id)
            if found is None:
                figures.mismatches.append(f"{lane.name}: model {model_id} is gone, though no delete succeeded")
            elif expected is not None and not agrees(subject.observed(found), expected):
                figures.mismatches.append(f"{lane.name}: model {model_id} is {subject.observed(found)}, not {expected}")
        for model_id in lane.deleted:
            if model_id in by_id:
                figures.mismatches.append(f"{lane.name}: model {model_id} is still there after a successful delete")
    for model in models:
        if model.id in accounted or model.id in unsettled_ids:
            continue
        if model.name in unsettled_names:
            figures.orphans += 1
        else:
            figures.mismatches.append(f"model {model.id} ({model.name}) was made by no call")
    limits = modelreg.provider_info(subject.name).limits
    for operation in sandbox.peak_in_flight:
        limit = limits.get(operation) or limits.get("*")
        if limit is not None and limit.concurrency is not None:
            figures.caps[operation] = limit.concurrency
    figures.peak_in_flight = dict(sandbox.peak_in_flight)
    assert sandbox.faults is not None
    figures.faults = {fault.value: count for fault, count in sandbox.faults.injected.items()}
    figures.requests_served = sum(sandbox.requests.values())
