"""Driving one generator from another: the loop every flow wrapper shares, written once.

A flow yields steps and receives answers; a wrapper (the engine, authentication, a paged walk
that holds its answers) drives it, handling each step in its own way. ``relay`` is that loop:
it steps the flow, hands each step to ``handle`` (itself a generator, so it may yield steps of
its own outward) and gives the flow what ``handle`` returned, or throws into it what ``handle``
raised, so that the flow may catch an error exactly as if it had made the request itself.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, Generic, TypeVar

import attrs

T = TypeVar("T")

Handler = Callable[[Any], Generator[Any, Any, Any]]
"""Handles one step of the inner flow: yields outward what it needs, returns the flow's answer."""


def relay(
    flow: Generator[Any, Any, T],
    handle: Handler,
    catch: type[BaseException] | tuple[type[BaseException], ...] = Exception,
    *,
    value: Any = None,
    error: BaseException | None = None,
) -> Generator[Any, Any, T]:
    """Run ``flow`` to its result, each step through ``handle``; ``catch``-able errors go back into it.

    ``value`` (or ``error``) is what the flow is given first: a flow resumed half-way receives
    the answer to the step it last yielded.
    """
    while True:
        try:
            step = flow.throw(error) if error is not None else flow.send(value)
        except StopIteration as stop:
            result: T = stop.value
            return result
        error = None
        try:
            value = yield from handle(step)
        except catch as exc:
            error = exc


def forward(step: Any) -> Generator[Any, Any, Any]:
    """The handler that passes a step outward unchanged and returns its answer."""
    return (yield step)


@attrs.frozen
class Finished(Generic[T]):
    """A generator's result: it asks for nothing more."""

    value: T


def advance(flow: Generator[Any, Any, T], answer: Any = None, error: BaseException | None = None) -> Any:
    """Give ``flow`` the answer to its last step (or throw ``error`` into it); its next step, or ``Finished``.

    The one stepping primitive of the I/O drivers, which cannot ``yield from`` a flow: they await.
    """
    try:
        return flow.throw(error) if error is not None else flow.send(answer)
    except StopIteration as stop:
        return Finished(stop.value)
