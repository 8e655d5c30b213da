"""An error answer nested hundreds or thousands of levels deep still gives a typed, printable error.

``json.loads`` accepts bodies nearly as deep as the recursion limit; every walk over them after
that (redaction, scrubbing, looking for a message) must not recurse into ``RecursionError``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import modelreg
from modelreg import ModelRegError
from modelreg.errors import Conflict, NotFound, OutcomeUnknown, ServerError, ValidationFailed
from tests.resilience.specs import SPECS

DEPTHS = [300, 600, 900, 5_000]
"""From "parses anywhere" to "too deep for json.loads": each must end in a typed error."""
EXPECTED = {400: ValidationFailed, 404: NotFound, 409: Conflict, 422: ValidationFailed, 500: ServerError}
SECRET = "sk-deep-secret-0123456789"


def _nest(depth: int, leaf: str, key: str = "a") -> str:
    return f'{{"{key}":' * depth + leaf + "}" * depth


SHAPES: dict[str, Callable[[int], str]] = {
    "object": lambda d: _nest(d, json.dumps(SECRET)),
    "message": lambda d: '{"message": "bad", "detail": ' + _nest(d, '"x"') + "}",
    "issues": lambda d: '{"detail": [{"loc": ["body", ' + _nest(d, "1") + '], "msg": ' + _nest(d, '"m"') + "}]}",
    "details": lambda d: '{"error": "bad", "details": {"name": ' + "[" * d + "]" * d + "}}",
    "detail-in-detail": lambda d: _nest(d, '"not here"', key="detail"),
    "secret-inside": lambda d: '{"detail": {"api_key": "' + SECRET + '", "x": ' + _nest(d, json.dumps(SECRET)) + "}}",
}


def _answer(status: int, body: str) -> httpx.MockTransport:
    return httpx.MockTransport(lambda _request: httpx.Response(status, content=body.encode()))


def _check(error: BaseException, status: int, method: str) -> None:
    # A create that met a 5xx may have been made: the engine says the outcome is unknown.
    expected = OutcomeUnknown if method == "create" and status >= 500 else EXPECTED[status]
    assert isinstance(error, expected), repr(error)
    # The error prints, its details serialize, and no credential is in either.
    shown = f"{error} {error!r} {getattr(error, 'details', '')!r} {getattr(error, 'issues', '')!r}"
    json.dumps(getattr(error, "details", None), default=str)
    assert SECRET not in shown


def _calls(provider: str) -> list[tuple[str, tuple[Any, ...], dict[str, Any]]]:
    return [("get", ("1",), {}), ("create", (), SPECS[provider].create("deep")), ("list_page", (), {})]


@pytest.mark.parametrize("provider", ["scriptix", "selise"])
@pytest.mark.parametrize("status", sorted(EXPECTED))
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_deeply_nested_error_answer_gives_a_typed_error(provider: str, status: int, shape: str) -> None:
    for depth in DEPTHS:
        transport = _answer(status, SHAPES[shape](depth))
        with modelreg.connect(provider, transport=transport, max_retries=0, **SPECS[provider].credentials) as registry:
            for method, args, kwargs in _calls(provider):
                with pytest.raises(ModelRegError) as caught:
                    getattr(registry, method)(*args, **kwargs)
                _check(caught.value, status, method)


@pytest.mark.parametrize("provider", ["scriptix", "selise"])
@pytest.mark.parametrize("status", [422, 500])
async def test_a_deeply_nested_error_answer_gives_a_typed_error_in_the_async_registry(
    provider: str, status: int
) -> None:
    for body in SHAPES.values():
        for depth in DEPTHS:
            transport = _answer(status, body(depth))
            credentials = SPECS[provider].credentials
            async with modelreg.connect_async(provider, transport=transport, max_retries=0, **credentials) as registry:
                for method, args, kwargs in _calls(provider):
                    with pytest.raises(ModelRegError) as caught:
                        await getattr(registry, method)(*args, **kwargs)
                    _check(caught.value, status, method)


@pytest.mark.parametrize("provider", ["scriptix", "selise"])
def test_a_deep_answer_gives_a_typed_error_on_a_thread_with_less_stack_left(provider: str) -> None:
    """A call made from deep inside an application's own stack has fewer frames to spare."""
    errors: list[BaseException] = []

    def call(levels: int) -> None:
        if levels:
            call(levels - 1)
            return
        transport = _answer(422, SHAPES["secret-inside"](500))
        with modelreg.connect(provider, transport=transport, max_retries=0, **SPECS[provider].credentials) as reg:
            try:
                reg.get("1")
            except BaseException as exc:  # sorted into typed and untyped by _check below
                errors.append(exc)

    worker = threading.Thread(target=call, args=(300,))
    worker.start()
    worker.join()
    assert len(errors) == 1
    _check(errors[0], 422, "get")
