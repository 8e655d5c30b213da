"""A simulated clock with one timeline per thread and per asyncio task.

A plain ``VirtualClock`` is global: when 16 workers each sleep 2 s, it moves 32 s, so every
worker's calls look 16 times slower than they are and their deadlines run out for nothing.
Here each actor's sleeps move only its own time, as if every wait overlapped perfectly, so a
call's elapsed simulated time is its own waits and timeouts only.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import time

from modelreg.sandbox import VirtualClock

_ids = itertools.count()


class TimelineClock(VirtualClock):
    """Simulated time where each thread and each asyncio task advances on its own."""

    def __init__(self, start: float = 1_800_000_000.0, *, yield_seconds: float = 0.0002) -> None:
        super().__init__(start)
        self._start = start
        self._offset: contextvars.ContextVar[float] = contextvars.ContextVar(f"timeline-{next(_ids)}", default=0.0)
        # A real pause on every simulated wait lets other threads into the sandbox meanwhile,
        # so that concurrency (and the in-flight gauge) is real, not serialized by the GIL.
        self.yield_seconds = yield_seconds

    def now(self) -> float:
        """This actor's simulated time."""
        return self._start + self._offset.get()

    def advance(self, seconds: float) -> None:
        """Move this actor's time forward."""
        if seconds > 0:
            self._offset.set(self._offset.get() + seconds)

    def sleep(self, seconds: float) -> None:
        """Advance this thread's time; pause for real only long enough to let other threads run."""
        self.advance(seconds)
        time.sleep(self.yield_seconds)

    async def asleep(self, seconds: float) -> None:
        """Advance this task's time and let the other tasks run once."""
        self.advance(seconds)
        await asyncio.sleep(0)
