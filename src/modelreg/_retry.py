"""When to try a request again, and how long to wait first: decided once for every provider."""

from __future__ import annotations

import random
from collections.abc import Callable

import attrs
import httpx

from modelreg.provider import parse_retry_after

RETRYABLE_STATUS = frozenset({429, 502, 503, 504})
# Errors raised before a single byte of the request left: the server provably did nothing.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


@attrs.frozen
class Decision:
    """Whether to retry, after how many seconds, and whether the server may have acted."""

    retry: bool
    delay: float = 0.0
    ambiguous: bool = False
    retry_after: float | None = None


@attrs.define
class RetryPolicy:
    """Exponential backoff with full jitter, honouring ``Retry-After`` up to ``max_retry_after``."""

    max_retries: int = 2
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 120.0
    random: Callable[[], float] = random.random
    now: Callable[[], float] | None = None

    def backoff(self, attempt: int) -> float:
        """The jittered wait before retry number ``attempt + 1``."""
        return float(self.random() * min(self.max_delay, self.base_delay * 2**attempt))

    def decide(self, outcome: httpx.Response | Exception, attempt: int, *, idempotent: bool) -> Decision:
        """What to do after ``outcome`` of attempt number ``attempt`` (0-based)."""
        if isinstance(outcome, Exception):
            ambiguous = not isinstance(outcome, NOT_SENT)
            may_retry = idempotent or not ambiguous
            if may_retry and attempt < self.max_retries:
                return Decision(True, self.backoff(attempt), ambiguous)
            return Decision(False, ambiguous=ambiguous)
        status = outcome.status_code
        if status not in RETRYABLE_STATUS:
            return Decision(False)
        retry_after = parse_retry_after(outcome.headers, self.now) if status in (429, 503) else None
        if retry_after is not None and retry_after > self.max_retry_after:
            return Decision(False, retry_after=retry_after)
        # A 429 means the server refused without acting, so even a create may go again;
        # a 5xx on a non-idempotent request may hide a half-done write.
        if not (idempotent or status == 429) or attempt >= self.max_retries:
            return Decision(False, ambiguous=not idempotent and status != 429, retry_after=retry_after)
        delay = retry_after if retry_after is not None else self.backoff(attempt)
        return Decision(True, delay, retry_after=retry_after)
