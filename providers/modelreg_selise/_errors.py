"""SELISE error answers as modelreg errors, with the caller's third-party secrets kept out.

FastAPI's 422 bodies may echo the request (``input``, ``ctx``): those fields are dropped, fields
named like a credential are masked, and the ``api_key`` and custom header values of the request
are masked wherever they reappear in a message.
"""

from __future__ import annotations

import json
import reprlib
from collections.abc import Mapping
from typing import Any

import httpx

from modelreg import Issue
from modelreg.errors import (
    APIError,
    AuthenticationFailed,
    Conflict,
    ModelInUse,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)

PROVIDER = "selise"
TITLE = "SELISE Blocks"
TOKEN_PATH = "/authentication/v1/OAuth/Token"  # noqa: S105 - a path, not a password
MASK = "***"
_ECHO_FIELDS = frozenset({"input", "ctx", "url"})
_SECRET_NAMES = frozenset({"api_key", "apikey", "client_secret", "access_token", "project_key", "password", "token"})
_NOT_FOUND = ("notfound", "not_found", "not found")
MAX_DEPTH = 32
"""Error details deeper than this are cut to ``CUT``: no real answer nests so far, a hostile one may."""
CUT = "…"
_MESSAGE_DEPTH = 8
"""How deep a message is looked for under ``detail``/``message``/``error`` objects."""
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother = 3, 200, 200


def _json(content: bytes) -> Any:
    try:
        return json.loads(content) if content else None
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def request_secrets(request: httpx.Request | None) -> tuple[str, ...]:
    """Values in a request body that must not come back in an error: api keys, custom headers."""
    if request is None:
        return ()
    body = _json(request.content) if request.content else None
    found: list[str] = []
    if isinstance(body, Mapping):
        key = body.get("api_key")
        if isinstance(key, str):
            found.append(key)
        headers = body.get("custom_headers")
        if isinstance(headers, Mapping):
            found.extend(v for v in headers.values() if isinstance(v, str))
    return tuple(s for s in found if len(s) >= 4)


def scrub_text(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every secret value masked."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def scrub(value: Any, secrets: tuple[str, ...], depth: int = 0) -> Any:
    """A copy of a JSON value without echoed input and with credentials masked, cut ``MAX_DEPTH`` levels down."""
    if isinstance(value, (Mapping, list)) and depth >= MAX_DEPTH:
        return CUT  # a bound on the recursion: a hostile body may nest thousands of levels deep
    if isinstance(value, Mapping):
        return {
            str(k): (MASK if str(k).lower() in _SECRET_NAMES and v else scrub(v, secrets, depth + 1))
            for k, v in value.items()
            if str(k) not in _ECHO_FIELDS
        }
    if isinstance(value, list):
        return [scrub(v, secrets, depth + 1) for v in value]
    if isinstance(value, str):
        return scrub_text(value, secrets)
    return value


def _text(value: Any) -> str:
    """``value`` as text for a message: a string as is, anything else as a short repr, however deep."""
    return value if isinstance(value, str) else _SHORT.repr(value)


def _request_of(response: httpx.Response) -> httpx.Request | None:
    try:
        return response.request
    except RuntimeError:  # a response built by hand, without its request
        return None


def _message(body: Any, depth: int = 0) -> str | None:
    if isinstance(body, str):
        return body or None
    if not isinstance(body, Mapping) or depth >= _MESSAGE_DEPTH:
        return None
    for key in ("detail", "message", "msg", "title", "error_description", "error"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, Mapping) and value:
            inner = _message(value, depth + 1)
            if inner:
                return inner
    return None


def _code(body: Any) -> str | None:
    if not isinstance(body, Mapping):
        return None
    error = body.get("error")
    for source in (error if isinstance(error, Mapping) else {}, body):
        for key in ("code", "error_code", "type"):
            value = source.get(key)
            if isinstance(value, (str, int)) and not isinstance(value, bool) and value != "":
                return str(value)
    # OAuth's {"error": "invalid_client"}: a code, not a sentence.
    return error if isinstance(error, str) and error and " " not in error else None


def _issues(detail: list[Any], secrets: tuple[str, ...]) -> list[Issue]:
    issues = []
    for entry in detail:
        if isinstance(entry, Mapping):
            loc = entry.get("loc")
            parts = tuple(scrub_text(_text(p), secrets) for p in loc) if isinstance(loc, list) else ()
            message = entry.get("msg") or entry.get("message") or "invalid"
            kind = entry.get("type")
            issues.append(Issue(parts, scrub_text(_text(message), secrets), _text(kind) if kind is not None else None))
        else:
            issues.append(Issue((), scrub_text(_text(entry), secrets), None))
    return issues


def _is_not_found(issues: list[Issue]) -> bool:
    return any(
        (issue.type or "").lower().endswith(("notfound", "not_found")) or "not found" in issue.message.lower()
        for issue in issues
    )


def error_for(response: httpx.Response) -> Exception | None:
    """The modelreg error for a SELISE error answer; None when the generic mapping fits (429, 5xx)."""
    status = response.status_code
    request = _request_of(response)
    secrets = request_secrets(request)
    body = _json(response.content)
    text = scrub_text(_message(body) or response.reason_phrase or f"HTTP {status}", secrets)
    details = scrub(body, secrets) if isinstance(body, Mapping) else {}
    code = _code(body)
    common: dict[str, Any] = {"provider": PROVIDER, "status_code": status, "details": details}
    if status in (400, 401) and request is not None and request.url.path.endswith(TOKEN_PATH):
        # OAuth answers 400 invalid_grant/invalid_request and 401 invalid_client: no token either way.
        return AuthenticationFailed(
            f"{TITLE} refused the client credentials at its token endpoint ({status}): {text}; "
            "check client_id, client_secret and blocks_key",
            error_code=code,
            **common,
        )
    if status in (400, 422):
        detail = body.get("detail") if isinstance(body, Mapping) else None
        issues = _issues(detail, secrets) if isinstance(detail, list) else [Issue((), text, code)]
        if _is_not_found(issues):
            found = "; ".join(str(issue) for issue in issues)
            return NotFound(
                f"{TITLE} found no such model ({status}): {found}; check the model id and project_key",
                error_code=next((i.type for i in issues if i.type), code),
                **common,
            )
        return ValidationFailed(issues, provider=PROVIDER, status_code=status)
    if status == 401:
        hint = "check blocks_key (x-blocks-key) and access_token or client_id/client_secret"
        return AuthenticationFailed(f"{TITLE} refused the credentials (401): {text}; {hint}", error_code=code, **common)
    if status == 403:
        return PermissionDenied(
            f"{TITLE} refused permission (403): {text}; check the project permissions of this key or token",
            error_code=code,
            **common,
        )
    if status == 404:
        return NotFound(
            f"{TITLE} found no such model (404): {text}; check the model id and project_key", error_code=code, **common
        )
    if status == 409:
        lowered = text.lower()
        if "last model" in lowered or "only model" in lowered:
            return Conflict(
                f"{TITLE} refused (409): {text}; it is the last model of the project, which cannot be "
                "deleted: add another model first",
                error_code=code or "LAST_MODEL",
                **common,
            )
        return ModelInUse(
            f"{TITLE} refused (409): {text}; the model is in use by agents or conversations: switch them "
            "to another model first",
            error_code=code or "MODEL_IN_USE",
            **common,
        )
    return None


def envelope_error(body: Mapping[str, Any], response: httpx.Response, what: str) -> APIError:
    """The error for a 2xx ``{"is_success": false, ...}`` answer: the operation did not happen."""
    secrets = request_secrets(_request_of(response))
    code = _code(body)
    message = scrub_text(_message(body) or "no reason given", secrets)
    cls = NotFound if any(marker in f"{code} {message}".lower() for marker in _NOT_FOUND) else APIError
    return cls(
        f"{TITLE} did not {what}: {message} (is_success false in a {response.status_code} answer)",
        provider=PROVIDER,
        status_code=response.status_code,
        error_code=code,
        details=scrub(body, secrets),
    )
