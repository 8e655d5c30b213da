"""The Scriptix emulator's list answers: training models are shown as of the clock, whatever the filter."""

from __future__ import annotations

import httpx
from modelreg_scriptix import ScriptixProvider, ScriptixSandbox

from modelreg.sandbox import VirtualClock

BASE = "https://api.scriptix.io/api/v3/custom_models"
AUTH = {"authorization": "Bearer sk-test-scriptix-0001"}


def client(sandbox: ScriptixSandbox) -> httpx.Client:
    return httpx.Client(transport=sandbox.transport(), headers=AUTH)


def test_list_shows_a_training_that_ended_under_every_filter() -> None:
    clock = VirtualClock()
    sandbox = ScriptixProvider.sandbox(clock=clock, training_duration=100.0)
    sandbox.seed()
    with client(sandbox) as http:
        clock.advance(30)
        training = http.get(BASE, params={"status": 3}).json()
        clock.advance(100)
        done = http.get(BASE, params={"status": 4}).json()
        still = http.get(BASE, params={"status": 3}).json()
        everything = http.get(BASE).json()
        in_dutch = http.get(BASE, params={"language": "nl"}).json()
    assert [m["training_progress"] for m in training["result"]] == [70]
    assert [m["name"] for m in done["result"]] == ["Medical Cardiology EN", "Legal Contracts NL"]
    assert still == {"count": 0, "total_results": 0, "result": []}
    assert everything["result"][1] == done["result"][1] == in_dutch["result"][0]
    assert everything["result"][1]["training_status"] == 4 and everything["total_results"] == 5
