"""A seeded workload of mixed operations over a faulty sandbox, sync (threads) or async (tasks).

Each lane owns its models, so that the order of the operations on a model is known and the
intended final state can be worked out from the calls that reported success. Lanes run
concurrently against one registry. Every call is timed on its own simulated timeline.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import random
import threading
import time
from collections import Counter
from typing import Any

import attrs

import modelreg
from modelreg import AsyncModelRegistry, BulkStatus, Deletion, Model, Page
from modelreg.errors import ModelRegError, NotFound
from modelreg.sandbox import Fault, FaultPlan, Sandbox
from tests.resilience.conftest import models_in, new_sandbox
from tests.resilience.figures import Figures
from tests.resilience.specs import Spec
from tests.resilience.timeline import TimelineClock

LANES = 16
DEADLINE = 12.0
TIMEOUT = 5.0
MAX_LIVE = 6
WEIGHTS = {"create": 24, "get": 24, "update": 18, "delete": 12, "list_page": 12, "list": 4, "delete_many": 6}
EPSILON = 1e-6
"""Float noise: simulated times near 1.8e9 s carry about 2e-7 s of rounding."""
SINGLE_CALLS = frozenset({"create", "get", "update", "delete", "list_page"})
"""Operations that are one engine call, so one deadline; a walk or a bulk delete runs many."""


@attrs.frozen
class Op:
    """One planned call: registry method, arguments, and the model it concerns."""

    method: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = attrs.field(factory=dict)
    model_id: str | None = None
    name: str | None = None
    """The name a create gives its model."""


class Lane:
    """One worker's models and what successful calls say about them."""

    def __init__(self, index: int, mode: str, spec: Spec, seed: int) -> None:
        self.name = f"{mode[0]}{index:02d}"
        self.spec = spec
        self.rng = random.Random(seed * 1000 + index)
        self.live: dict[str, dict[str, Any] | None] = {}
        """Models certainly there, with the fields they must have (None: an update's outcome is unknown)."""
        self.deleted: set[str] = set()
        self.unsettled_ids: set[str] = set()
        """Models a failed delete may or may not have removed."""
        self.unsettled_names: set[str] = set()
        """Names of creates that failed: such a model may or may not exist."""
        self.created = 0
        self.changes = 0

    def plan(self) -> Op:
        """The next call, drawn reproducibly."""
        method = self.rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        if method == "update" and self.spec.update is None:
            method = "get"
        if not self.live:
            method = method if method in ("list_page", "list") else "create"
        elif len(self.live) >= MAX_LIVE and method == "create":
            method = "delete"
        if method == "create":
            self.created += 1
            name = f"rz-{self.name}-{self.created:04d}"
            return Op("create", kwargs=self.spec.create(name), name=name)
        if method == "list_page":
            return Op("list_page", kwargs={"page": 1, "page_size": 20})
        if method == "list":
            return Op("list", kwargs={"page_size": 10, "limit": 25})
        if method == "delete_many":
            chosen = self.rng.sample(sorted(self.live), min(2, len(self.live)))
            return Op("delete_many", (chosen,))
        model_id = self.rng.choice(sorted(self.live))
        if method == "update" and self.spec.update is not None:
            self.changes += 1
            return Op("update", (model_id,), self.spec.update(self.changes), model_id)
        return Op(method, (model_id,), model_id=model_id)

    def settle(self, op: Op, result: Any, error: Exception | None, figures: Figures) -> None:
        """Update what is known from the outcome of ``op``; note any disagreement."""
        where = f"{self.name} {op.method} {op.model_id or op.name}"
        wrong = figures.mismatches.append
        if op.method == "create":
            if error is not None:
                self.unsettled_names.add(str(op.name))
            elif not isinstance(result, Model) or result.name != op.name:
                wrong(f"{where}: returned {result!r}")
            else:
                seen = self.spec.observed(result)
                self.live[result.id] = {**{k: v for k, v in op.kwargs.items() if k in seen}, "name": op.name}
            return
        if op.method == "list_page":
            if error is None and not isinstance(result, Page):
                wrong(f"{where}: returned {result!r}")
            return
        if op.method == "list":
            ids = [model.id for model in result or ()]
            if len(ids) != len(set(ids)) or len(ids) > op.kwargs["limit"]:
                wrong(f"{where}: a walk yielded {len(ids)} models, {len(set(ids))} distinct")
            return
        if op.method == "delete_many":
            self._settle_bulk(op, result, error, figures)
            return
        assert op.model_id is not None
        if isinstance(error, NotFound):
            wrong(f"{where}: NotFound for a model that exists")
        if op.method == "delete":
            self.live.pop(op.model_id, None)
            if error is not None:
                self.unsettled_ids.add(op.model_id)
            elif not isinstance(result, Deletion) or not result.deleted:
                wrong(f"{where}: returned {result!r}")
            else:
                self.deleted.add(op.model_id)
            return
        expected = self.live[op.model_id]
        if op.method == "update":
            if error is not None:
                self.live[op.model_id] = None
                return
            seen = self.spec.observed(result)
            if any(seen.get(k) != v for k, v in op.kwargs.items() if k in seen):
                wrong(f"{where}: returned {seen}")
            self.live[op.model_id] = {**(expected or seen), **{k: v for k, v in op.kwargs.items() if k in seen}}
        elif error is None and expected is not None and not _agrees(self.spec.observed(result), expected):
            wrong(f"{where}: read {self.spec.observed(result)}, expected {expected}")

    def _settle_bulk(self, op: Op, result: Any, error: Exception | None, figures: Figures) -> None:
        outcomes = {outcome.id: outcome for outcome in result or ()}
        for model_id in op.args[0]:
            self.live.pop(model_id, None)
            outcome = outcomes.get(model_id)
            figures.bulk_ids[outcome.status.value if outcome else "call failed"] += 1
            if outcome is not None and outcome.error is not None and not isinstance(outcome.error, ModelRegError):
                figures.other_exceptions.append(f"delete_many {model_id}: {outcome.error!r}")
            if outcome is not None and outcome.status is BulkStatus.DELETED:
                self.deleted.add(model_id)
            elif outcome is not None and outcome.status is BulkStatus.ALREADY_GONE:
                figures.mismatches.append(f"{self.name} delete_many {model_id}: already gone, though it existed")
            else:
                self.unsettled_ids.add(model_id)
        if error is None and set(outcomes) != set(op.args[0]):
            figures.mismatches.append(f"{self.name} delete_many: outcomes for {sorted(outcomes)}, not {op.args[0]}")


def _agrees(seen: dict[str, Any], expected: dict[str, Any]) -> bool:
    return all(seen.get(k) == v for k, v in expected.items())


def faulty_sandbox(spec: Spec, seed: int, rate: float = 0.2) -> Sandbox:
    """A sandbox on per-actor simulated time that fails ``rate`` of requests with every kind of fault."""
    plan = FaultPlan(seed=seed, rate=rate, weights={fault: 1.0 for fault in Fault})
    return new_sandbox(spec, clock=TimelineClock(), faults=plan, latency=0.002)


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


def run_sync(spec: Spec, sandbox: Sandbox, operations: int, seed: int) -> tuple[Figures, list[Lane]]:
    """``operations`` calls over ``LANES`` threads sharing one ``ModelRegistry``."""
    figures = Figures(spec.name, "sync", seed, deadline=DEADLINE)
    clock = sandbox.clock
    assert isinstance(clock, TimelineClock)
    lanes = [Lane(i, "sync", spec, seed) for i in range(LANES)]
    lock = threading.Lock()
    registry = modelreg.connect(spec.name, sandbox=sandbox, deadline=DEADLINE, timeout=TIMEOUT, **spec.credentials)

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


def run_async(spec: Spec, sandbox: Sandbox, operations: int, seed: int) -> tuple[Figures, list[Lane]]:
    """``operations`` calls over ``LANES`` asyncio tasks sharing one ``AsyncModelRegistry``."""
    figures = Figures(spec.name, "async", seed, deadline=DEADLINE)
    clock = sandbox.clock
    assert isinstance(clock, TimelineClock)
    lanes = [Lane(i, "async", spec, seed) for i in range(LANES)]

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
            spec.name, sandbox=sandbox, deadline=DEADLINE, timeout=TIMEOUT, **spec.credentials
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


def check_state(spec: Spec, sandbox: Sandbox, figures: Figures, lanes: list[Lane]) -> None:
    """Compare the sandbox with what the successful calls reported; fill in the remaining figures."""
    models = models_in(spec, sandbox)
    by_id: dict[str, Model] = {m.id: m for m in models}
    names = Counter(m.name for m in models)
    figures.duplicates = sum(count - 1 for count in names.values() if count > 1)
    unsettled_ids = set().union(*(lane.unsettled_ids for lane in lanes))
    unsettled_names = set().union(*(lane.unsettled_names for lane in lanes))
    accounted: set[str] = set()
    for lane in lanes:
        for model_id, expected in lane.live.items():
            accounted.add(model_id)
            model = by_id.get(model_id)
            if model is None:
                figures.mismatches.append(f"{lane.name}: model {model_id} is gone, though no delete succeeded")
            elif expected is not None and not _agrees(spec.observed(model), expected):
                figures.mismatches.append(f"{lane.name}: model {model_id} is {spec.observed(model)}, not {expected}")
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
    info = modelreg.provider_info(spec.name)
    for operation in sandbox.peak_in_flight:
        cap = info.concurrency(operation)
        if cap is not None:
            figures.caps[operation] = cap
    figures.peak_in_flight = dict(sandbox.peak_in_flight)
    assert sandbox.faults is not None
    figures.faults = {fault.value: count for fault, count in sandbox.faults.injected.items()}
    figures.requests_served = sum(sandbox.requests.values())
