"""Split a flow at its first answer: fetch now, parse later (in order, when the page's turn comes).

A listing walk runs ``hold_answer(flow)`` concurrently for the pages ahead: it does the I/O only
and hands back the answer unread. The page is parsed by ``resume(held)`` when the caller reaches
it, so that a burst of answers does not delay sending the next requests behind their parsing
(and so that the pages waiting their turn stay as compact bytes). Both run through the engine,
which keeps retries, error mapping and redaction in one place.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import attrs
import httpx

from modelreg.provider import Flow

T = TypeVar("T")


@attrs.frozen
class Held(Generic[T]):
    """A flow stopped right after its first answer arrived, with that answer not yet given to it."""

    flow: Flow[T]
    answer: httpx.Response


def hold_answer(flow: Flow[T]) -> Flow[T | Held[T]]:
    """Drive ``flow`` to its first answer and return it unread; a flow that needs no request, or
    whose first request fails, is run to its end as usual."""
    try:
        step = next(flow)
    except StopIteration as stop:
        result: T = stop.value
        return result
    if not isinstance(step, httpx.Request):
        return (yield from _drive(flow, step))
    try:
        answer = yield step
    except Exception as exc:  # the engine's error for this request: the flow may handle it
        return (yield from _drive(flow, error=exc))
    return Held(flow, answer)


def resume(held: Held[T]) -> Flow[T]:
    """Give a held flow its answer and drive it on to its result (usually with no further request)."""
    return _drive(held.flow, value=held.answer)


def _drive(flow: Flow[T], step: Any = None, *, value: Any = None, error: Exception | None = None) -> Flow[T]:
    """Continue ``flow``: yield ``step`` if given, else first send it ``value`` (or throw ``error``)."""
    while True:
        if step is None:
            try:
                step = flow.throw(error) if error is not None else flow.send(value)
            except StopIteration as stop:
                result: T = stop.value
                return result
        error = None
        try:
            value = yield step
        except Exception as exc:  # passed on to the flow, which may catch it
            error = exc
        step = None
