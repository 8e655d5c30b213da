"""Clocks for the sandboxes: a virtual one that jumps when slept on, and the wall clock."""

from __future__ import annotations

import asyncio
import threading
import time


class VirtualClock:
    """Simulated time: ``sleep`` advances it at once, so hours of training take no real time."""

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else start
        self._lock = threading.Lock()

    def now(self) -> float:
        """Seconds since the epoch, in simulated time."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        """Move simulated time forward by ``seconds``."""
        if seconds > 0:
            with self._lock:
                self._now += seconds

    def sleep(self, seconds: float) -> None:
        """Advance simulated time instead of blocking."""
        self.advance(seconds)

    async def asleep(self, seconds: float) -> None:
        """Advance simulated time, letting other tasks run once."""
        self.advance(seconds)
        await asyncio.sleep(0)


class WallClock:
    """Real time, optionally sped up by ``scale`` (2.0 = simulated time runs twice as fast)."""

    def __init__(self, scale: float = 1.0) -> None:
        self.scale = scale
        self._origin = time.time()

    def now(self) -> float:
        """Seconds since the epoch, scaled from the moment this clock was made."""
        return self._origin + (time.time() - self._origin) * self.scale

    def advance(self, seconds: float) -> None:
        """Real time cannot be moved; move the origin instead so that ``now`` jumps."""
        self._origin += seconds

    def sleep(self, seconds: float) -> None:
        """Block for ``seconds`` of simulated time."""
        if seconds > 0:
            time.sleep(seconds / self.scale)

    async def asleep(self, seconds: float) -> None:
        """Await ``seconds`` of simulated time."""
        await asyncio.sleep(max(0.0, seconds) / self.scale)


Clock = VirtualClock | WallClock
