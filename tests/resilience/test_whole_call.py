"""A deadline bounds the whole exchange, answers have a size cap, http:// needs an opt-in, closing is clean."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import modelreg
from modelreg import ConfigurationError, ProtocolError, TransportError
from modelreg.provider import Limit


class DripServer:
    """A real HTTP server on loopback that sends its answer one byte every ``interval`` seconds."""

    def __init__(self, *, interval: float = 0.2, drip_headers: bool = False) -> None:
        self.interval = interval
        self.drip_headers = drip_headers
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.listener.settimeout(0.1)
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:  # closed by close()
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        body = b'{"id": 1, "name": "' + b"a" * 200 + b'"}'
        head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(body)
        try:
            conn.recv(65536)
            if not self.drip_headers:
                conn.sendall(head)
            for byte in (head if self.drip_headers else b"") + body:
                if self.stop.is_set():
                    break
                conn.sendall(bytes([byte]))
                time.sleep(self.interval)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        self.listener.close()


@pytest.fixture
def drip() -> Iterator[DripServer]:
    server = DripServer()
    yield server
    server.close()


@pytest.fixture
def drip_headers() -> Iterator[DripServer]:
    server = DripServer(drip_headers=True)
    yield server
    server.close()


def _url(server: DripServer) -> str:
    return f"http://127.0.0.1:{server.port}"


@pytest.mark.parametrize("which", ["drip", "drip_headers"])
def test_a_dripping_server_cannot_hold_a_sync_call_past_its_deadline(
    toy: Path, which: str, request: pytest.FixtureRequest
) -> None:
    server: DripServer = request.getfixturevalue(which)
    with modelreg.connect("toy", token="t0ken-value", base_url=_url(server), deadline=1.0, max_retries=0) as reg:
        started = time.monotonic()
        with pytest.raises(TransportError, match="deadline"):
            reg.get(1)
        assert time.monotonic() - started < 1.6


@pytest.mark.parametrize("which", ["drip", "drip_headers"])
async def test_a_dripping_server_cannot_hold_an_async_call_past_its_deadline(
    toy: Path, which: str, request: pytest.FixtureRequest
) -> None:
    server: DripServer = request.getfixturevalue(which)
    async with modelreg.connect_async(
        "toy", token="t0ken-value", base_url=_url(server), deadline=1.0, max_retries=0
    ) as reg:
        started = time.monotonic()
        with pytest.raises(TransportError, match="deadline"):
            await reg.get(1)
        assert time.monotonic() - started < 1.6


def test_a_create_cut_by_the_deadline_is_an_outcome_unknown(toy: Path, drip: DripServer) -> None:
    reg = modelreg.connect("toy", token="t0ken-value", base_url=_url(drip), deadline=1.0, max_retries=0)
    with reg, pytest.raises(modelreg.OutcomeUnknown):
        reg.create(name="Alpha")


def _big(size: int) -> httpx.MockTransport:
    body = b'{"id": 1, "name": "' + b"a" * size + b'"}'
    return httpx.MockTransport(lambda request: httpx.Response(200, content=body))


def test_an_answer_past_max_response_bytes_is_a_protocol_error_naming_the_limit(toy: Path) -> None:
    reg = modelreg.connect("toy", token="t0ken-value", transport=_big(2_000_000), max_response_bytes=1_000_000)
    with reg, pytest.raises(ProtocolError, match="max_response_bytes=1,000,000"):
        reg.get(1)
    with modelreg.connect("toy", token="t0ken-value", transport=_big(900_000), max_response_bytes=1_000_000) as reg:
        assert len(reg.get(1).name) == 900_000


async def test_the_async_registry_caps_answers_too(toy: Path) -> None:
    async with modelreg.connect_async(
        "toy", token="t0ken-value", transport=_big(2_000_000), max_response_bytes=1_000_000
    ) as reg:
        with pytest.raises(ProtocolError, match="max_response_bytes"):
            await reg.get(1)


def test_max_response_bytes_must_be_a_positive_integer(toy: Path) -> None:
    wrongs: list[Any] = [0, -1, 1.5, True]
    for wrong in wrongs:
        with pytest.raises(ConfigurationError, match="max_response_bytes"):
            modelreg.connect("toy", sandbox=True, max_response_bytes=wrong)


@pytest.mark.parametrize("url", ["http://api.toy.example", "http://10.0.0.7:8080", "http://[2001:db8::1]"])
def test_plain_http_to_another_host_is_refused_before_anything_is_sent(
    toy: Path, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MODELREG_ALLOW_INSECURE", raising=False)
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    transport = httpx.MockTransport(record)
    with pytest.raises(ConfigurationError, match="allow_insecure=True") as caught:
        modelreg.connect("toy", token="secret-token-value", base_url=url, transport=transport)
    assert "secret-token-value" not in str(caught.value)
    monkeypatch.setenv("TOY_BASE_URL", url)
    with pytest.raises(ConfigurationError, match="in clear"):
        modelreg.connect_async("toy", token="secret-token-value")
    assert sent == []


@pytest.mark.parametrize("url", ["http://127.0.0.1:8765", "http://[::1]:8765", "http://localhost:8765"])
def test_plain_http_to_this_machine_keeps_working(toy: Path, url: str) -> None:
    modelreg.connect("toy", token="t0ken-value", base_url=url).close()


def test_plain_http_elsewhere_needs_an_explicit_opt_in(toy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    modelreg.connect("toy", token="t0ken-value", base_url="http://api.toy.example", allow_insecure=True).close()
    monkeypatch.setenv("MODELREG_ALLOW_INSECURE", "1")
    modelreg.connect("toy", token="t0ken-value", base_url="http://api.toy.example").close()


class Gate(httpx.BaseTransport):
    """Holds every request until released, then answers."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.entered.set()
        self.release.wait(10)
        return httpx.Response(200, json={"id": 1, "name": "a"})


def test_closing_a_registry_under_load_ends_the_waiting_calls_with_a_modelreg_error(toy: Path) -> None:
    transport = Gate()
    reg = modelreg.connect("toy", token="t0ken-value", transport=transport, limits={"get": Limit(concurrency=1)})
    outcomes: list[Any] = []

    def call() -> None:
        try:
            outcomes.append(reg.get(1))
        except BaseException as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    assert transport.entered.wait(5)
    reg.close()
    transport.release.set()
    for thread in threads:
        thread.join(10)
    assert not any(thread.is_alive() for thread in threads), "a call hung after close()"
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(outcomes) == 4 and len(errors) >= 3
    assert all(isinstance(e, TransportError) and "registry was closed" in str(e) for e in errors), errors


async def test_closing_an_async_registry_under_load_ends_the_waiting_calls_with_a_modelreg_error(toy: Path) -> None:
    release = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return httpx.Response(200, json={"id": 1, "name": "a"})

    transport = httpx.MockTransport(handler)
    reg = modelreg.connect_async("toy", token="t0ken-value", transport=transport, limits={"get": Limit(concurrency=1)})
    calls = [asyncio.ensure_future(reg.get(1)) for _ in range(4)]
    await asyncio.sleep(0.05)
    await reg.aclose()
    release.set()
    outcomes = await asyncio.wait_for(asyncio.gather(*calls, return_exceptions=True), 10)
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(errors) >= 3
    assert all(isinstance(e, TransportError) and "registry was closed" in str(e) for e in errors), errors
