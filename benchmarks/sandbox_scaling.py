"""Sandbox scaling: what one create and one listed model cost with 2,000 and with 50,000 Scriptix models.

Two set-ups, as users meet them:

- **in process**: ``modelreg.connect("scriptix", sandbox=...)`` over the emulator's in-memory store;
- **served**: ``modelreg sandbox serve`` in a subprocess (uvicorn, the CLI's SQLite store), and a
  plain ``httpx.Client`` talking to it over 127.0.0.1.

The store is filled to the size through the emulator itself (``insert``), then ``CREATES`` models
are created one after the other and ``PAGES`` list pages of 100 are read, spread evenly over the
whole listing (the first, the last and the ones between), each page once. The figures are the
wall time per create and per listed model, the least of ``rounds`` rounds; the targets compare
50,000 with 2,000 models in the same run.
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
from modelreg._plugins import provider_class
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


def in_process(count: int) -> dict[str, float]:
    """Seconds per create and per listed model through a registry over an in-memory sandbox of ``count`` models."""
    sandbox = provider_class("scriptix").sandbox(store=MemoryStore())
    fill(sandbox, count)
    with modelreg.connect("scriptix", sandbox=sandbox) as reg:
        started = time.perf_counter()
        for n in range(CREATES):
            reg.create(name=f"New {n}", language="en")
        per_create = (time.perf_counter() - started) / CREATES
        listed = 0
        started = time.perf_counter()
        for number in pages_to_read(count + CREATES):
            listed += len(reg.list_page(number, page_size=PAGE_SIZE).items)
        per_listed = (time.perf_counter() - started) / listed
    return {"create": per_create, "listed model": per_listed}


def served(count: int) -> dict[str, float]:
    """The same through ``modelreg sandbox serve`` (SQLite store) and a plain httpx client."""
    with tempfile.TemporaryDirectory() as state:
        path = Path(state) / "sandbox" / "scriptix.sqlite3"
        store = SqliteStore(path)
        sandbox = provider_class("scriptix").sandbox(store=store)
        fill(sandbox, count)
        store.put("modelreg-cli", "state", {"seeded": False, "at": time.time()})
        store.close()
        port = _free_port()
        env = {**os.environ, "MODELREG_STATE_DIR": state, "MODELREG_PLUGINS": "scriptix"}
        command = [sys.executable, "-m", "modelreg", "sandbox", "serve", "--port", str(port)]
        server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}/scriptix/api/v3/custom_models"
            with httpx.Client(headers={"authorization": "Bearer bench"}, timeout=120) as client:
                _wait(client, base)
                started = time.perf_counter()
                for n in range(CREATES):
                    client.post(base, json={"name": f"New {n}", "language": "en"}).raise_for_status()
                per_create = (time.perf_counter() - started) / CREATES
                listed = 0
                started = time.perf_counter()
                for number in pages_to_read(count + CREATES):
                    answer = client.get(base, params={"page": number, "per_page": PAGE_SIZE})
                    listed += len(answer.raise_for_status().json()["result"])
                per_listed = (time.perf_counter() - started) / listed
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {"create": per_create, "listed model": per_listed}


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
    for label, measure in (("in process", in_process), ("served", served)):
        figures = {size: [measure(size) for _ in range(rounds)] for size in sizes}
        for operation, bound in TARGETS.items():
            costs = [min(run[operation] for run in figures[size]) for size in sizes]
            growth = costs[-1] / costs[0]
            result.rows.append([label, operation, *[f"{cost * 1e6:,.0f} us" for cost in costs], f"{growth:.2f}x"])
            result.check(
                f"{label}: {operation} at {sizes[-1]:,} models at most {bound}x its cost at {sizes[0]:,}",
                growth <= bound,
                f"{growth:.2f}x",
            )
    result.notes.append(
        f"wall time per operation, least of {rounds} rounds; in process: a "
        "registry (modelreg.connect) over the emulator's in-memory store; served: `modelreg sandbox serve` "
        "(uvicorn, SQLite store) and a plain httpx client; pages read spread evenly over the whole listing"
    )
    return result
