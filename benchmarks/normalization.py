"""Normalization: records per second from a list page's bytes to ``Page[Model]``, against ``json.loads``.

The payload of each installed provider is a page of 100 records in its vendor's shape, made by
its own sandbox (so the records carry every field the emulator fills in), and parsed by the
provider's own ``list_page`` flow exactly as the engine drives it, with the decoder modelreg
uses (orjson when the ``fast`` extra is installed, named in the notes).
"""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

import httpx

import modelreg
from benchmarks._report import Result, cpu_timed, paired_rates
from modelreg.provider import JSON_BACKEND, Provider

RECORDS = 100
TARGET = 0.5


class _Recorder(httpx.BaseTransport):
    """Serves from a sandbox and keeps the last answer's bytes."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.content = b""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        self.content = response.read()
        return response


def sample_page(name: str) -> tuple[Provider, bytes]:
    """A provider and one list page body of ``RECORDS`` records from its sandbox."""
    info = modelreg.provider_info(name)
    sandbox = info.sandbox()
    sandbox.seed()
    recorder = _Recorder(sandbox.transport())
    with modelreg.connect(name, sandbox=sandbox, transport=recorder) as reg:
        reg.list_page(1, page_size=RECORDS)
        provider = info.provider_class(reg.config)
    body = json.loads(recorder.content)
    key, records = _records(body)
    grown = [_renumbered(records[n % len(records)], n) for n in range(RECORDS)]
    if isinstance(body, dict):
        body[key] = grown
        for field, value in body.items():
            if field in ("count", "total", "total_results", "totalCount") and isinstance(value, int):
                body[field] = RECORDS
    else:
        body = grown
    return provider, json.dumps(body).encode()


def _records(body: Any) -> tuple[str, list[dict[str, Any]]]:
    if isinstance(body, list):
        return "", body
    lists = [(key, value) for key, value in body.items() if isinstance(value, list)]
    key, records = max(lists, key=lambda item: len(item[1]))
    return key, records


def _renumbered(record: dict[str, Any], n: int) -> dict[str, Any]:
    copy = json.loads(json.dumps(record))
    for key in ("id", "_id", "ItemId", "itemId", "model_id"):
        if key in copy:
            copy[key] = 1000 + n if isinstance(copy[key], int) else f"{copy[key]}-{n}"
    return copy


def parse_page(provider: Provider, request: httpx.Request, content: bytes) -> int:
    """Drive the provider's ``list_page`` flow over ``content``; the number of models it returned."""
    flow = provider.list_page(1, RECORDS, {})
    next(flow)
    return _answer(flow, request, content)


def _answer(flow: Any, request: httpx.Request, content: bytes) -> int:
    response = httpx.Response(200, content=content, headers={"content-type": "application/json"}, request=request)
    try:
        flow.send(response)
    except StopIteration as stop:
        return len(stop.value.items)
    raise RuntimeError("list_page asked for a second request")


def parse_only(provider: Provider, request: httpx.Request, content: bytes, pages: int = 20) -> tuple[int, float]:
    """Answer ``pages`` flows already waiting for their response: CPU time of response to ``Page`` only."""
    flows = []
    for _ in range(pages):
        flow = provider.list_page(1, RECORDS, {})
        next(flow)
        flows.append(flow)
    started = time.process_time()
    done = sum(_answer(flow, request, content) for flow in flows)
    return done, time.process_time() - started


def through_registry(name: str, content: bytes, pages: int = 20) -> tuple[int, float]:
    """CPU time of ``pages`` list pages as a registry runs them, over httpx's in-memory transport."""
    headers = {"content-type": "application/json"}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=content, headers=headers))
    with modelreg.connect(name, sandbox=True, transport=transport) as reg:
        started = time.process_time()
        done = sum(len(reg.list_page(1, page_size=RECORDS).items) for _ in range(pages))
        return done, time.process_time() - started


def run(*, repeat: int = 31) -> Result:
    """Records per second for each installed provider, and for ``json.loads`` of the same bytes."""
    result = Result(
        f"normalization: a list page of {RECORDS} records, from the answer's bytes to Page[Model]",
        ["provider", "bytes/record", "json.loads", "modelreg: answer to Page", "ratio", "through a registry"],
    )
    for name in modelreg.providers():
        provider, content = sample_page(name)
        request = httpx.Request("GET", "http://bench.invalid/")
        assert parse_page(provider, request, content) == RECORDS
        rounds = paired_rates(
            {
                "json.loads": lambda: cpu_timed(lambda: len(_records(json.loads(content))[1]), 5),  # noqa: B023
                "parse": lambda: parse_only(provider, request, content, 5),  # noqa: B023
                "engine": lambda: through_registry(name, content, 5),  # noqa: B023
            },
            repeat,
        )
        loads, parsed, whole = (statistics.median(r[key] for r in rounds) for key in ("json.loads", "parse", "engine"))
        ratio = statistics.median(r["parse"] / r["json.loads"] for r in rounds)
        engine_ratio = statistics.median(r["engine"] / r["json.loads"] for r in rounds)
        result.rows.append(
            [
                name,
                f"{len(content) / RECORDS:.0f}",
                f"{loads:,.0f}/s ({1e6 / loads:.1f} us)",
                f"{parsed:,.0f}/s ({1e6 / parsed:.1f} us)",
                f"{ratio:.2f}",
                f"{whole:,.0f}/s ({engine_ratio:.2f})",
            ]
        )
        result.check(f"{name}: at least {TARGET:g}x json.loads", ratio >= TARGET, f"{ratio:.2f}")
    result.notes.append(
        f"records per CPU second, medians of {repeat} rounds in which the three run back to back; each ratio is "
        f"the median of the rounds' own ratios; modelreg's figure includes its own decoding of "
        f"the same bytes ({JSON_BACKEND}); the last column runs each page as a registry does, over httpx's "
        "in-memory MockTransport (building and signing the request, pacing, retry decision, httpx's client "
        "and checks on the answer, then parsing)"
    )
    return result
