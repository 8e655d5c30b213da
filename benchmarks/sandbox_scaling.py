"""Sandbox scaling: what one create and one listed model cost with 2,000 and with 50,000 Scriptix models.

Two set-ups, as users meet them:

- **in process**: ``modelreg.connect("scriptix", sandbox=...)`` over the emulator's in-memory store;
- **served**: ``modelreg sandbox serve`` in a subprocess (uvicorn, the CLI's SQLite store), and a
  plain ``httpx.Client`` talking to it over 127.0.0.1.

The store is filled to the size through the emulator itself (``insert``), then in each round
``CREATES`` models are created one after the other and ``PAGES`` list pages of 100 are read,
spread evenly over the whole listing (the first, the last and the ones between). The figures
are the cost per create and per listed model, the least of the rounds (which alternate between
the sizes); the targets compare 50,000 with 2,000 models in the same run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

import modelreg
from benchmarks._report import Result
from modelreg.sandbox import MemoryStore, Sandbox, SqliteStore

SIZES = (2_000, 50_000)
CREATES = 100
PAGES = 20
PAGE_SIZE = 100
ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"create": 2.0, "listed model": 1.5}
"""How much more an operation may cost at 50,000 models than at 2,000."""


def fill(sandbox: Sandbox, count: int) -> None:
    """``count`` models through the emulator's own ``insert`` (the store indexes them as it would any)."""
    insert: Callable[..., Any] = sandbox.insert  # type: ignore[attr-defined]
    for n in range(count):
        insert(f"Model {n:05d}", "en", "medical", "Cardiology consultations and reports")


def pages_to_read(total: int) -> list[int]:
    """``PAGES`` page numbers spread evenly over a listing of ``total`` models, first and last included."""
    last = max(1, -(-total // PAGE_SIZE))
    return sorted({1 + round(i * (last - 1) / (PAGES - 1)) for i in range(PAGES)})


class InProcess:
    """A registry over an in-memory sandbox of ``count`` models (what ``connect(..., sandbox=True)`` makes)."""

    def __init__(self, count: int) -> None:
        self.count = count
        sandbox = modelreg.provider_info("scriptix").sandbox(store=MemoryStore())
        fill(sandbox, count)
        self.registry = modelreg.connect("scriptix", sandbox=sandbox)
        self.created = 0

    def measure(self) -> dict[str, float]:
        """CPU seconds per create and per listed model (one process: its CPU time is all there is)."""
        started = time.process_time()
        for _ in range(CREATES):
            self.created += 1
            self.registry.create(name=f"New {self.created}", language="en")
        per_create = (time.process_time() - started) / CREATES
        listed = 0
        started = time.process_time()
        for number in pages_to_read(self.count):
            listed += len(self.registry.list_page(number, page_size=PAGE_SIZE).items)
        return {"create": per_create, "listed model": (time.process_time() - started) / listed}

    def close(self) -> None:
        """Close the registry."""
        self.registry.close()


class Served:
    """``modelreg sandbox serve`` over a SQLite store of ``count`` models, and a plain httpx client."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.state = tempfile.TemporaryDirectory()
        store = SqliteStore(Path(self.state.name) / "sandbox" / "scriptix.sqlite3")
        fill(modelreg.provider_info("scriptix").sandbox(store=store), count)
        store.put("modelreg-cli", "state", {"seeded": False, "at": time.time()})
        store.close()
        port = _free_port()
        env = {**os.environ, "MODELREG_STATE_DIR": self.state.name, "MODELREG_PLUGINS": "scriptix"}
        command = [sys.executable, "-m", "modelreg", "sandbox", "serve", "--port", str(port)]
        self.server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{port}/scriptix/api/v3/custom_models"
        self.client = httpx.Client(headers={"authorization": "Bearer bench"}, timeout=120)
        _wait(self.client, self.url)
        self.created = 0

    def measure(self) -> dict[str, float]:
        """Wall seconds per create and per listed model, as the client sees them."""
        started = time.perf_counter()
        for _ in range(CREATES):
            self.created += 1
            self.client.post(self.url, json={"name": f"New {self.created}", "language": "en"}).raise_for_status()
        per_create = (time.perf_counter() - started) / CREATES
        listed = 0
        started = time.perf_counter()
        for number in pages_to_read(self.count):
            answer = self.client.get(self.url, params={"page": number, "per_page": PAGE_SIZE})
            listed += len(answer.raise_for_status().json()["result"])
        return {"create": per_create, "listed model": (time.perf_counter() - started) / listed}

    def close(self) -> None:
        """Stop the server and remove its state."""
        self.client.close()
        self.server.terminate()
        self.server.wait(timeout=30)
        self.state.cleanup()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait(client: httpx.Client, url: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            client.get(url, params={"per_page": 1}).raise_for_status()
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def run(*, rounds: int = 3, sizes: tuple[int, ...] = SIZES) -> Result:
    """Cost per create and per listed model at each size, in process and served; least of ``rounds``."""
    result = Result(
        f"sandbox scaling: Scriptix emulator, {CREATES} creates and {PAGES} list pages of {PAGE_SIZE} at each size",
        ["set-up", "operation", *[f"{n:,} models" for n in sizes], "growth"],
    )
    for label, kind in (("in process", InProcess), ("served", Served)):
        setups = [kind(size) for size in sizes]
        try:
            # Rounds alternate between the sizes, so that a busy neighbour slows each about equally.
            figures: list[list[dict[str, float]]] = [[] for _ in sizes]
            for _ in range(rounds):
                for index, setup in enumerate(setups):
                    figures[index].append(setup.measure())
        finally:
            for setup in setups:
                setup.close()
        for operation, bound in TARGETS.items():
            costs = [min(run[operation] for run in runs) for runs in figures]
            growth = costs[-1] / costs[0]
            result.rows.append([label, operation, *[f"{cost * 1e6:,.0f} us" for cost in costs], f"{growth:.2f}x"])
            result.check(
                f"{label}: {operation} at {sizes[-1]:,} models at most {bound}x its cost at {sizes[0]:,}",
                growth <= bound,
                f"{growth:.2f}x",
            )
    result.notes.append(
        f"least of {rounds} rounds, the sizes alternating; in process: CPU time of a registry "
        "(modelreg.connect) over the emulator's in-memory store; served: wall time of a plain httpx client "
        "against `modelreg sandbox serve` (uvicorn, the CLI's SQLite store) on 127.0.0.1; list pages read "
        "spread evenly over the whole listing"
    )
    return result
