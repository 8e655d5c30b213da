"""No credential reaches a log record, an error, or the ``repr``/``str`` of anything modelreg returns.

Every operation of both providers runs with DEBUG logging on: against the sandboxes (successes
and refusals) and against a transport whose error answers echo every credential back in the
body, in headers and in a redirect's Location.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from modelreg import ModelRegError
from tests.fuzz.operations import PROFILES, THIRD_PARTY_KEY, Profile, check_extra_operations_are_covered
from tests.sandboxes import sandbox_of

STATUSES = [200, 201, 301, 400, 401, 402, 403, 404, 409, 422, 429, 500, 503]


def _texts(value: Any, depth: int = 0) -> Iterator[str]:
    """``str`` and ``repr`` of a value and of everything it holds (records, tuples, error fields, causes)."""
    if depth > 4 or value is None:
        return
    yield str(value)
    yield repr(value)
    if isinstance(value, BaseException):
        yield from (str(arg) for arg in value.args)
        for name in ("message", "details", "issues", "excerpt", "error_code"):
            yield from _texts(getattr(value, name, None), depth + 1)
        yield from _texts(value.__cause__, depth + 1)
        yield from _texts(value.__context__, depth + 1)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _texts(item, depth + 1)
    elif hasattr(value, "items") and not isinstance(value, dict):  # a Page
        yield from _texts(value.items, depth + 1)


def _leaks(secrets: tuple[str, ...], texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        for secret in secrets:
            at = text.find(secret)
            if at >= 0:
                found.append(f"{secret[:10]}… in {text[:60]!r} … {text[max(0, at - 80) : at]!r}")
    return found


def _log_texts(caplog: pytest.LogCaptureFixture) -> list[str]:
    formatter = logging.Formatter("%(name)s %(message)s")
    return [formatter.format(record) for record in caplog.records]


def _outcome(profile: Profile, registry: Any, name: str) -> Any:
    try:
        return profile.calls[name](registry)
    except ModelRegError as exc:
        return exc


def _echo(status: int, secrets: tuple[str, ...]) -> httpx.MockTransport:
    joined = " ".join(secrets)
    body = {
        "message": f"rejected credentials {joined}",
        "error": {"message": f"bad key {secrets[0]}", "code": secrets[-1]},
        "error_code": "INVALID_KEY",
        "details": {"api_key": secrets[0], "echo": list(secrets)},
        "detail": [
            {"loc": ["query", "project_key", s], "msg": f"invalid key {s}", "type": "value_error"} for s in secrets
        ],
        "is_success": False,
        "item_id": secrets[0],
    }
    headers = {
        "content-type": "application/json",
        "www-authenticate": f'Bearer error="invalid_token" token="{secrets[0]}"',
        "location": f"https://evil.example/?api_key={secrets[0]}&next={joined}",
        "retry-after": "1",
    }

    def handler(request: httpx.Request) -> httpx.Response:
        # Echo what the request carried too: its headers and its body.
        echoed = {**body, "request_headers": dict(request.headers), "request_body": request.content.decode()}
        return httpx.Response(status, headers=headers, content=json.dumps(echoed).encode())

    return httpx.MockTransport(handler)


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
def test_answers_echoing_credentials_leak_none_of_them(
    profile: Profile, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    with profile.connect(_echo(status, tuple(profile.settings.values()))) as registry:
        texts.extend(_texts(registry))
        for name in profile.calls:
            outcome = _outcome(profile, registry, name)
            # A record parsed from a 2xx answer holds what the server chose to say; errors never may.
            if isinstance(outcome, Exception) or status >= 300:
                texts.extend(f"{name}: {t}" for t in _texts(outcome))
    assert _leaks(profile.secrets, texts + _log_texts(caplog)) == []


def test_a_non_json_error_page_echoing_the_key_is_masked(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    profile = PROFILES["scriptix"]
    page = f"<html>500: key {profile.settings['api_key']} failed</html>".encode()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=page))
    with profile.connect(transport) as registry:
        outcome = _outcome(profile, registry, "get")
    assert isinstance(outcome, ModelRegError)
    assert _leaks(profile.secrets, [*_texts(outcome), *_log_texts(caplog)]) == []


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
def test_sandbox_successes_and_refusals_leak_no_credential(profile: Profile, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    with profile.connect(None) as registry:
        created = _outcome(profile, registry, "create")
        assert not isinstance(created, Exception), created
        texts.extend(_texts(registry))
        texts.extend(_texts(registry._provider.config))
        texts.extend(_texts(created))
        texts.extend(_texts(_outcome(profile, registry, "list")))
        texts.extend(_texts(registry.get(created.id)))
        for name in profile.calls:
            texts.extend(f"{name}: {t}" for t in _texts(_outcome(profile, registry, name)))
    with profile.connect(None) as registry:
        sandbox_of(registry).reset()  # forgets issued tokens and models alike: every call is refused or missing
        for name in profile.calls:
            texts.extend(f"{name}: {t}" for t in _texts(_outcome(profile, registry, name)))
    assert _leaks(profile.secrets, texts + _log_texts(caplog)) == []


def test_the_third_party_key_never_shows_even_in_a_refused_create(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    profile = PROFILES["selise"]
    with profile.connect(None) as registry:
        outcome = _outcome(profile, registry, "create")
        bad = _outcome(profile, registry, "create")  # same display name: the sandbox may refuse or accept
        invalid: Any
        try:
            invalid = registry.create(**{"vendor": "nope", "api_key": THIRD_PARTY_KEY})
        except ModelRegError as exc:
            invalid = exc
    assert isinstance(invalid, ModelRegError)
    texts = [*_texts(outcome), *_texts(bad), *_texts(invalid), *_log_texts(caplog)]
    assert _leaks((THIRD_PARTY_KEY,), texts) == []


@pytest.mark.parametrize("status", [200, 401, 422, 500])
@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
async def test_the_async_registry_leaks_none_either(
    profile: Profile, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    async with profile.connect_async(_echo(status, tuple(profile.settings.values()))) as registry:
        for name in ("list_page", "get", "create", "delete", "validate"):
            try:
                result = await profile.acall(name)(registry)
            except ModelRegError as exc:
                texts.extend(_texts(exc))
            else:
                texts.extend(_texts(result) if status >= 300 else [])
    assert _leaks(profile.secrets, texts + _log_texts(caplog)) == []


def test_every_extra_operation_is_exercised() -> None:
    check_extra_operations_are_covered()
