"""The engine: turns a provider's flow into send and sleep actions, once for sync and async.

``Engine.program(flow)`` is a generator that yields ``Send`` and ``Sleep`` actions and receives
responses (or the transport exception) — everything a registry does except the I/O itself:
authentication, pacing, retries with backoff, deadlines, error mapping, logging and redaction.
``_drivers.py`` runs it with an ``httpx.Client`` or an ``httpx.AsyncClient``.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Generator
from typing import Any, TypeVar

import attrs
import httpx

from modelreg import _json
from modelreg._pacing import Pacer
from modelreg._redact import Redactor
from modelreg._relay import relay
from modelreg._retry import RetryPolicy
from modelreg._version import __version__
from modelreg.errors import (
    AuthenticationFailed,
    ModelRegError,
    OutcomeUnknown,
    ProtocolError,
    RateLimited,
    TransportError,
)
from modelreg.provider import IDEMPOTENT, OPERATION, PARSED_JSON, Flow, Pause, Provider, Step, excerpt

T = TypeVar("T")

logger = logging.getLogger("modelreg")

USER_AGENT = f"modelreg/{__version__}"
REPLAYED = "_modelreg_replayed"
"""Set on an error or response that answered a retry after an earlier attempt's answer was lost."""


def _no_wait() -> float:
    return 0.0


class _Unsigned(Exception):
    """Carries an error of fetching a credential past the flow, which must not mistake it for its own."""

    def __init__(self, error: ModelRegError) -> None:
        super().__init__("an error of fetching a credential")  # never the error's text: it is not redacted yet
        self.error = error


@attrs.frozen
class Send:
    """Action: take a concurrency slot of ``operation``, call ``prepare`` and wait what it says, send ``request``.

    ``prepare`` takes the request's rate-limit token once the slot is held, so that the token's
    time is the time the request really starts (a request that queued for a slot behind others
    would otherwise start later than its token says, and bunch up with later ones at the vendor).
    It may raise ``RateLimited`` (too long a wait) or ``TransportError`` (deadline passed).
    """

    request: httpx.Request
    operation: str
    slot_timeout: float | None = None
    """The longest to wait for a concurrency slot: what is left of the call's deadline (None: no bound)."""
    prepare: Callable[[], float] = _no_wait
    max_bytes: int = 32 * 1024 * 1024
    """The largest body to read: past it, the driver stops reading and answers ``ProtocolError``."""
    remaining: Callable[[], float | None] = lambda: None
    """Seconds left of the call's deadline now (None: no deadline): bounds the whole exchange, body included."""
    provider: str = ""
    """The provider's name, for the errors the driver raises."""
    real_time: bool = True
    """Whether ``remaining`` is in real seconds (not a sandbox's simulated ones), so a timer may enforce it."""


@attrs.frozen
class Sleep:
    """Action: wait ``seconds``."""

    seconds: float


Action = Send | Sleep
Program = Generator[Action, Any, T]


class Engine:
    """Everything between a registry and the wire, with no I/O of its own."""

    def __init__(
        self,
        provider: Provider,
        *,
        pacer: Pacer,
        policy: RetryPolicy,
        timeout: httpx.Timeout,
        clock: Callable[[], float] = time.monotonic,
        deadline: float | None = None,
        max_wait: float = 60.0,
        wall: Callable[[], float] = time.time,
        clock_skew: float = 120.0,
        max_response_bytes: int = 32 * 1024 * 1024,
    ) -> None:
        self.provider = provider
        self.pacer = pacer
        self.policy = policy
        self.timeout = timeout
        self.clock = clock
        self.deadline = deadline
        self.max_wait = max_wait
        self.wall = wall
        """The wall clock (the sandbox's when simulated), for comparing with the vendor's timestamps."""
        self.clock_skew = clock_skew
        self.max_response_bytes = max_response_bytes
        self._real_time = clock is time.monotonic
        self.redactor = Redactor(provider.config.secrets(), names=provider.config.secret_params)
        # Converted once: a request without a deadline gets these timeouts as they are.
        self._timeout_dict = timeout.as_dict()

    def program(self, flow: Flow[T]) -> Program[T]:
        """Drive ``flow`` to its result, yielding the actions that need I/O."""
        deadline = self.clock() + self.deadline if self.deadline is not None else None
        try:
            return (yield from relay(self._authorized(flow), functools.partial(self._step, deadline), ModelRegError))
        except ModelRegError as exc:
            raise self.redactor.error(exc) from exc.__cause__

    def _step(self, deadline: float | None, step: Step) -> Program[Any]:
        """One step of a flow: a pause on the registry's clock (answered with the time after) or a request."""
        if isinstance(step, Pause):
            yield Sleep(self._bounded(step.seconds, deadline))
            return self.clock()
        return (yield from self.exchange(step, deadline))

    def _authorized(self, flow: Flow[T]) -> Flow[T]:
        """``flow`` with each request signed, refreshing credentials once after a 401."""
        provider = self.provider
        refreshed = False

        def sign(step: Step) -> Flow[Any]:
            nonlocal refreshed
            if isinstance(step, Pause):
                return (yield step)
            while True:
                try:
                    signed = yield from provider.authorize(step)
                except ModelRegError as exc:
                    # Getting a credential failed: that is no answer to the flow's own request.
                    raise _Unsigned(exc) from None
                try:
                    return (yield signed)
                except AuthenticationFailed:
                    if refreshed or not provider.reauthorize():
                        raise
                    refreshed = True
                    logger.info("%s: credential refused, refreshing it once", provider.name)

        try:
            return (yield from relay(flow, sign, ModelRegError))
        except _Unsigned as unsigned:
            error = unsigned.error
        raise error  # outside the handler, so that the carrier is not chained as its context

    def _bounded(self, seconds: float, deadline: float | None) -> float:
        if deadline is not None and self.clock() + seconds > deadline:
            raise TransportError(
                f"{self.provider.name}: the call's deadline of {self.deadline:g} s would pass while "
                f"waiting {seconds:.1f} s; raise deadline= or try again later",
                provider=self.provider.name,
            )
        return seconds

    def exchange(self, request: httpx.Request, deadline: float | None = None) -> Program[httpx.Response]:
        """Send one request with pacing and retries; return a 2xx answer or raise a typed error."""
        name = self.provider.name
        operation = str(request.extensions.get(OPERATION, "request"))
        idempotent = bool(request.extensions.get(IDEMPOTENT, request.method in ("GET", "DELETE")))
        request.headers.setdefault("user-agent", USER_AGENT)
        ambiguous = False
        attempt = 0
        delay = 0.0
        while True:
            waited_until: float | None = None
            if delay > 0:
                # Back off before queueing for a slot, so that a failing request does not hold one.
                waited_until = self.clock() + delay
                yield Sleep(delay)
            started = self.clock()
            slot_timeout = None if deadline is None else max(0.0, deadline - started)
            prepare = functools.partial(self._prepare, request, operation, deadline, waited_until)
            remaining = functools.partial(self._remaining, deadline)
            outcome = yield Send(
                request, operation, slot_timeout, prepare, self.max_response_bytes, remaining, name, self._real_time
            )
            if isinstance(outcome, ModelRegError):
                raise outcome  # from prepare: nothing was sent
            self.pacer.observe(outcome)  # a served sandbox says so: then no client-side rate windows
            if logger.isEnabledFor(logging.DEBUG):
                self._log(request, outcome, attempt, started)
            if idempotent and _unreadable(outcome):
                # A 2xx whose JSON is cut short: read it again (the provider reports it if it stays broken).
                decision = self.policy.decide(httpx.DecodingError("unreadable JSON body"), attempt, idempotent=True)
            else:
                decision = self.policy.decide(outcome, attempt, idempotent=idempotent, retry_after=self._asked(outcome))
            if isinstance(outcome, httpx.Response) and outcome.status_code == 429:
                wait_after = decision.retry_after if decision.retry_after is not None else 1.0
                self.pacer.block(operation, self.clock() + wait_after)
            if decision.retry and (deadline is None or self.clock() + decision.delay < deadline):
                ambiguous = ambiguous or decision.ambiguous
                logger.info(
                    "%s: retrying %s %s in %.2f s (attempt %d of %d) after %s",
                    name,
                    request.method,
                    self.redactor.text(str(request.url)),
                    decision.delay,
                    attempt + 2,
                    self.policy.max_retries + 1,
                    self.redactor.text(_describe(outcome, decision.ambiguous)),
                )
                delay = decision.delay
                attempt += 1
                continue
            if isinstance(outcome, Exception):
                raise self._transport_error(request, outcome, idempotent, decision.ambiguous, attempt)
            if outcome.is_success:
                if ambiguous:
                    outcome.extensions[REPLAYED] = True
                response: httpx.Response = outcome
                return response
            raise self._api_error(outcome, ambiguous, decision.retry_after)

    def _remaining(self, deadline: float | None) -> float | None:
        return None if deadline is None else deadline - self.clock()

    def _asked(self, outcome: httpx.Response | Exception) -> float | None:
        """The wait a 429's body asks for (Scriptix's ``retry_after``), as the provider reads it."""
        if not isinstance(outcome, httpx.Response) or outcome.status_code != 429:
            return None
        error = self.provider.error_for(outcome)
        return error.retry_after if isinstance(error, RateLimited) else None

    def _prepare(
        self, request: httpx.Request, operation: str, deadline: float | None, waited_until: float | None
    ) -> float:
        """Take ``operation``'s next start slot and set the request's timeouts; return the wait before sending.

        ``waited_until`` is when a retry's backoff ended: a 429 block that it already waited out
        does not count twice. A wait longer than ``max_wait`` or past the deadline raises
        ``RateLimited`` instead, taking no slot.
        """
        now = self.clock()
        remaining = deadline - now if deadline is not None else None
        bound = self.max_wait if remaining is None else max(0.0, min(self.max_wait, remaining))
        wait = self.pacer.reserve(operation, now, bound, waited_until)
        if wait > bound:
            name = self.provider.name
            limit = self.pacer.limit(operation)
            # The server's own back-off (a 429's Retry-After) is no client-side limit that limits= could raise.
            asked = self.pacer.closed_for(operation, now) >= wait or limit is None or not limit.calls
            why = "the server asked to wait (Retry-After of an earlier 429)" if asked else f"client-side limit {limit}"
            if wait > self.max_wait and asked:
                advice = "try again once the server's back-off has passed"
            elif wait > self.max_wait:
                advice = "try again later, or pass limits= (and max_wait=) to connect() if your plan allows more"
            else:
                advice = f"that is past the call's deadline of {self.deadline:g} s; raise deadline= or try later"
            raise RateLimited(
                f"{name} allows no more {operation} requests for {wait:.1f} s ({why}); {advice}",
                provider=name,
                retry_after=wait,
            )
        request.extensions["timeout"] = self._timeouts(deadline, wait)
        return wait

    def _timeouts(self, deadline: float | None, wait: float) -> dict[str, float | None]:
        """The request's timeouts, each cut to what will be left of the call's deadline after ``wait``."""
        timeouts = self._timeout_dict
        if deadline is None:
            return dict(timeouts)
        remaining = deadline - self.clock() - wait
        if remaining <= 0:
            raise TransportError(
                f"{self.provider.name}: the call's deadline of {self.deadline:g} s has passed; raise deadline=",
                provider=self.provider.name,
            )
        return {phase: remaining if value is None else min(value, remaining) for phase, value in timeouts.items()}

    def _api_error(self, response: httpx.Response, replayed: bool, retry_after: float | None) -> Exception:
        if 300 <= response.status_code < 400:
            return ProtocolError(
                f"{self.provider.name} answered with a redirect to "
                f"{self.redactor.text(response.headers.get('location', '?'))}; check base_url",
                provider=self.provider.name,
                status_code=response.status_code,
                excerpt=self.redactor.text(excerpt(response.content)),
            )
        error = self.provider.error_for(response)
        # The engine reads Retry-After on the registry's clock (simulated in a sandbox): prefer it.
        if isinstance(error, RateLimited) and retry_after is not None:
            error.retry_after = retry_after
        setattr(error, REPLAYED, replayed)
        return error

    def _transport_error(
        self, request: httpx.Request, exc: Exception, idempotent: bool, ambiguous: bool, attempt: int
    ) -> TransportError:
        name = self.provider.name
        what = f"{request.method} {self.redactor.text(str(request.url))}"
        tries = f" after {attempt + 1} attempts" if attempt else ""
        if ambiguous and not idempotent:
            error: TransportError = OutcomeUnknown(
                f"{name}: the answer to {what} was lost ({self.redactor.text(_describe(exc))}); the change may or may "
                "not have been made. List or get the model to check before trying again.",
                provider=name,
            )
        else:
            error = TransportError(
                f"{name}: could not complete {what}{tries}: {self.redactor.text(_describe(exc))}; "
                "check the network and base_url, or raise timeout=",
                provider=name,
            )
        error.__cause__ = exc
        return error

    def _log(self, request: httpx.Request, outcome: httpx.Response | Exception, attempt: int, started: float) -> None:
        # Called only when DEBUG is on: the URL is redacted for the log line alone.
        elapsed = (self.clock() - started) * 1000
        logger.debug(
            "%s %s %s -> %s in %.0f ms (attempt %d)",
            self.provider.name,
            request.method,
            self.redactor.text(str(request.url)),
            _describe(outcome),
            elapsed,
            attempt + 1,
        )


def _describe(outcome: httpx.Response | Exception, unreadable: bool = False) -> str:
    if isinstance(outcome, httpx.Response):
        what = f"{outcome.status_code} {outcome.reason_phrase}".strip()
        return f"{what} with an unreadable body" if unreadable and outcome.is_success else what
    return f"{type(outcome).__name__}: {outcome}" if str(outcome) else type(outcome).__name__


def _unreadable(outcome: httpx.Response | Exception) -> bool:
    """Whether ``outcome`` is a 2xx that says it is JSON but does not parse."""
    if not isinstance(outcome, httpx.Response) or not outcome.is_success or not outcome.content.strip():
        return False
    if "json" not in outcome.headers.get("content-type", ""):
        return False
    try:
        outcome.extensions[PARSED_JSON] = (_json.loads(outcome.content),)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return True
    return False
