"""A clear failure when a replayed test sends a request its cassette does not hold."""

from __future__ import annotations

from typing import Any

import attrs

_HOW_TO_RECORD = (
    "If the change is intended, re-record the cassette: delete it and run pytest --modelreg-record-mode=once "
    "(or run pytest --modelreg-record-mode=all)."
)


@attrs.frozen
class Difference:
    """One request matcher that failed against the closest recorded request, and why."""

    matcher: str
    message: str


class CassetteMismatch(AssertionError):
    """No recorded request matches the one sent; shows the closest recorded request and how it differs."""

    def __init__(
        self,
        message: str,
        *,
        cassette: str,
        request: str,
        closest: str | None = None,
        differences: tuple[Difference, ...] = (),
    ) -> None:
        super().__init__(message)
        self.cassette = cassette
        self.request = request
        self.closest = closest
        self.differences = differences


def describe(request: Any) -> str:
    """``METHOD URI`` of a vcrpy request, with its body when it has one."""
    line = f"{request.method} {request.uri}"
    body = request.body
    if body:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        line += f"\n      body: {text[:300]}"
    return line


def from_vcr(exc: Exception) -> CassetteMismatch:
    """Turn vcrpy's ``CannotOverwriteExistingCassetteException`` into a ``CassetteMismatch``."""
    cassette = getattr(exc, "cassette", None)
    failed = getattr(exc, "failed_request", None)
    path = str(getattr(cassette, "_path", "?"))
    if cassette is None or failed is None:
        return CassetteMismatch(f"cassette {path}: {exc}", cassette=path, request="?")
    sent = describe(cassette._before_record_request(failed))
    mode = getattr(cassette.record_mode, "value", cassette.record_mode)
    head = f"no request recorded in cassette {path} matches the request sent (record mode {mode!r}):\n  sent:    {sent}"
    if not len(cassette.data):
        message = f"{head}\n  the cassette is missing or empty: record it first. {_HOW_TO_RECORD}"
        return CassetteMismatch(message, cassette=path, request=sent)
    candidates = cassette.find_requests_with_most_matches(failed)
    if not candidates:
        message = f"{head}\n  nothing recorded resembles it. {_HOW_TO_RECORD}"
        return CassetteMismatch(message, cassette=path, request=sent)
    stored, _succeeded, failed_matchers = candidates[0]
    closest = describe(stored)
    differences = tuple(Difference(str(name), str(why).strip()) for name, why in failed_matchers)
    lines = [head, f"  closest: {closest}"]
    if differences:
        lines.append("  differs in: " + ", ".join(d.matcher for d in differences))
        lines.extend(f"    {d.matcher}: {d.message}" for d in differences)
    else:
        lines.append(
            "  it matches a request that was already played: the test sends it more often than when it "
            "was recorded (pass allow_playback_repeats=True if that is intended)"
        )
    lines.append(f"  {_HOW_TO_RECORD}")
    return CassetteMismatch("\n".join(lines), cassette=path, request=sent, closest=closest, differences=differences)


def is_vcr_mismatch(exc: BaseException) -> bool:
    """Whether ``exc`` is vcrpy's "cannot overwrite existing cassette" error (without importing vcrpy)."""
    return any(
        klass.__name__ == "CannotOverwriteExistingCassetteException" and klass.__module__.startswith("vcr")
        for klass in type(exc).__mro__
    )
