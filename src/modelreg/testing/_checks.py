"""Pieces of the conformance checks: a counting transport, a cursor walk, errors to look for secrets in."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx

from modelreg import ModelRegError, ModelRegistry
from modelreg.provider import Flow
from modelreg.sandbox import Fault, FaultPlan, Sandbox
from modelreg.testing._subject import Subject


def counting(sandbox: Sandbox) -> tuple[list[str], httpx.MockTransport]:
    """A transport serving ``sandbox`` (sync and async) and the list of ``METHOD path`` it was sent."""
    sent: list[str] = []
    served = sandbox.transport()

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(f"{request.method} {request.url.path}")
        return served.handle_request(request)

    return sent, httpx.MockTransport(handle)


def first_request(flow: Flow[Any]) -> httpx.Request:
    """The first request a provider flow yields, unsigned (the flow is then dropped)."""
    try:
        step = next(flow)
        while not isinstance(step, httpx.Request):
            step = flow.send(0.0)  # a pause: answered with a time, as the engine does
        return step
    finally:
        flow.close()


def walk_by_cursor(registry: ModelRegistry, page_size: int) -> list[str]:
    """Every model id, page by page through ``list_page(cursor=page.next_cursor)``."""
    ids: list[str] = []
    page = registry.list_page(page_size=page_size)
    for _ in range(10_000):  # a bound, should next_cursor never end
        ids += [model.id for model in page.items]
        if page.next_cursor is None:
            return ids
        assert page.has_more, f"page {page.page} names a next page but says has_more=False"
        page = registry.list_page(page_size=page_size, cursor=page.next_cursor)
    raise AssertionError("list_page(cursor=...) never reached a last page")


def gather_errors(subject: Subject, fields: Callable[[str], dict[str, Any]]) -> list[str]:
    """The reprs, messages and attributes a user may see, from calls that work and calls that fail."""
    shown: list[str] = []

    def failing(call: Callable[[], Any]) -> None:
        try:
            call()
        except ModelRegError as exc:
            shown.extend([str(exc), repr(exc), repr(vars(exc)), repr(exc.__cause__), repr(exc.__context__)])

    sandbox = subject.sandbox()
    with subject.connect(sandbox, max_retries=0) as reg:
        areg = subject.connect_async(sandbox)
        shown += [repr(reg), repr(reg.config), str(reg.config), repr(areg), repr(areg.config)]
        asyncio.run(areg.aclose())
        made = reg.create(**fields("contract secrets"))
        gone = reg.create(**fields("contract secrets gone"))
        reg.delete(gone.id)
        shown += [repr(made), repr(reg.get(made.id)), repr(reg.list_page())]
        failing(lambda: reg.get(gone.id))
        failing(lambda: reg.create(**fields("x"), contract_unknown_field=1))
        for fault in (Fault.SERVER_ERROR, Fault.RATE_LIMIT, Fault.CONNECT_ERROR, Fault.TRUNCATED, Fault.SLOW):
            sandbox.faults = FaultPlan(rate=1.0, weights={fault: 1.0})
            failing(lambda: reg.get(made.id))
            failing(lambda: list(reg.list()))
            failing(lambda: reg.create(**fields("contract secrets faulted")))
            sandbox.faults = None
    return shown
