"""Raw responses: ``reg.with_raw_response.get(id)`` answers with the HTTP facts and the usual record.

A call made this way runs exactly like the plain one (same flow, engine, retries, errors); its flow
is wrapped by a ``Recorder`` that keeps the last answer the flow received, so that the caller
sees its status, headers (credentials masked), request id and attempts, and ``.parse()`` gives
the record. A listing or a bulk call is many calls: use ``list_page`` or ``delete`` instead.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Generic, NoReturn, TypeVar

import attrs
import httpx

from modelreg._engine import ANSWER, ATTEMPTS, Engine
from modelreg._observe import request_id_of
from modelreg._records import Deletion, Model, Page
from modelreg._redact import MASK
from modelreg._registry_base import BaseRegistry
from modelreg._relay import relay
from modelreg.errors import ModelRegError, UnsupportedOperation
from modelreg.provider import Flow

T = TypeVar("T")

_SENSITIVE = re.compile(r"(?i)auth|key|token|secret|password|cookie|session|signature")
"""Response headers named like this are masked whole (``set-cookie``, ``x-api-key``...)."""
_MANY = {
    "list": "list() makes one call per page: use with_raw_response.list_page(...)",
    "delete_many": "delete_many() makes one call per id: use with_raw_response.delete(...)",
    "wait": "wait() polls many times: use with_raw_response.get(...)",
}


@attrs.frozen
class RawResponse(Generic[T]):
    """The answer behind a call: status, headers (credentials masked), request id, attempts, time; ``parse()``."""

    status_code: int
    headers: Mapping[str, str]
    """The answer's headers, names in lower case; credential-like ones and secret values masked."""
    request_id: str | None
    """The vendor's id for the request (``x-request-id`` or the provider's own header), when sent."""
    attempts: int
    """How many times the request was sent (1 without retries)."""
    elapsed: float
    """Seconds the whole call took, retries and waits included."""
    _parsed: T = attrs.field(repr=False, alias="parsed")

    def parse(self) -> T:
        """The record the plain call returns (``Model``, ``Page``, ``Deletion``...)."""
        return self._parsed


class Recorder:
    """Wraps a flow and keeps the last answer it received (or the answer behind the error it got)."""

    def __init__(self) -> None:
        self.response: httpx.Response | None = None
        self.attempts = 1

    def wrap(self, flow: Flow[T]) -> Flow[T]:
        """``flow``, recorded."""
        return relay(flow, self._handle, ModelRegError)

    def _handle(self, step: Any) -> Flow[Any]:
        try:
            answer = yield step
        except ModelRegError as exc:
            seen = exc.__dict__.get(ANSWER)
            if seen is not None:
                self.response, self.attempts = seen
            raise
        if isinstance(answer, httpx.Response):
            self.response, self.attempts = answer, answer.extensions.get(ATTEMPTS, 1)
        return answer

    def result(self, parsed: T, engine: Engine, elapsed: float) -> RawResponse[T]:
        """The ``RawResponse`` of a call that returned ``parsed``."""
        response = self.response
        if response is None:
            raise UnsupportedOperation(
                f"{engine.provider.name}: this call received no answer to show", provider=engine.provider.name
            )
        headers: dict[str, str] = {}
        for name, value in response.headers.multi_items():
            shown = MASK if _SENSITIVE.search(name) else engine.redactor.text(value)
            headers[name] = f"{headers[name]}, {shown}" if name in headers else shown
        return RawResponse(
            response.status_code,
            headers,
            request_id_of(response.headers, engine.request_id_headers),
            self.attempts,
            elapsed,
            parsed=parsed,
        )


class _Many:
    """The calls that make many requests: they have no single raw response."""

    _registry: BaseRegistry[Any, Any]

    def _many(self, name: str) -> NoReturn:
        raise UnsupportedOperation(f"with_raw_response.{name}: {_MANY[name]}", provider=self._registry.provider)

    def list(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Not offered: a listing is one call per page (use ``list_page``)."""
        self._many("list")

    def delete_many(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Not offered: one call per id (use ``delete``)."""
        self._many("delete_many")

    def wait(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Not offered: a wait polls many times (use ``get``)."""
        self._many("wait")


class RawCalls(_Many):
    """``reg.with_raw_response``: the registry's operations, each answering with a ``RawResponse``."""

    def __init__(self, registry: BaseRegistry[Any, Any], run: Callable[[Flow[Any]], Any]) -> None:
        self._registry = registry
        self._run = run

    def run(self, flow: Flow[T]) -> RawResponse[T]:
        """Run a provider flow, answering with the raw response of its last request."""
        engine = self._registry._engine
        recorder = Recorder()
        started = engine.clock()
        parsed = self._run(recorder.wrap(flow))
        return recorder.result(parsed, engine, engine.clock() - started)

    def list_page(self, page: int = 1, page_size: int | None = None, **filters: Any) -> RawResponse[Page[Model]]:
        """``list_page``, raw."""
        return self.run(self._registry._list_page_flow(page, page_size, filters))

    def get(self, model_id: str | int) -> RawResponse[Model]:
        """``get``, raw."""
        return self.run(self._registry._get_flow(model_id))

    def create(self, **fields: Any) -> RawResponse[Model]:
        """``create``, raw (after a lost answer settled by a lookup: the lookup's answer)."""
        return self.run(self._registry._create_flow(fields))

    def update(self, model_id: str | int, **fields: Any) -> RawResponse[Model]:
        """``update``, raw."""
        return self.run(self._registry._update_flow(model_id, fields))

    def delete(self, model_id: str | int, *, missing_ok: bool = False) -> RawResponse[Deletion]:
        """``delete``, raw (with ``missing_ok``, a missing model's 404)."""
        return self.run(self._registry._delete_flow(model_id, missing_ok))

    def train(self, model_id: str | int, **options: Any) -> RawResponse[Model]:
        """``train``, raw."""
        return self.run(self._registry._train_flow(model_id, options))

    def validate(self, model_id: str | int) -> RawResponse[Any]:
        """``validate``, raw."""
        return self.run(self._registry._validate_flow(model_id))

    def __getattr__(self, name: str) -> Callable[..., RawResponse[Any]]:
        method = self._registry._operation(name)

        def operation(*args: Any, **kwargs: Any) -> RawResponse[Any]:
            return self.run(method(*args, **kwargs))

        operation.__name__ = name
        return operation


class AsyncRawCalls(_Many):
    """``areg.with_raw_response``: the async registry's operations, each answering with a ``RawResponse``."""

    def __init__(self, registry: BaseRegistry[Any, Any], run: Callable[[Flow[Any]], Awaitable[Any]]) -> None:
        self._registry = registry
        self._run = run

    async def run(self, flow: Flow[T]) -> RawResponse[T]:
        """Run a provider flow, answering with the raw response of its last request."""
        engine = self._registry._engine
        recorder = Recorder()
        started = engine.clock()
        parsed = await self._run(recorder.wrap(flow))
        return recorder.result(parsed, engine, engine.clock() - started)

    async def list_page(self, page: int = 1, page_size: int | None = None, **filters: Any) -> RawResponse[Page[Model]]:
        """``list_page``, raw."""
        return await self.run(self._registry._list_page_flow(page, page_size, filters))

    async def get(self, model_id: str | int) -> RawResponse[Model]:
        """``get``, raw."""
        return await self.run(self._registry._get_flow(model_id))

    async def create(self, **fields: Any) -> RawResponse[Model]:
        """``create``, raw."""
        return await self.run(self._registry._create_flow(fields))

    async def update(self, model_id: str | int, **fields: Any) -> RawResponse[Model]:
        """``update``, raw."""
        return await self.run(self._registry._update_flow(model_id, fields))

    async def delete(self, model_id: str | int, *, missing_ok: bool = False) -> RawResponse[Deletion]:
        """``delete``, raw."""
        return await self.run(self._registry._delete_flow(model_id, missing_ok))

    async def train(self, model_id: str | int, **options: Any) -> RawResponse[Model]:
        """``train``, raw."""
        return await self.run(self._registry._train_flow(model_id, options))

    async def validate(self, model_id: str | int) -> RawResponse[Any]:
        """``validate``, raw."""
        return await self.run(self._registry._validate_flow(model_id))

    def __getattr__(self, name: str) -> Callable[..., Awaitable[RawResponse[Any]]]:
        method = self._registry._operation(name)

        async def operation(*args: Any, **kwargs: Any) -> RawResponse[Any]:
            return await self.run(method(*args, **kwargs))

        operation.__name__ = name
        return operation
