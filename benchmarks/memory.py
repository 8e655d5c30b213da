"""Memory: peak RSS while iterating a listing of 10,000 and of 100,000 models must not grow with its length.

Each measurement runs in a fresh subprocess against a synthetic in-process transport that makes
Scriptix list pages on the fly (so the server holds nothing either). The figure is the growth of
the peak resident set size from just before the walk to its end. Keeping every model
(``list(reg.list())``) is measured too, to show what growth with the length looks like.
"""

from __future__ import annotations

import asyncio
import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

import modelreg
from benchmarks._payloads import scriptix_model
from benchmarks._report import Result
from modelreg.provider import Limit

LENGTHS = (10_000, 100_000)
ROOT = Path(__file__).resolve().parent.parent
# No client-side rate window (1,000 pages would take 10 minutes at 100 a minute); the cap stays.
LIMITS = {"list": Limit(concurrency=10)}
KEPT_TARGET_KB = 1.2
"""Half of what a kept model weighed before records were slotted and raw rebuilt on demand (2.4 KB)."""
WARM_UP = 20_000
"""Models walked (sync and async) before the baseline is taken: pools, caches and allocator arenas settle."""


class Synthetic(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """A Scriptix list endpoint over ``total`` models that exist only while their page is made."""

    def __init__(self, total: int) -> None:
        self.total = total

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        size = int(request.url.params["per_page"])
        first = (page - 1) * size
        result = [_model(n) for n in range(first + 1, min(self.total, first + size) + 1)]
        body = {"count": len(result), "total_results": self.total, "result": result}
        return httpx.Response(200, headers={"content-type": "application/json"}, content=json.dumps(body).encode())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self.handle_request(request)


def _model(n: int) -> dict[str, Any]:
    return scriptix_model(n, f"Model {n}")


def _peak_kb() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def child(total: int, mode: str) -> dict[str, int]:
    """Walk ``total`` models in this process; the peak RSS before and after, and the count."""
    transport = Synthetic(total)
    options: dict[str, Any] = {"api_key": "k", "base_url": "http://bench.invalid", "transport": transport}
    # Warm up on a short walk so that imports, pools and caches are in the baseline.
    with modelreg.connect("scriptix", limits=LIMITS, **options) as reg:
        sum(1 for _ in reg.list(limit=WARM_UP))
    asyncio.run(_async_count(options, WARM_UP))
    before = _peak_kb()
    if mode == "sync":
        with modelreg.connect("scriptix", limits=LIMITS, **options) as reg:
            count = sum(1 for _ in reg.list())
    elif mode == "async":
        count = asyncio.run(_async_count(options, None))
    else:
        with modelreg.connect("scriptix", limits=LIMITS, **options) as reg:
            kept = list(reg.list())
            count = len(kept)
    return {"before_kb": before, "peak_kb": _peak_kb(), "count": count}


async def _async_count(options: dict[str, Any], limit: int | None) -> int:
    count = 0
    async with modelreg.connect_async("scriptix", limits=LIMITS, **options) as reg:
        async for _ in reg.list(limit=limit):
            count += 1
    return count


def measure(total: int, mode: str) -> dict[str, int]:
    """``child(total, mode)`` in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", str(total), mode],
        capture_output=True,
        check=True,
        text=True,
        cwd=ROOT,
    ).stdout
    figures: dict[str, int] = json.loads(out.strip().splitlines()[-1])
    return figures


def run(*, lengths: tuple[int, ...] = LENGTHS, runs: int = 2) -> Result:
    """Peak RSS growth for each length, sync, async and keeping every model (least of ``runs``)."""
    result = Result(
        "memory: peak RSS growth while iterating a listing (synthetic transport, scriptix pages of 100)",
        ["iteration", *[f"{n:,} models" for n in lengths], "difference"],
    )
    growths: dict[str, list[int]] = {}
    for mode in MODES:
        growths[mode] = []
        for total in lengths:
            cells = [measure(total, mode) for _ in range(runs)]
            assert all(cell["count"] == total for cell in cells), cells
            growths[mode].append(min(cell["peak_kb"] - cell["before_kb"] for cell in cells))
    # What one model costs when kept, and so what the walk's buffer (two windows of pages, plus
    # the page in hand) weighs at most.
    per_model_kb = (growths["keep"][-1] - growths["keep"][0]) / (lengths[-1] - lengths[0])
    result.check(
        f"a kept model weighs at most {KEPT_TARGET_KB} KB", per_model_kb <= KEPT_TARGET_KB, f"{per_model_kb:.2f} KB"
    )
    window_kb = per_model_kb * BUFFERED * PAGE
    for mode, label in MODES.items():
        growth = growths[mode]
        difference = growth[-1] - growth[0]
        result.rows.append([label, *[f"{kb / 1024:.1f} MB" for kb in growth], f"{difference / 1024:+.1f} MB"])
        if mode != "keep":
            result.check(
                f"{mode}: no growth from {lengths[0]:,} to {lengths[-1]:,} models beyond the walk's buffer of "
                f"{BUFFERED} pages ({window_kb / 1024:.1f} MB)",
                difference <= window_kb,
                f"{difference / 1024:+.1f} MB",
            )
    result.notes.append(
        f"growth of the peak resident set size over a baseline taken after a {WARM_UP:,}-model warm-up walk, "
        f"one fresh process per cell, least of {runs}; a kept model weighs {per_model_kb:.2f} KB"
    )
    return result


MODES = {
    "sync": "`for m in reg.list()`",
    "async": "`async for m in reg.list()`",
    "keep": "`list(reg.list())` (keeps every model)",
}
BUFFERED = 2 * 10 + 1
"""Two windows of Scriptix's list concurrency cap (in flight or arrived early) and the page in hand."""
PAGE = 100


if __name__ == "__main__":
    print(json.dumps(child(int(sys.argv[1]), sys.argv[2])))
