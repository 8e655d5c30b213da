"""Seeded fault injection: which requests a sandbox fails, and how."""

from __future__ import annotations

import enum
import random
import threading
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from typing import TypeVar

import attrs

T = TypeVar("T")


class Fault(str, enum.Enum):
    """One way a request can go wrong."""

    SERVER_ERROR = "server_error"
    """A 500, 502, 503 or 504 answer; nothing was done."""
    RATE_LIMIT = "rate_limit"
    """A 429 with ``Retry-After`` in seconds, as an HTTP date, or ``retry-after-ms``."""
    CONNECT_ERROR = "connect_error"
    """The connection is refused: the request never reached the server."""
    DROP_AFTER_COMMIT = "drop_after_commit"
    """The server acts, then the connection drops before the answer."""
    SLOW = "slow"
    """The answer comes late: after the client's read timeout, once the server has acted."""
    TRUNCATED = "truncated"
    """The answer's body is cut short."""


@attrs.define
class FaultPlan:
    """Fail a ``rate`` share of requests with faults drawn from ``weights``, reproducibly by ``seed``."""

    seed: int = 0
    rate: float = 0.1
    weights: Mapping[Fault, float] = attrs.field(factory=lambda: {fault: 1.0 for fault in Fault})
    operations: Collection[str] | None = None
    """Only these operation names are faulted (all when None)."""
    injected: Counter[Fault] = attrs.field(factory=Counter, init=False)
    _rng: random.Random = attrs.field(init=False)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False)

    def __attrs_post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def draw(self, operation: str) -> Fault | None:
        """The fault for the next request of ``operation``, or None to serve it normally."""
        if self.operations is not None and operation not in self.operations:
            return None
        with self._lock:
            if self._rng.random() >= self.rate:
                return None
            kinds = list(self.weights)
            fault = self._rng.choices(kinds, weights=[self.weights[k] for k in kinds])[0]
            self.injected[fault] += 1
            return fault

    def choice(self, options: Sequence[T]) -> T:
        """A reproducible pick among ``options`` (status codes, header forms)."""
        with self._lock:
            return self._rng.choice(options)
