"""Controllable listings for the pagination tests: a page source and a Toy-shaped HTTP server."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from modelreg import Model, Page


class Gauge:
    """Counts requests, and how many were in progress at once."""

    def __init__(self) -> None:
        self.requests: list[int] = []
        self.finished: list[int] = []
        self.in_flight = 0
        self.peak = 0
        self._lock = threading.Lock()

    def enter(self, number: int) -> None:
        with self._lock:
            self.requests.append(number)
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)

    def leave(self, number: int = 0) -> None:
        with self._lock:
            self.in_flight -= 1
            self.finished.append(number)


class Listing:
    """A vendor's list endpoint as a page source: ``fetch(n)`` / ``afetch(n)`` return ``Page[Model]``.

    ``before(number, listing)`` runs as each request arrives, to shift the listing mid-walk;
    ``report_total=False`` hides the total (has_more then says whether a page came back full);
    ``ignore_page=True`` serves page 1 whatever is asked.
    """

    def __init__(
        self,
        count: int,
        page_size: int,
        *,
        latency: float = 0.0,
        report_total: bool = True,
        ignore_page: bool = False,
        before: Callable[[int, Listing], None] | None = None,
        fail_on: int | None = None,
        slow_from: int | None = None,
        slow_pages: frozenset[int] = frozenset(),
    ) -> None:
        self.ids = [str(n) for n in range(1, count + 1)]
        self.page_size = page_size
        self.latency = latency
        self.report_total = report_total
        self.ignore_page = ignore_page
        self.before = before
        self.fail_on = fail_on
        self.slow_from = slow_from
        self.slow_pages = slow_pages
        """Pages from ``slow_from`` on, and ``slow_pages``, take ten times the latency."""
        self.gauge = Gauge()
        self.cancelled: list[int] = []
        """Pages whose fetch was cancelled while in flight."""
        self._lock = threading.Lock()

    def page(self, number: int) -> Page[Model]:
        with self._lock:
            if self.before is not None:
                self.before(number, self)
            start = 0 if self.ignore_page else (number - 1) * self.page_size
            chunk = self.ids[start : start + self.page_size]
            total = len(self.ids)
        if number == self.fail_on:
            raise RuntimeError(f"page {number} failed")
        items = tuple(Model(provider="fake", id=i, name=f"model {i}") for i in chunk)
        if self.report_total:
            return Page(
                items=items, page=number, page_size=self.page_size, total=total, has_more=start + len(chunk) < total
            )
        return Page(items=items, page=number, page_size=self.page_size, has_more=len(chunk) == self.page_size)

    def delay(self, number: int) -> float:
        slow = number in self.slow_pages or (self.slow_from is not None and number >= self.slow_from)
        return self.latency * (10 if slow else 1)

    def fetch(self, number: int) -> Page[Model]:
        self.gauge.enter(number)
        try:
            if self.latency:
                time.sleep(self.delay(number))
            return self.page(number)
        finally:
            self.gauge.leave(number)

    async def afetch(self, number: int) -> Page[Model]:
        self.gauge.enter(number)
        try:
            if self.latency:
                await asyncio.sleep(self.delay(number))
            return self.page(number)
        except asyncio.CancelledError:
            self.cancelled.append(number)
            raise
        finally:
            self.gauge.leave(number)


class ToyServer(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The Toy vendor's list, get and delete endpoints over an httpx transport, with a gauge and hooks."""

    def __init__(self, count: int = 0, *, latency: float = 0.0) -> None:
        self.docs: dict[str, dict[str, Any]] = {
            str(n): {"id": n, "name": f"model {n}", "state": "live"} for n in range(1, count + 1)
        }
        self.latency = latency
        self.gauge = Gauge()
        self.methods: list[str] = []
        self.answers: dict[str, httpx.Response] = {}
        """Fixed answers by model id (e.g. a 409 for one that is in use)."""
        self.before_list: Callable[[int, ToyServer], None] | None = None
        self._lock = threading.Lock()

    def serve(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.methods.append(request.method)
            path = request.url.path
            if request.method == "GET" and path == "/v1/models":
                page = int(request.url.params["page"])
                size = int(request.url.params["size"])
                if self.before_list is not None:
                    self.before_list(page, self)
                docs = list(self.docs.values())
                body = {"items": docs[(page - 1) * size : page * size], "total": len(docs)}
                return httpx.Response(200, json=body)
            model_id = path.rsplit("/", 1)[-1]
            if model_id in self.answers:
                return self.answers[model_id]
            if request.method == "DELETE":
                if self.docs.pop(model_id, None) is None:
                    return httpx.Response(404, json={"message": "no such model"})
                return httpx.Response(204)
            if request.method == "GET" and model_id in self.docs:
                return httpx.Response(200, content=json.dumps(self.docs[model_id]).encode())
            return httpx.Response(404, json={"message": "no such model"})

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.gauge.enter(0)
        try:
            if self.latency:
                time.sleep(self.latency)
            return self.serve(request)
        finally:
            self.gauge.leave()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.gauge.enter(0)
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            return self.serve(request)
        finally:
            self.gauge.leave()
