"""The contract a provider plugin implements: sans-I/O request builders and response parsers.

A provider never sends anything. Each operation is a *flow*: a generator that yields
``httpx.Request`` objects (or ``Pause`` steps) and receives the matching ``httpx.Response``
(or the clock's time after a pause), then returns a record. The engine drives the same flow
from the sync and the async registry, adding authentication, retries, pacing and logging.
A non-2xx answer never reaches the flow as a response: the engine turns it into the error that
``error_for`` returns and throws it into the flow, which may catch it or let it propagate.
See ``docs/plugins.md`` for a complete worked example.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Generator, Mapping, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import attrs
import httpx

from modelreg import _json
from modelreg._builders import RecordSlots, record_builder
from modelreg._declared import sign_declared, under_base
from modelreg._json import BACKEND as JSON_BACKEND
from modelreg._paging import Paging
from modelreg._quota import RateLimitHeaders
from modelreg._records import Deletion, Issue, Limit, Model, Page
from modelreg.errors import (
    APIError,
    AuthenticationFailed,
    Conflict,
    NotFound,
    PermissionDenied,
    ProtocolError,
    QuotaExceeded,
    RateLimited,
    ServerError,
    UnsupportedOperation,
    ValidationFailed,
)

if TYPE_CHECKING:
    from modelreg.sandbox import Sandbox

__all__ = [
    "JSON_BACKEND",
    "Config",
    "Flow",
    "Limit",
    "Paging",
    "Pause",
    "Provider",
    "RateLimitHeaders",
    "RecordSlots",
    "Setting",
    "check_known",
    "excerpt",
    "parse_retry_after",
    "parse_timestamp",
    "read_json",
    "record_builder",
]

T = TypeVar("T")

OPERATION = "modelreg.operation"
IDEMPOTENT = "modelreg.idempotent"
PARSED_JSON = "modelreg.json"
"""Response extension holding ``(body,)`` once the engine has decoded it, so it is parsed once."""


@attrs.frozen
class Pause:
    """A flow step that waits ``seconds`` on the registry's clock; the flow receives the time after."""

    seconds: float


Step = httpx.Request | Pause
Flow = Generator[Step, Any, T]
"""A multi-step operation: yields requests or pauses, receives responses or times, returns T."""


@attrs.frozen
class Setting:
    """One keyword argument of ``connect()`` for a provider, optionally read from ``env``."""

    name: str
    env: str | None = None
    secret: bool = False
    required: bool = False
    default: Any = None
    help: str = ""
    header: str | None = None
    """The request header that carries the value: ``sign`` sets it, and a secret one is masked by that name."""
    query: str | None = None
    """The query parameter that carries the value: ``sign`` adds it, and a secret one is masked by that name."""


@attrs.frozen(repr=False)
class Config:
    """A provider's resolved settings: base URL and every declared setting's value."""

    provider: str
    base_url: str
    values: Mapping[str, Any]
    secret_names: frozenset[str] = frozenset()
    secret_params: frozenset[str] = frozenset()
    """Query parameters that carry a secret setting (``Setting(query=...)``): masked by name in logs."""

    def get(self, name: str, default: Any = None) -> Any:
        """The value of setting ``name``, or ``default`` when it is unset."""
        value = self.values.get(name)
        return default if value is None else value

    def secrets(self) -> tuple[str, ...]:
        """Every configured secret value, for redaction."""
        return tuple(str(self.values[name]) for name in sorted(self.secret_names) if self.values.get(name))

    def __repr__(self) -> str:
        shown = {name: ("***" if name in self.secret_names and value else value) for name, value in self.values.items()}
        base_url = self.base_url
        for secret in self.secrets():
            base_url = base_url.replace(secret, "***")
        return f"Config(provider={self.provider!r}, base_url={base_url!r}, values={shown!r})"


_STATUS_ERRORS: dict[int, type[APIError]] = {
    401: AuthenticationFailed,
    402: QuotaExceeded,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    429: RateLimited,
}


class Provider:
    """Base class of every provider plugin; subclasses declare their vendor and build its flows."""

    name: ClassVar[str]
    """Short lowercase name used in ``connect(name)`` and in refs (``name:id``)."""
    title: ClassVar[str] = ""
    """The vendor's display name."""
    default_base_url: ClassVar[str]
    """The vendor's host root, used unless ``base_url=`` or ``base_url_env`` says otherwise."""
    base_url_env: ClassVar[str | None] = None
    settings: ClassVar[tuple[Setting, ...]] = ()
    """Credentials and options ``connect()`` accepts, each with its env var."""
    limits: ClassVar[Mapping[str, Limit | Sequence[Limit]]] = {}
    """Vendor limits per operation name (``"list"``, ``"create"``...); ``"*"`` applies to the rest.
    A list of ``Limit``s is several windows (per minute, hour, day...), every one enforced."""
    rate_limit_headers: ClassVar[RateLimitHeaders | None] = None
    """The rate-limit headers the vendor sends, if any: the pacer never starts more requests than
    they say remain before their reset, and ``reg.quota(operation)`` reports them."""
    request_id_headers: ClassVar[tuple[str, ...]] = ()
    """The vendor's own request-id headers, read after ``x-request-id`` for errors and raw responses."""
    details_type: ClassVar[type[Any] | None] = None
    """The attrs class of ``Model.details``, so that ``Model.from_dict`` rebuilds it (else a plain dict)."""
    default_page_size: ClassVar[int] = 20
    max_page_size: ClassVar[int] = 100
    paging: ClassVar[Paging] = Paging.PAGES
    """How the vendor pages (``Paging``): with ``CURSOR``, ``list_page`` also takes ``cursor=``."""
    filters: ClassVar[Collection[str]] = ()
    """Filter names ``list()`` accepts."""
    create_fields: ClassVar[Collection[str]] = ()
    update_fields: ClassVar[Collection[str]] = ()
    """Create fields ``update`` can change; a manifest changing any other one plans a replace (delete + create)."""
    natural_key: ClassVar[tuple[str, ...]] = ()
    """Create fields that identify a model (e.g. ``("name", "language", "base_model")``): a create whose
    answer was lost is settled by finding the one new model with these values; models as code needs them."""
    create_defaults: ClassVar[Mapping[str, Any]] = {}
    """The value ``create`` uses for a field left out, where that field is part of the natural key."""
    secret_fields: ClassVar[Collection[str]] = ()
    """Create fields holding credentials: a manifest gives them by reference; plans never show or compare them."""
    field_types: ClassVar[Mapping[str, type]] = {}
    """The type of each field and filter (``str``, ``int``, ``float``, ``bool``, ``dict`` or ``list``), so that
    tools reading text (the CLI's ``--set version=1``) pass the value the provider expects; optional."""
    extra_operations: ClassVar[tuple[str, ...]] = ()
    """Names of provider-only flow methods that registries expose as their own methods."""

    def __init__(self, config: Config) -> None:
        self.config = config

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.config.base_url}>"

    # -- set-up ----------------------------------------------------------------------------

    @classmethod
    def check_config(cls, config: Config) -> None:
        """Raise ``ConfigurationError`` when settings are inconsistent (beyond missing ones)."""

    @classmethod
    def sandbox(cls, **options: Any) -> Sandbox:
        """Return a new emulator of this vendor's API (see ``modelreg.sandbox``)."""
        raise UnsupportedOperation(f"provider {cls.name!r} ships no sandbox", provider=cls.name)

    # -- authentication --------------------------------------------------------------------

    def sign(self, request: httpx.Request) -> None:
        """Add static credentials to ``request`` in place: by default, each setting that names a header or query."""
        sign_declared(type(self).settings, self.config, request)

    def authorize(self, request: httpx.Request) -> Flow[httpx.Request]:
        """Return ``request`` ready to send, first yielding any request a credential needs."""
        self.sign(request)
        yield from ()  # a generator that yields nothing, so that overrides may yield token requests
        return request

    def reauthorize(self) -> bool:
        """Drop a cached credential after a 401; True when one retry with a fresh one makes sense."""
        return False

    # -- wire helpers ----------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        operation: str,
        idempotent: bool | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        **kwargs: Any,
    ) -> httpx.Request:
        """Build a request to ``path`` under the base URL, tagged with its ``operation`` name.

        ``path`` may also be an absolute URL the vendor gave (a next link): it must lie under the
        base URL, or the credentials would go to another server (``ProtocolError``).
        """
        base = self.config.base_url.rstrip("/")
        url = (
            under_base(base, path, self.name, self.title or self.name)
            if path.startswith(("http://", "https://"))
            else base + path
        )
        query = {k: _query_value(v) for k, v in (params or {}).items() if v is not None}
        if idempotent is None:
            idempotent = method.upper() in {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}
        return httpx.Request(
            method,
            url,
            params=query or None,
            json=json,
            headers={"accept": "application/json"},
            extensions={OPERATION: operation, IDEMPOTENT: idempotent},
            **kwargs,
        )

    def error_for(self, response: httpx.Response) -> Exception:
        """Turn a non-2xx answer into a typed error; providers refine this for their bodies."""
        status = response.status_code
        message, code, details = _generic_error_fields(response)
        text = message or response.reason_phrase or f"HTTP {status}"
        if status in (400, 422):
            issues = [Issue(("body",), text, code)]
            return ValidationFailed(issues, provider=self.name, status_code=status)
        if status == 429:
            return RateLimited(
                f"{self.title or self.name} rate limit hit: {text}",
                provider=self.name,
                retry_after=parse_retry_after(response.headers),
                error_code=code,
                details=details,
            )
        cls = _STATUS_ERRORS.get(status, ServerError if status >= 500 else APIError)
        return cls(
            f"{self.title or self.name} answered {status}: {text}",
            provider=self.name,
            status_code=status,
            error_code=code,
            details=details,
        )

    # -- operations (each returns a flow) --------------------------------------------------

    def check_filters(self, filters: Mapping[str, Any]) -> None:
        """Raise ``ValidationFailed`` for unknown or invalid list filters (called before listing)."""
        issues = check_known("query", filters, self.filters)
        if issues:
            raise ValidationFailed(issues, provider=self.name)

    def unsupported(self, operation: str, why: str = "") -> UnsupportedOperation:
        """The error for an operation this provider does not offer."""
        reason = f": {why}" if why else ""
        return UnsupportedOperation(
            f"{self.title or self.name} does not support {operation}{reason}", provider=self.name
        )

    def list_page(self, page: int, page_size: int, filters: Mapping[str, Any]) -> Flow[Page[Model]]:
        """Fetch one page of models matching ``filters``.

        A provider with ``paging = Paging.CURSOR`` adds a keyword ``cursor: str | None = None``
        (None: the first page) and sets ``next_cursor`` on the page; only it is given one.
        """
        raise self.unsupported("list")

    def get(self, model_id: str) -> Flow[Model]:
        """Fetch one model."""
        raise self.unsupported("get")

    def create(self, fields: Mapping[str, Any]) -> Flow[Model]:
        """Create a model from ``fields`` and return it."""
        raise self.unsupported("create")

    def update(self, model_id: str, fields: Mapping[str, Any]) -> Flow[Model]:
        """Change a model's ``fields`` and return it."""
        raise self.unsupported("update")

    def delete(self, model_id: str) -> Flow[Deletion]:
        """Delete a model."""
        raise self.unsupported("delete")

    def train(self, model_id: str, options: Mapping[str, Any]) -> Flow[Model]:
        """Start training a model (``options`` are provider-specific)."""
        raise self.unsupported("train")

    def validate(self, model_id: str) -> Flow[Any]:
        """Ask the vendor to check a model's configuration."""
        raise self.unsupported("validate")

    def find_created(self, fields: Mapping[str, Any]) -> Flow[list[Model]]:
        """Models that may match a create's natural key, to settle a create whose answer was lost.

        Return every candidate the vendor lists (a superset is fine): the core keeps only those whose
        ``natural_key_of`` equals ``created_key(fields)`` and whose ``created_at`` is not older than
        the create, so a model that existed before is never mistaken for the new one.
        """
        raise self.unsupported("reconciling a lost create")

    def created_key(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """The natural key a create's ``fields`` ask for, with the vendor's defaults (``create_defaults``) applied."""
        key = {name: fields.get(name) for name in self.natural_key}
        for name, value in key.items():
            if value in (None, "") and name in self.create_defaults:
                key[name] = self.create_defaults[name]
        return key

    def natural_key_of(self, model: Model) -> dict[str, Any]:
        """A model's natural key, comparable with ``created_key``: from the record, its ``details``, or ``raw``."""
        key: dict[str, Any] = {}
        for name in self.natural_key:
            if hasattr(model, name):
                key[name] = getattr(model, name)
            elif model.details is not None and hasattr(model.details, name):
                key[name] = getattr(model.details, name)
            else:
                key[name] = model.raw.get(name) if isinstance(model.raw, Mapping) else None
        return key

    @classmethod
    def current_fields(cls, model: Model) -> dict[str, Any]:
        """A model's create fields as the vendor reports them, secrets left out: what a plan compares.

        ``name`` and ``description`` come from the model, every other create field from the
        attribute of that name on ``model.details``; a field found in neither is left out (not compared).
        """
        found: dict[str, Any] = {}
        for field in cls.create_fields:
            if field in cls.secret_fields:
                continue
            if field in ("name", "description"):
                found[field] = getattr(model, field)
            elif model.details is not None and hasattr(model.details, field):
                found[field] = getattr(model.details, field)
        return found


# -- helpers for provider authors ----------------------------------------------------------


def read_json(response: httpx.Response, provider: str) -> Any:
    """Decode a response's JSON body, or raise ``ProtocolError`` showing what arrived."""
    parsed = response.extensions.get(PARSED_JSON)
    if parsed is not None:
        return parsed[0]
    try:
        return _json.loads(response.content)
    # RecursionError: JSON nested deeper than the interpreter's recursion limit.
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ProtocolError(
            f"{provider} answered with a body that is not JSON",
            provider=provider,
            status_code=response.status_code,
            excerpt=excerpt(response.content),
        ) from None


def excerpt(content: bytes | str, limit: int = 200) -> str:
    """The first ``limit`` characters of a body, for error messages."""
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
    return text[:limit]


def parse_timestamp(value: Any) -> datetime | None:
    """Parse an ISO 8601 timestamp into an aware datetime (UTC when no offset is given)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"timestamp must be a string, got {type(value).__name__}")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def parse_retry_after(headers: Mapping[str, str], now: Callable[[], float] | None = None) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``Retry-After`` (seconds or HTTP date)."""
    import email.utils
    import time

    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            value = float(millis) / 1000
        except ValueError:
            value = math.nan
        if math.isfinite(value) and value >= 0:
            return value
    raw = headers.get("retry-after")
    if raw is None:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = when.timestamp() - (now or time.time)()
        return max(0.0, seconds)
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def check_known(section: str, given: Mapping[str, Any], allowed: Collection[str]) -> list[Issue]:
    """One ``Issue`` per key of ``given`` that is not in ``allowed``."""
    known = ", ".join(sorted(allowed)) or "none"
    return [
        Issue((section, key), f"unknown {section} field {key!r}; known: {known}", "unknown_field")
        for key in given
        if key not in allowed
    ]


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.value if hasattr(value, "value") and not isinstance(value, (int, str)) else value


def _generic_error_fields(response: httpx.Response) -> tuple[str | None, str | None, dict[str, Any]]:
    try:
        body = json.loads(response.content) if response.content else None
    except (ValueError, UnicodeDecodeError, RecursionError):
        body = None
    if not isinstance(body, dict):
        return None, None, {}
    error = body.get("error")
    nested = error if isinstance(error, dict) else {}
    message = body.get("message") or nested.get("message") or body.get("error_description")
    if message is None and isinstance(body.get("detail"), str):
        message = body["detail"]
    if message is None and isinstance(error, str):
        message = error
    code = body.get("error_code") or nested.get("code")
    raw_details = body.get("details")
    details: dict[str, Any] = dict(raw_details) if isinstance(raw_details, dict) else {}
    return (
        str(message) if message is not None else None,
        str(code) if code is not None else None,
        details,
    )
