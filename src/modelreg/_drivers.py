"""The only code that does I/O for a flow: one short loop for threads, one for asyncio.

Both step the engine's program with ``relay.advance`` and differ only in how they wait and send. An
exchange is bounded as a whole: the answer's body is read in chunks, at most ``max_bytes`` of it,
and never past the call's deadline (a server dripping one byte at a time cannot hold a call
open); a closed registry ends the calls still waiting with a ``TransportError`` saying so.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx

from modelreg._engine import Program, Send, Sleep
from modelreg._pacing import Pacer
from modelreg._relay import Finished, advance
from modelreg.errors import ModelRegError, ProtocolError, TransportError

T = TypeVar("T")


def run_sync(program: Program[T], client: httpx.Client, pacer: Pacer, sleep: Callable[[float], None]) -> T:
    """Run ``program`` to its result with a sync client."""
    with _closing(program):
        action = advance(program, None)
        while not isinstance(action, Finished):
            if isinstance(action, Sleep):
                sleep(action.seconds)
                action = advance(program, None)
                continue
            answer: httpx.Response | Exception
            with pacer.hold(action.operation, action.slot_timeout) as held:
                try:
                    wait = _start(action, pacer, held)
                    if wait > 0:
                        sleep(wait)
                    answer = _exchange_sync(client, action)
                except (httpx.RequestError, ModelRegError) as exc:
                    answer = exc
            action = advance(program, answer)
        result: T = action.value
        return result


async def run_async(
    program: Program[T], client: httpx.AsyncClient, pacer: Pacer, sleep: Callable[[float], Awaitable[None]]
) -> T:
    """Run ``program`` to its result with an async client."""
    with _closing(program):
        action = advance(program, None)
        while not isinstance(action, Finished):
            if isinstance(action, Sleep):
                await sleep(action.seconds)
                action = advance(program, None)
                continue
            answer: httpx.Response | Exception
            async with pacer.ahold(action.operation, action.slot_timeout) as held:
                try:
                    wait = _start(action, pacer, held)
                    if wait > 0:
                        await sleep(wait)
                    answer = await _exchange_async(client, action)
                except (httpx.RequestError, ModelRegError) as exc:
                    answer = exc
            action = advance(program, answer)
        result: T = action.value
        return result


def _exchange_sync(client: httpx.Client, action: Send) -> httpx.Response:
    """Send ``action``'s request and read its answer, within the deadline (on a worker thread when there is one)."""
    remaining = action.remaining()
    if remaining is None or not action.real_time:
        return _read_sync(client, action)  # a simulated clock's deadline is checked between chunks only
    if remaining <= 0:
        raise _deadline_passed(action)
    # A blocking read cannot be interrupted from its own thread: the exchange runs on a worker,
    # and the caller stops waiting at the deadline. The worker stops at its next chunk.
    worker: concurrent.futures.Future[httpx.Response] = concurrent.futures.Future()
    thread = threading.Thread(target=_work, args=(worker, client, action), name="modelreg-exchange", daemon=True)
    thread.start()
    try:
        return worker.result(timeout=remaining)
    except concurrent.futures.TimeoutError:
        raise _deadline_passed(action) from None


def _work(worker: concurrent.futures.Future[httpx.Response], client: httpx.Client, action: Send) -> None:
    try:
        worker.set_result(_read_sync(client, action))
    except BaseException as exc:  # handed to the caller's thread, which raises it
        worker.set_exception(exc)


def _read_sync(client: httpx.Client, action: Send) -> httpx.Response:
    try:
        response = client.send(_open(client, action), stream=True)
    except RuntimeError as exc:
        raise _closed_or(exc, client, action) from None
    with _Body(action, response) as body:
        for chunk in response.iter_bytes():
            body.add(chunk)
        return body.done()


async def _exchange_async(client: httpx.AsyncClient, action: Send) -> httpx.Response:
    """Send ``action``'s request and read its answer, cancelled at the deadline."""
    remaining = action.remaining()
    if remaining is None or not action.real_time:
        return await _read_async(client, action)
    if remaining <= 0:
        raise _deadline_passed(action)
    try:
        return await asyncio.wait_for(_read_async(client, action), remaining)
    except asyncio.TimeoutError:
        raise _deadline_passed(action) from None


async def _read_async(client: httpx.AsyncClient, action: Send) -> httpx.Response:
    try:
        response = await client.send(_open(client, action), stream=True)
    except RuntimeError as exc:
        raise _closed_or(exc, client, action) from None
    async with _Body(action, response) as body:
        async for chunk in response.aiter_bytes():
            body.add(chunk)
        return body.done()


def _open(client: httpx.Client | httpx.AsyncClient, action: Send) -> httpx.Request:
    """``action``'s request, unless the registry was closed while the call waited."""
    if client.is_closed:
        raise _closed(action)
    return action.request


def _closed_or(exc: RuntimeError, client: httpx.Client | httpx.AsyncClient, action: Send) -> Exception:
    """httpx's ``RuntimeError`` for a client closed during the send, as a ``TransportError`` saying so."""
    return _closed(action) if client.is_closed else exc


class _Body:
    """An answer's body read in chunks: at most ``max_bytes``, never past the deadline; the stream closed after."""

    def __init__(self, action: Send, response: httpx.Response) -> None:
        self.action = action
        self.response = response
        self.chunks: list[bytes] = []
        self.size = 0

    def add(self, chunk: bytes) -> None:
        """Keep one chunk, or stop: too big, or the deadline passed."""
        self.size += len(chunk)
        if self.size > self.action.max_bytes:
            limit = self.action.max_bytes
            raise ProtocolError(
                f"{self.action.provider}: the answer to {self.action.request.method} {self.action.request.url.path} "
                "is larger than "
                f"max_response_bytes={limit:,} bytes; modelreg stopped reading it (raise max_response_bytes= "
                "in connect() if such answers are expected)",
                provider=self.action.provider,
                status_code=self.response.status_code,
            )
        remaining = self.action.remaining()
        if remaining is not None and remaining <= 0:
            raise _deadline_passed(self.action)
        self.chunks.append(chunk)

    def done(self) -> httpx.Response:
        """The response with its body in memory, as ``response.read()`` leaves it."""
        # What httpx's own read() does: the body, decoded, becomes the response's content.
        self.response._content = b"".join(self.chunks)
        self.chunks = []
        return self.response

    def __enter__(self) -> _Body:
        return self

    def __exit__(self, *exc: object) -> None:
        self.response.close()

    async def __aenter__(self) -> _Body:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.response.aclose()


def _deadline_passed(action: Send) -> httpx.ReadTimeout:
    # A timeout after sending: the engine treats it as a lost answer (OutcomeUnknown for a write).
    return httpx.ReadTimeout("the call's deadline passed before the whole answer arrived", request=action.request)


def _closed(action: Send) -> TransportError:
    return TransportError(
        f"{action.provider}: the registry was closed while this call waited to send {action.request.method} "
        f"{action.request.url.path}; nothing was sent. Close a registry only once its calls have finished",
        provider=action.provider,
    )


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
