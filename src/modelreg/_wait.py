"""Waiting until models reach a status: one plan for every provider, driven by a sync and an async loop.

``Watch`` is the plan: a generator that says what to fetch (``GetModel`` or ``ListPage``) or how
long to pause (``Nap``), and receives the model, the page or the time. Several models of one
provider are polled with one listing instead of one get each whenever the listing takes fewer
requests (the first page tells how many there are). A poll refused by the rate limit waits for the
quota instead of failing; a model in a failed state raises ``ModelFailed``; ``timeout`` raises
``WaitTimedOut``. ``drive_sync`` and ``drive_async`` run a plan with a registry's calls.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Collection, Generator, Iterable
from typing import Any

import attrs

from modelreg._records import Issue, Model, ModelStatus, Page
from modelreg._relay import Finished, advance
from modelreg.errors import ModelFailed, RateLimited, ValidationFailed, WaitTimedOut

DEFAULT_POLL_INTERVAL = 10.0
"""Seconds between polls when ``poll_interval`` is not given."""

Progress = Callable[[Model], Any]
"""Called with each model after every poll."""


@attrs.frozen
class GetModel:
    """Step: fetch one model."""

    model_id: str


@attrs.frozen
class ListPage:
    """Step: fetch one page of the unfiltered listing."""

    page: int
    page_size: int


@attrs.frozen
class Nap:
    """Step: pause ``seconds``; answered with the clock's time after."""

    seconds: float


Step = GetModel | ListPage | Nap
Plan = Generator[Step, Any, "list[Model]"]


def statuses(until: ModelStatus | str | Iterable[ModelStatus | str], provider: str) -> frozenset[ModelStatus]:
    """``until`` as a set of statuses (a status, its value, or a collection of them), or ``ValidationFailed``."""
    given = [until] if isinstance(until, (ModelStatus, str)) else until
    found: set[ModelStatus] = set()
    try:
        for value in given:
            found.add(ModelStatus(value))
    except (TypeError, ValueError):
        known = ", ".join(status.value for status in ModelStatus)
        raise ValidationFailed(
            [Issue(("until",), f"must be a ModelStatus or a collection of them ({known}), got {until!r}")],
            provider=provider,
        ) from None
    if not found:
        raise ValidationFailed([Issue(("until",), "names no status to wait for")], provider=provider)
    return frozenset(found)


def _seconds(name: str, value: Any, provider: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 or not math.isfinite(value):
        raise ValidationFailed(
            [Issue((name,), f"must be a positive number of seconds, got {value!r}")], provider=provider
        )
    return float(value)


class Watch:
    """Models of one provider waited on until each reaches one of ``until``."""

    def __init__(
        self,
        provider: str,
        model_ids: Collection[str],
        *,
        until: ModelStatus | str | Iterable[ModelStatus | str],
        timeout: float | None,
        poll_interval: float | None,
        progress: Progress | None,
        page_size: int,
        can_list: bool,
    ) -> None:
        self.provider = provider
        self.until = statuses(until, provider)
        self.timeout = None if timeout is None else _seconds("timeout", timeout, provider)
        interval = DEFAULT_POLL_INTERVAL if poll_interval is None else poll_interval
        self.poll_interval = _seconds("poll_interval", interval, provider)
        if progress is not None and not callable(progress):
            raise ValidationFailed([Issue(("progress",), "must be a function taking a model")], provider=provider)
        self.progress = progress
        self.order = list(dict.fromkeys(model_ids))
        self.page_size = page_size
        self.can_list = can_list
        self.pages: int | None = None
        """How many pages the whole listing takes, once a page has said."""
        self.found: dict[str, Model] = {}
        self.last: dict[str, Model] = {}

    def plan(self, now: float, spacing: Callable[[str], float] = lambda operation: 0.0) -> Plan:
        """The steps of the wait, from ``now``; ``spacing(operation)`` is the pause the quota asks between polls."""
        deadline = None if self.timeout is None else now + self.timeout
        while True:
            pending = [model_id for model_id in self.order if model_id not in self.found]
            if self._by_listing(pending):
                unseen = yield from self._list_round(set(pending), deadline)
                pending = [model_id for model_id in pending if model_id in unseen]
                operation = "list"
            else:
                operation = "get"
            for model_id in pending:
                self._seen(model_id, (yield from self._polite(GetModel(model_id), deadline)))
            if len(self.found) == len(self.order):
                return [self.found[model_id] for model_id in self.order]
            now = yield Nap(0)
            if deadline is not None and now >= deadline:
                raise self._timed_out()
            pause = max(self.poll_interval, spacing(operation))
            yield Nap(pause if deadline is None else min(pause, deadline - now))

    def _by_listing(self, pending: list[str]) -> bool:
        """Whether one listing costs fewer requests than a get per pending model."""
        if not self.can_list or len(pending) < 2:
            return False
        return self.pages is None or self.pages < len(pending)

    def _list_round(self, pending: set[str], deadline: float | None) -> Generator[Step, Any, set[str]]:
        """Page through the listing until every pending model is seen; return those it did not show."""
        number = 1
        while pending:
            page: Page[Model] = yield from self._polite(ListPage(number, self.page_size), deadline)
            for model in page.items:
                if model.id in pending:
                    pending.discard(model.id)
                    self._seen(model.id, model)
            if page.total is not None:
                self.pages = max(1, math.ceil(page.total / self.page_size))
            left = (self.pages - number) if self.pages is not None else None
            if not page.has_more or not page.items or (left is not None and left >= len(pending)):
                break  # the end, or getting the rest one by one is cheaper
            number += 1
        return pending

    def _polite(self, step: GetModel | ListPage, deadline: float | None) -> Generator[Step, Any, Any]:
        """Fetch a model or a page; a rate limit waits for the quota (within the timeout) instead of failing."""
        while True:
            try:
                return (yield step)
            except RateLimited as exc:
                now = yield Nap(0)
                wait = exc.retry_after if exc.retry_after is not None else self.poll_interval
                if deadline is not None and now + wait >= deadline:
                    raise
                yield Nap(wait)

    def _seen(self, model_id: str, model: Model) -> None:
        """A poll found ``model`` for the id asked as ``model_id``."""
        self.last[model_id] = model
        if self.progress is not None:
            self.progress(model)
        if model.status in self.until:
            self.found[model_id] = model
        elif model.status is ModelStatus.FAILED:
            reason = _reason(model)
            raise ModelFailed(
                f"{model.ref} ({model.name!r}) is {model.status.value}{reason} and will not become "
                f"{' or '.join(sorted(status.value for status in self.until))} by itself; "
                "fix it at the vendor (or start its training again) before waiting again",
                model=model,
            )

    def _timed_out(self) -> WaitTimedOut:
        waiting = [
            self.last[model_id] for model_id in self.order if model_id not in self.found and model_id in self.last
        ]
        model = waiting[0]
        shown = ", ".join(f"{m.ref} is {m.status.value}" for m in waiting[:5])
        wanted = " or ".join(sorted(status.value for status in self.until))
        return WaitTimedOut(
            f"waited {self.timeout:g} s for {wanted}: {shown}; wait again with a longer timeout=",
            model=model,
            timeout=self.timeout or 0.0,
        )


def _reason(model: Model) -> str:
    """Why a model failed, when its details say (a vendor's ``error`` or ``status_message``)."""
    for name in ("error", "status_message", "validation_message"):
        value = getattr(model.details, name, None)
        if isinstance(value, str) and value.strip():
            return f" ({value.strip()[:200]})"
    return ""


def drive_sync(
    plan: Plan,
    get: Callable[[str], Model],
    page: Callable[[int, int], Page[Model]],
    sleep: Callable[[float], None],
    clock: Callable[[], float],
) -> list[Model]:
    """Run a wait's plan with a sync registry's calls."""
    with _closing(plan):
        step = advance(plan)
        while not isinstance(step, Finished):
            answer: Any = None
            error: RateLimited | None = None
            try:
                if isinstance(step, Nap):
                    if step.seconds > 0:
                        sleep(step.seconds)
                    answer = clock()
                elif isinstance(step, GetModel):
                    answer = get(step.model_id)
                else:
                    answer = page(step.page, step.page_size)
            except RateLimited as exc:
                error = exc
            step = advance(plan, answer, error)
        result: list[Model] = step.value
        return result


async def drive_async(
    plan: Plan,
    get: Callable[[str], Awaitable[Model]],
    page: Callable[[int, int], Awaitable[Page[Model]]],
    sleep: Callable[[float], Awaitable[None]],
    clock: Callable[[], float],
) -> list[Model]:
    """Run a wait's plan with an async registry's calls."""
    with _closing(plan):
        step = advance(plan)
        while not isinstance(step, Finished):
            answer: Any = None
            error: RateLimited | None = None
            try:
                if isinstance(step, Nap):
                    if step.seconds > 0:
                        await sleep(step.seconds)
                    answer = clock()
                elif isinstance(step, GetModel):
                    answer = await get(step.model_id)
                else:
                    answer = await page(step.page, step.page_size)
            except RateLimited as exc:
                error = exc
            step = advance(plan, answer, error)
        result: list[Model] = step.value
        return result


class _closing:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        self.plan.close()
