"""Concurrency gates: one cap counted across threads and asyncio tasks, and across event loops."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from modelreg._pacing import Gate


class Gauge:
    """How many holders are inside at once, and the most ever."""

    def __init__(self) -> None:
        self.inside = 0
        self.peak = 0
        self._lock = threading.Lock()

    def enter(self) -> None:
        with self._lock:
            self.inside += 1
            self.peak = max(self.peak, self.inside)

    def leave(self) -> None:
        with self._lock:
            self.inside -= 1


def test_threads_and_tasks_share_one_cap() -> None:
    gate, gauge, done = Gate(3), Gauge(), []

    def worker() -> None:
        for _ in range(20):
            gate.acquire()
            gauge.enter()
            time.sleep(0.0005)
            gauge.leave()
            gate.release()
        done.append("thread")

    async def task() -> None:
        for _ in range(20):
            await gate.aacquire()
            gauge.enter()
            await asyncio.sleep(0.0005)
            gauge.leave()
            gate.release()
        done.append("task")

    async def tasks() -> None:
        await asyncio.gather(*(task() for _ in range(6)))

    threads = [threading.Thread(target=worker) for _ in range(6)]
    threads.append(threading.Thread(target=asyncio.run, args=(tasks(),)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert done.count("thread") == 6 and done.count("task") == 6
    assert 2 <= gauge.peak <= 3
    assert gate.busy == 0


async def test_a_cancelled_waiter_gives_its_turn_away() -> None:
    gate = Gate(1)
    await gate.aacquire()
    waiter = asyncio.ensure_future(gate.aacquire())
    await asyncio.sleep(0)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    gate.release()
    assert gate.busy == 0
    await asyncio.wait_for(gate.aacquire(), timeout=1)
    assert gate.busy == 1


async def test_a_waiter_cancelled_after_it_was_handed_the_slot_passes_it_on() -> None:
    gate = Gate(1)
    await gate.aacquire()
    first = asyncio.ensure_future(gate.aacquire())
    second = asyncio.ensure_future(gate.aacquire())
    await asyncio.sleep(0)
    gate.release()  # hands the slot to ``first``...
    first.cancel()  # ...which is cancelled before it runs
    with pytest.raises(asyncio.CancelledError):
        await first
    await asyncio.wait_for(second, timeout=1)
    assert gate.busy == 1


def test_one_gate_serves_successive_event_loops() -> None:
    gate = Gate(1)

    async def contend() -> None:
        async def hold() -> None:
            await gate.aacquire()
            await asyncio.sleep(0.001)
            gate.release()

        await asyncio.gather(hold(), hold(), hold())

    asyncio.run(contend())
    asyncio.run(contend())
    assert gate.busy == 0


def test_a_thread_gives_up_waiting_for_a_slot_after_its_timeout() -> None:
    gate = Gate(1)
    assert gate.acquire()
    started = time.monotonic()
    assert gate.acquire(timeout=0.05) is False
    assert 0.04 <= time.monotonic() - started < 1.0
    gate.release()
    assert gate.busy == 0 and gate.acquire(timeout=0.05)


async def test_a_task_gives_up_waiting_for_a_slot_after_its_timeout() -> None:
    gate = Gate(1)
    assert await gate.aacquire()
    assert await gate.aacquire(timeout=0.02) is False
    gate.release()
    assert gate.busy == 0
    assert await gate.aacquire(timeout=0.02)


def test_a_call_that_waits_too_long_for_a_slot_fails_as_not_sent(toy: Path) -> None:
    import modelreg
    from modelreg.errors import OutcomeUnknown, TransportError
    from tests.resilience.conftest import new_sandbox
    from tests.resilience.specs import SPECS

    sandbox = new_sandbox(SPECS["toy"])
    registry = modelreg.connect("toy", sandbox=sandbox, deadline=0.05, max_retries=0)
    gate = registry._pacer.gate("create")
    assert gate is not None
    for _ in range(gate.slots):
        gate.acquire()
    with pytest.raises(TransportError, match="concurrent create requests") as caught:
        registry.create(name="waits")
    assert not isinstance(caught.value, OutcomeUnknown)
    assert sandbox.requests["create"] == 0
