"""``list()`` against the Scriptix sandbox with real latency: its cap of 10 holds, order is kept."""

from __future__ import annotations

import asyncio

import pytest
from modelreg_scriptix import ScriptixProvider, ScriptixSandbox

import modelreg
from modelreg.sandbox import WallClock


def sandbox_with(count: int) -> ScriptixSandbox:
    sandbox = ScriptixProvider.sandbox(clock=WallClock(), latency=0.005)
    for n in range(count):
        sandbox.insert(f"Model {n}", "en", "medical")
    return sandbox


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_scriptix_list_keeps_order_and_never_exceeds_ten_requests_in_flight(mode: str) -> None:
    sandbox = sandbox_with(2500)
    if mode == "sync":
        with modelreg.connect("scriptix", sandbox=sandbox) as reg:
            names = [m.name for m in reg.list()]
    else:

        async def run() -> list[str]:
            async with modelreg.connect_async("scriptix", sandbox=sandbox) as reg:
                return [m.name async for m in reg.list()]

        names = asyncio.run(run())
    assert names == [f"Model {n}" for n in range(2500)]
    assert sandbox.requests["list"] == 25
    assert 1 < sandbox.peak_in_flight["list"] <= 10
