"""When to try a request again, and how long to wait first: decided once for every provider.

The rules, in order:

- An error raised before a byte left (connection refused, connect or pool timeout) proves the
  server did nothing: any request may go again, a create included.
- Any other transport error (read timeout, reset after sending) is *ambiguous*: the server may
  have acted. Only idempotent requests go again.
- 429 means the server refused without acting: any request may go again after ``Retry-After``
  (seconds, HTTP date or ``retry-after-ms``), unless that is longer than ``max_retry_after``.
- 502, 503 and 504 go again for idempotent requests only, and count as ambiguous: a gateway may
  time out after the service behind it acted (so a DELETE that then finds nothing succeeded).
- Waits grow exponentially from ``base_delay`` up to ``max_delay``, with full jitter.
"""

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
    """The server may have acted on the attempt that just failed."""
    retry_after: float | None = None
    """The wait the server asked for, in seconds, when it said."""


@attrs.define
class RetryPolicy:
    """Exponential backoff with full jitter, honouring ``Retry-After`` up to ``max_retry_after``."""

    max_retries: int = 2
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 120.0
    random: Callable[[], float] = random.random
    now: Callable[[], float] | None = None
    """The wall clock that HTTP-date ``Retry-After`` values are read against."""

    def backoff(self, attempt: int) -> float:
        """The jittered wait before retry number ``attempt + 1``: uniform in [0, min(max, base * 2**attempt)]."""
        return float(self.random() * min(self.max_delay, self.base_delay * 2**attempt))

    def decide(
        self,
        outcome: httpx.Response | Exception,
        attempt: int,
        *,
        idempotent: bool,
        retry_after: float | None = None,
    ) -> Decision:
        """What to do after ``outcome`` of attempt number ``attempt`` (0-based).

        ``retry_after`` is the wait a 429's body asks for, used when no header says.
        """
        if isinstance(outcome, Exception):
            ambiguous = not isinstance(outcome, NOT_SENT)
            may_retry = idempotent or not ambiguous
            if may_retry and attempt < self.max_retries:
                return Decision(True, self.backoff(attempt), ambiguous)
            return Decision(False, ambiguous=ambiguous)
        status = outcome.status_code
        if status < 500 and status != 429:
            return Decision(False)
        # A 429 is a refusal: nothing was done. Any 5xx may hide a half-done write.
        ambiguous = status != 429
        asked = parse_retry_after(outcome.headers, self.now) if status in (429, 503) else None
        retry_after = asked if asked is not None or status != 429 else retry_after
        if status not in RETRYABLE_STATUS:
            return Decision(False, ambiguous=ambiguous)
        if retry_after is not None and retry_after > self.max_retry_after:
            return Decision(False, ambiguous=ambiguous, retry_after=retry_after)
        if not (idempotent or status == 429) or attempt >= self.max_retries:
            return Decision(False, ambiguous=ambiguous, retry_after=retry_after)
        delay = retry_after if retry_after is not None else self.backoff(attempt)
        return Decision(True, delay, ambiguous, retry_after)
