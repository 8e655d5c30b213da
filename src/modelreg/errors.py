"""Every error modelreg raises, in one tree.

```
ModelRegError                    .provider
├── ConfigurationError           unknown provider, missing or malformed credentials — nothing sent
├── ValidationFailed             .issues; .status_code is None when raised before sending
├── UnsupportedOperation         the provider does not offer this operation
├── TransportError               could not talk to the server: connect error, timeout, reset
│   └── OutcomeUnknown           a write may or may not have happened; says how to check
├── ProtocolError                a 2xx answer whose body is not the documented shape
├── ModelFailed                  a waited-on model reached a failed state (FAILED): .model
├── WaitTimedOut                 a wait's timeout passed first: .model (the last state seen)
└── APIError                     the server said no: .status_code, .error_code, .message, .details
    ├── AuthenticationFailed     401
    ├── PermissionDenied         403
    ├── NotFound                 404 (and SELISE's 422 value_error.notfound)
    ├── Conflict                 409
    │   └── ModelInUse           409 MODEL_IN_USE / model used by agents
    ├── QuotaExceeded            402 (plan limits in .details)
    ├── RateLimited              429; .retry_after in seconds, .reset_at (when the quota resets)
    └── ServerError              5xx
```

No message, attribute or ``repr`` of these errors carries a credential: the engine scrubs every
configured secret before an error leaves the library. An error made from an answer carries the
vendor's request id (``.request_id``) and shows it in its message, for the vendor's support.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from modelreg._records import Issue

if TYPE_CHECKING:
    from modelreg._records import Model

__all__ = [
    "APIError",
    "AuthenticationFailed",
    "ConfigurationError",
    "Conflict",
    "ModelFailed",
    "ModelInUse",
    "ModelRegError",
    "NotFound",
    "OutcomeUnknown",
    "PermissionDenied",
    "ProtocolError",
    "QuotaExceeded",
    "RateLimited",
    "ServerError",
    "TransportError",
    "UnsupportedOperation",
    "ValidationFailed",
    "WaitTimedOut",
]


class ModelRegError(Exception):
    """Base of every modelreg error; ``provider`` names the provider involved, if any."""

    request_id: str | None = None
    """The vendor's id of the request that was answered with this error, when it sent one."""

    def __init__(self, message: str, *, provider: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.provider = provider

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, provider={self.provider!r})"


class ConfigurationError(ModelRegError):
    """The registry cannot be set up as asked (unknown provider, missing credential); nothing was sent."""


class ValidationFailed(ModelRegError):
    """The request is invalid: each problem is an ``Issue``; ``status_code`` is None if caught locally."""

    def __init__(
        self,
        issues: Iterable[Issue],
        *,
        provider: str | None = None,
        status_code: int | None = None,
        message: str | None = None,
    ) -> None:
        self.issues = tuple(issues)
        self.status_code = status_code
        if message is None:
            listed = "; ".join(str(issue) for issue in self.issues) or "the request was rejected"
            origin = "nothing was sent" if status_code is None else f"the server answered {status_code}"
            message = f"invalid request ({origin}): {listed}"
        super().__init__(message, provider=provider)


class UnsupportedOperation(ModelRegError):
    """The provider does not offer this operation; its README lists what it does offer."""


class TransportError(ModelRegError):
    """The server could not be reached or did not answer (connect error, timeout, reset)."""


class OutcomeUnknown(TransportError):
    """A write was sent but its answer was lost: it may or may not have taken effect."""


class ProtocolError(ModelRegError):
    """A successful answer whose body is not the documented shape; ``excerpt`` shows what arrived."""

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        status_code: int | None = None,
        excerpt: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.excerpt = excerpt
        if excerpt is not None:
            message = f"{message} (status {status_code}, body starts: {excerpt!r})"
        super().__init__(message, provider=provider)


class ModelFailed(ModelRegError):
    """A model that was waited on reached a failed state it will not leave by itself; ``model`` shows it."""

    def __init__(self, message: str, *, model: Model, provider: str | None = None) -> None:
        super().__init__(message, provider=provider or model.provider)
        self.model = model


class WaitTimedOut(ModelRegError):
    """A wait's ``timeout`` passed before the model reached the status waited for; ``model`` is the last seen."""

    def __init__(self, message: str, *, model: Model, timeout: float, provider: str | None = None) -> None:
        super().__init__(message, provider=provider or model.provider)
        self.model = model
        self.timeout = timeout


class APIError(ModelRegError):
    """The server refused the request: ``status_code``, ``error_code``, ``message``, ``details``."""

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        status_code: int | None = None,
        error_code: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message, provider=provider)
        self.status_code = status_code
        self.error_code = error_code
        self.details: Mapping[str, Any] = dict(details or {})

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, provider={self.provider!r}, "
            f"status_code={self.status_code!r}, error_code={self.error_code!r})"
        )


class AuthenticationFailed(APIError):
    """401: the credential is missing, wrong, expired or revoked."""


class PermissionDenied(APIError):
    """403: the credential is valid but may not do this."""


class NotFound(APIError):
    """404: no such model (or it was already deleted, or belongs to someone else)."""


class Conflict(APIError):
    """409: the model's current state forbids the operation."""


class ModelInUse(Conflict):
    """409: the model is in use (running transcriptions, agents) and cannot be changed now."""


class QuotaExceeded(APIError):
    """402: the plan's limit is reached; ``details`` holds the plan figures."""


class RateLimited(APIError):
    """429: too many requests; ``retry_after`` says how many seconds to wait and ``reset_at`` when, when known."""

    def __init__(
        self, message: str, *, retry_after: float | None = None, reset_at: datetime | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("status_code", 429)
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
        self.reset_at = reset_at
        """When the quota resets (timezone-aware UTC): the server's reset header, else now plus ``retry_after``."""


class ServerError(APIError):
    """5xx: the vendor failed; retrying later may help."""
