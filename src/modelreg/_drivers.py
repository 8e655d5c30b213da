"""The only code that does I/O for a flow: one short loop for threads, one for asyncio."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, NoReturn, TypeVar

import httpx

from modelreg._engine import Program, Send, Sleep
from modelreg._pacing import Pacer
from modelreg.errors import ModelRegError

T = TypeVar("T")


def run_sync(program: Program[T], client: httpx.Client, pacer: Pacer, sleep: Callable[[float], None]) -> T:
    """Run ``program`` to its result with a sync client."""
    value: Any = None
    with _closing(program):
        while True:
            try:
                action = program.send(value)
            except StopIteration as stop:
                result: T = stop.value
                return result
            if isinstance(action, Sleep):
                sleep(action.seconds)
                value = None
                continue
            with pacer.hold(action.operation, action.slot_timeout) as held:
                try:
                    wait = action.prepare() if held else _no_slot(action, pacer)
                    if wait > 0:
                        sleep(wait)
                    value = client.send(action.request)
                except (httpx.RequestError, ModelRegError) as exc:
                    value = exc


async def run_async(
    program: Program[T],
    client: httpx.AsyncClient,
    pacer: Pacer,
    sleep: Callable[[float], Awaitable[None]],
) -> T:
    """Run ``program`` to its result with an async client."""
    value: Any = None
    with _closing(program):
        while True:
            try:
                action = program.send(value)
            except StopIteration as stop:
                result: T = stop.value
                return result
            if isinstance(action, Sleep):
                await sleep(action.seconds)
                value = None
                continue
            async with pacer.ahold(action.operation, action.slot_timeout) as held:
                try:
                    wait = action.prepare() if held else _no_slot(action, pacer)
                    if wait > 0:
                        await sleep(wait)
                    value = await client.send(action.request)
                except (httpx.RequestError, ModelRegError) as exc:
                    value = exc


def _no_slot(action: Send, pacer: Pacer) -> NoReturn:
    # Waiting for a concurrency slot is waiting for a connection: it ends like a pool timeout,
    # which proves nothing was sent (so even a create may be retried).
    raise httpx.PoolTimeout(
        f"none of the {pacer.concurrency(action.operation)} concurrent {action.operation} requests allowed "
        f"finished within the {action.slot_timeout or 0:.1f} s left of the deadline",
        request=action.request,
    )


class _closing:
    """Close the program if the driver stops early (cancellation, KeyboardInterrupt)."""

    def __init__(self, program: Program[Any]) -> None:
        self.program = program

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        self.program.close()
