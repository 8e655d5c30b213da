"""The error tree of the contract, with messages that help."""

from __future__ import annotations

import modelreg
from modelreg import errors


def test_error_tree_matches_the_contract() -> None:
    parent = {
        errors.ConfigurationError: errors.ModelRegError,
        errors.ValidationFailed: errors.ModelRegError,
        errors.UnsupportedOperation: errors.ModelRegError,
        errors.TransportError: errors.ModelRegError,
        errors.OutcomeUnknown: errors.TransportError,
        errors.ProtocolError: errors.ModelRegError,
        errors.APIError: errors.ModelRegError,
        errors.AuthenticationFailed: errors.APIError,
        errors.PermissionDenied: errors.APIError,
        errors.NotFound: errors.APIError,
        errors.Conflict: errors.APIError,
        errors.ModelInUse: errors.Conflict,
        errors.QuotaExceeded: errors.APIError,
        errors.RateLimited: errors.APIError,
        errors.ServerError: errors.APIError,
        errors.ModelFailed: errors.ModelRegError,
        errors.WaitTimedOut: errors.ModelRegError,
    }
    for cls, base in parent.items():
        assert cls.__bases__ == (base,), cls
        assert getattr(modelreg, cls.__name__) is cls
    assert errors.ModelRegError.__bases__ == (Exception,)


def test_validation_failed_lists_issues_and_says_nothing_was_sent() -> None:
    exc = errors.ValidationFailed([modelreg.Issue(("body", "name"), "must not be empty")], provider="scriptix")
    assert exc.status_code is None
    assert exc.provider == "scriptix"
    assert "nothing was sent" in str(exc) and "body.name: must not be empty" in str(exc)


def test_validation_failed_from_the_server_names_its_status() -> None:
    exc = errors.ValidationFailed([], status_code=422)
    assert exc.status_code == 422 and "422" in str(exc)


def test_api_error_keeps_code_and_details() -> None:
    exc = errors.QuotaExceeded(
        "limit reached", provider="scriptix", status_code=402, error_code="MODEL_LIMIT_EXCEEDED",
        details={"plan": "Gold"},
    )  # fmt: skip
    assert (exc.status_code, exc.error_code, exc.details["plan"]) == (402, "MODEL_LIMIT_EXCEEDED", "Gold")
    assert "QuotaExceeded('limit reached'" in repr(exc)


def test_rate_limited_defaults_to_429_and_carries_retry_after() -> None:
    exc = errors.RateLimited("slow down", retry_after=1.5)
    assert exc.status_code == 429 and exc.retry_after == 1.5


def test_protocol_error_shows_what_arrived() -> None:
    exc = errors.ProtocolError("bad body", status_code=200, excerpt="<html>")
    assert "<html>" in str(exc) and exc.excerpt == "<html>"


def test_public_errors_read_as_modelreg_names_in_tracebacks() -> None:
    assert errors.NotFound.__module__ == "modelreg"
    assert repr(errors.NotFound) == "<class 'modelreg.NotFound'>"
