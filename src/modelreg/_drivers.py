"""The only code that does I/O for a flow: one short loop for threads, one for asyncio.

Both step the engine's program with ``_advance`` and differ only in how they wait and send.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import attrs
import httpx

from modelreg._engine import Action, Program, Send, Sleep
from modelreg._pacing import Pacer
from modelreg.errors import ModelRegError

T = TypeVar("T")


@attrs.frozen
class _Done(Generic[T]):
    """The program's result: it asks for no more I/O."""

    value: T


def _advance(program: Program[T], answer: Any) -> Action | _Done[T]:
    """Give ``program`` the answer to its last action; return its next action, or its result."""
    try:
        return program.send(answer)
    except StopIteration as stop:
        return _Done(stop.value)


def run_sync(program: Program[T], client: httpx.Client, pacer: Pacer, sleep: Callable[[float], None]) -> T:
    """Run ``program`` to its result with a sync client."""
    with _closing(program):
        action = _advance(program, None)
        while not isinstance(action, _Done):
            if isinstance(action, Sleep):
                sleep(action.seconds)
                action = _advance(program, None)
                continue
            answer: httpx.Response | Exception
            with pacer.hold(action.operation, action.slot_timeout) as held:
                try:
                    wait = _start(action, pacer, held)
                    if wait > 0:
                        sleep(wait)
                    answer = client.send(action.request)
                except (httpx.RequestError, ModelRegError) as exc:
                    answer = exc
            action = _advance(program, answer)
        return action.value


async def run_async(
    program: Program[T], client: httpx.AsyncClient, pacer: Pacer, sleep: Callable[[float], Awaitable[None]]
) -> T:
    """Run ``program`` to its result with an async client."""
    with _closing(program):
        action = _advance(program, None)
        while not isinstance(action, _Done):
            if isinstance(action, Sleep):
                await sleep(action.seconds)
                action = _advance(program, None)
                continue
            answer: httpx.Response | Exception
            async with pacer.ahold(action.operation, action.slot_timeout) as held:
                try:
                    wait = _start(action, pacer, held)
                    if wait > 0:
                        await sleep(wait)
                    answer = await client.send(action.request)
                except (httpx.RequestError, ModelRegError) as exc:
                    answer = exc
            action = _advance(program, answer)
        return action.value


def _start(action: Send, pacer: Pacer, held: bool) -> float:
    """The wait before sending, once a concurrency slot is held; without one, a pool timeout."""
    if held:
        return action.prepare()
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
