"""Scriptix's error answers to typed modelreg errors, tolerant of every documented body shape.

Shapes seen across the docs: ``{"error": str, "message", "error_code", "details": {field: text}}``
(API pages), ``{"error", "error_description", "message", "detail"}`` ("Error Handling" page) and
``{"error": {"code", "message", "details": {"field", "issue"}}}`` ("reference/error-codes" page).
"""

from __future__ import annotations

import json
import math
import reprlib
from typing import Any

import httpx

from modelreg import Issue, Model
from modelreg.errors import (
    APIError,
    AuthenticationFailed,
    Conflict,
    ModelFailed,
    ModelInUse,
    NotFound,
    PermissionDenied,
    QuotaExceeded,
    RateLimited,
    ServerError,
    TransportError,
    ValidationFailed,
)
from modelreg.provider import excerpt, parse_retry_after

PROVIDER = "scriptix"
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother = 3, 200, 200


class TrainingFailed(ModelFailed):
    """Training ended with ``training_status`` 5; ``model`` is the failed model as last fetched."""

    def __init__(self, model: Model) -> None:
        reason = model.details.error or model.details.status_message or "no reason given"
        super().__init__(
            f"training of Scriptix model {model.id} ({model.name!r}) failed: {reason}; "
            "upload new training data and call train() again",
            model=model,
            provider=PROVIDER,
        )


class TrainingTimedOut(TransportError):
    """Training had not finished when the wait's ``timeout`` passed; ``model`` is the last state seen."""

    def __init__(self, model: Model, timeout: float) -> None:
        progress = model.details.training_progress
        done = f", {progress}% done" if progress is not None else ""
        super().__init__(
            f"Scriptix model {model.id} was still {model.status.value}{done} after waiting {timeout:g} s; "
            "training usually takes 6-12 hours: wait again with a longer timeout=",
            provider=PROVIDER,
        )
        self.model = model
        self.timeout = timeout


def error_for(response: httpx.Response) -> Exception:
    """The typed error for a non-2xx Scriptix answer; an unexpected body still gives a clear error."""
    status = response.status_code
    body = _body(response)
    fields = _Fields(body)
    if status in (400, 422):
        return ValidationFailed(_issues(body, fields, _section(response)), provider=PROVIDER, status_code=status)
    text = fields.message or response.reason_phrase or f"HTTP {status}"
    if fields.message is None and body is None and response.content:
        text += f" (body starts: {excerpt(response.content, 120)!r})"
    kwargs: dict[str, Any] = {
        "provider": PROVIDER,
        "status_code": status,
        "error_code": fields.code,
        "details": fields.details,
    }
    if status == 401:
        return AuthenticationFailed(
            f"Scriptix rejected the credential (401 {text}): check api_key= or SCRIPTIX_API_KEY; "
            "a reseller or batch token may need auth_header='x-zoom-s2t-key'",
            **kwargs,
        )
    if status == 402:
        return QuotaExceeded(f"Scriptix answered 402 {text}{_plan(fields.details)}", **kwargs)
    if status == 403:
        return PermissionDenied(
            f"Scriptix answered 403 {text}: the key lacks the scope (custom_models:read or custom_models:write)",
            **kwargs,
        )
    if status == 404:
        return NotFound(f"Scriptix answered 404 {text}: no such model or data (or another organization's)", **kwargs)
    if status == 409:
        if fields.code == "MODEL_IN_USE" or "active_transcriptions" in fields.details:
            count = fields.details.get("active_transcriptions", "some")
            return ModelInUse(
                f"Scriptix answered 409 {text} ({count} active transcriptions): wait for them to finish, then retry",
                **kwargs,
            )
        return Conflict(f"Scriptix answered 409 {text}", **kwargs)
    if status == 429:
        retry_after = parse_retry_after(response.headers)
        if retry_after is None:
            retry_after = _seconds(body.get("retry_after") if isinstance(body, dict) else None)
        wait = f"; retry in {retry_after:g} s" if retry_after is not None else ""
        return RateLimited(f"Scriptix rate limit hit: {text}{wait}", retry_after=retry_after, **kwargs)
    if status >= 500:
        return ServerError(f"Scriptix failed with {status}: {text}; try again later", **kwargs)
    return APIError(f"Scriptix answered {status}: {text}", **kwargs)


class _Fields:
    """Message, machine code and details, wherever the body's shape puts them."""

    def __init__(self, body: Any) -> None:
        self.message: str | None = None
        self.code: str | None = None
        self.details: dict[str, Any] = {}
        if not isinstance(body, dict):
            return
        error = body.get("error")
        nested = error if isinstance(error, dict) else {}
        for candidate in (
            body.get("message"),
            nested.get("message"),
            body.get("error_description"),
            body.get("detail"),
            error,
        ):
            if isinstance(candidate, str) and candidate:
                self.message = candidate
                break
        code = body.get("error_code", nested.get("code"))
        self.code = str(code) if isinstance(code, (str, int)) and not isinstance(code, bool) else None
        details = body.get("details", nested.get("details"))
        if isinstance(details, dict):
            self.details = dict(details)
        if "retry_after" in body:
            self.details.setdefault("retry_after", body["retry_after"])


def _body(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def _section(response: httpx.Response) -> str:
    try:
        method = response.request.method
    except RuntimeError:  # a response built without its request (tests, replays)
        return "body"
    return "query" if method in ("GET", "DELETE") else "body"


def _issues(body: Any, fields: _Fields, section: str) -> list[Issue]:
    issues: list[Issue] = []
    nested = body.get("error") if isinstance(body, dict) else None
    if isinstance(nested, dict) and isinstance(nested.get("details"), dict) and "field" in nested["details"]:
        # reference/error-codes: {"error": {"details": {"field": "name", "issue": "..."}}}
        detail = nested["details"]
        text = detail.get("issue") or nested.get("message") or "invalid"
        issues.append(Issue((section, _text(detail["field"])), _text(text), fields.code))
    else:
        for field, text in fields.details.items():
            issues.append(Issue((section, _text(field)), _issue_text(text), fields.code or "invalid"))
    detail_list = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail_list, list):
        for item in detail_list:
            if isinstance(item, dict):
                loc = tuple(_text(part) for part in item.get("loc", ()) if part is not None) or (section,)
                kind = item.get("type")
                issues.append(Issue(loc, _text(item.get("msg", item)), None if kind is None else _text(kind)))
    if not issues:
        issues.append(Issue((section,), fields.message or "the request was rejected", fields.code))
    return issues


def _issue_text(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value)
    return _text(value)


def _text(value: Any) -> str:
    """``value`` as text for a message: a string as is, anything else as a short repr, however deep it nests."""
    return value if isinstance(value, str) else _SHORT.repr(value)


def _plan(details: dict[str, Any]) -> str:
    parts = []
    if "current_models" in details and "plan_limit" in details:
        parts.append(f"{_text(details['current_models'])} of {_text(details['plan_limit'])} custom models used")
    if "plan" in details:
        parts.append(f"plan {_text(details['plan'])}")
    figures = f" ({', '.join(parts)})" if parts else ""
    return f"{figures}: delete a model or upgrade the plan"


def _seconds(value: Any) -> float | None:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 1000:
        return None  # beyond any float: math.isfinite would raise OverflowError
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0:
        return float(value)
    if isinstance(value, str):
        try:
            return _seconds(float(value))
        except ValueError:
            return None
    return None
