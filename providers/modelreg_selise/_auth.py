"""SELISE credentials: the ``x-blocks-key`` header, a bearer token, and the OAuth client-credential flow.

Written once, sans-I/O: ``Credentials.authorize`` is a flow that may yield the token request
(``POST /authentication/v1/OAuth/Token``, multipart/form-data) and returns the signed request.
The token is cached, shared by every thread and task of a registry, refreshed shortly before
``expires_in`` runs out and dropped by ``reauthorize`` after a 401 so that the engine's one
retry fetches a fresh one.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx

from modelreg.errors import ProtocolError
from modelreg.provider import Config, Flow, Pause, Provider
from modelreg_selise._errors import TOKEN_PATH
from modelreg_selise._wire import BadField, fold, number, pick

GRANT_TYPE = "client_credential"
"""The grant type the API Overview's example uses (not the OAuth-standard ``client_credentials``)."""
BOUNDARY = "modelreg-selise-form"
"""A fixed multipart boundary, so that a token request is byte-for-byte reproducible in cassettes."""
EARLY_REFRESH = 30.0
"""Seconds before expiry at which a cached token counts as stale (less for short-lived tokens)."""


def multipart(fields: dict[str, str]) -> bytes:
    """``fields`` as a multipart/form-data body with ``BOUNDARY``."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    return ("".join(parts) + f"--{BOUNDARY}--\r\n").encode()


class Credentials:
    """The blocks key, project key and bearer token of one registry, with its token cache."""

    def __init__(self, provider: Provider, config: Config) -> None:
        self.provider = provider
        self.blocks_key: str = config.get("blocks_key")
        self.project_key: str = config.get("project_key") or self.blocks_key
        self.client_id: str | None = config.get("client_id")
        self.client_secret: str | None = config.get("client_secret")
        self._lock = threading.Lock()
        self._token: str | None = config.get("access_token")
        self._expires_at: float | None = None

    @property
    def fetches_tokens(self) -> bool:
        """Whether tokens come from the token endpoint (client credentials are configured)."""
        return bool(self.client_id and self.client_secret)

    def sign(self, request: httpx.Request, token: str | None) -> None:
        """Add ``x-blocks-key`` and, when there is one, ``Authorization: Bearer``."""
        request.headers["x-blocks-key"] = self.blocks_key
        if token:
            request.headers["authorization"] = f"Bearer {token}"

    def authorize(self, request: httpx.Request) -> Flow[httpx.Request]:
        """Sign ``request``, first fetching a token from the token endpoint when none is fresh."""
        if not self.fetches_tokens:
            self.sign(request, self._token)
            return request
        now: float = yield Pause(0.0)  # reads the registry's clock (simulated time in a sandbox)
        token = self.current(now)
        if token is None:
            response = yield self.token_request()
            token, lifetime = parse_token(response)
            self.store(token, lifetime, now)
        self.sign(request, token)
        return request

    def current(self, now: float) -> str | None:
        """The cached token if it is still fresh at ``now``."""
        with self._lock:
            if self._token is None or (self._expires_at is not None and now >= self._expires_at):
                return None
            return self._token

    def store(self, token: str, lifetime: float | None, now: float) -> None:
        """Cache ``token``, valid for ``lifetime`` seconds from ``now`` (forever when unknown)."""
        with self._lock:
            self._token = token
            if lifetime is None:
                self._expires_at = None
            else:
                self._expires_at = now + lifetime - min(EARLY_REFRESH, lifetime / 10)

    def drop(self) -> bool:
        """Forget the cached token; True when a new one can be fetched."""
        if not self.fetches_tokens:
            return False
        with self._lock:
            self._token = None
            self._expires_at = None
        return True

    def token_request(self) -> httpx.Request:
        """``POST /authentication/v1/OAuth/Token`` with the client credentials, as multipart form data."""
        fields = {"grant_type": GRANT_TYPE, "client_id": str(self.client_id), "client_secret": str(self.client_secret)}
        request = self.provider.request(
            "POST", TOKEN_PATH, operation="token", idempotent=True, content=multipart(fields)
        )
        request.headers["content-type"] = f"multipart/form-data; boundary={BOUNDARY}"
        request.headers["x-blocks-key"] = self.blocks_key
        return request


def parse_token(response: httpx.Response) -> tuple[str, float | None]:
    """The access token and its lifetime in seconds (None when not said) from a token answer."""
    try:
        body: Any = json.loads(response.content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        body = None
    if isinstance(body, dict):
        doc = fold(body)
        nested = pick(doc, ("data", "result"))
        if pick(doc, ("accesstoken", "token")) is None and isinstance(nested, dict):
            doc = fold(nested)
        token = pick(doc, ("accesstoken", "token"))
        try:
            lifetime = number(doc, ("expiresin", "expires"))
        except BadField:
            lifetime = None  # an unreadable lifetime: keep the token until a 401 says otherwise
        if isinstance(token, str) and token:
            return token, lifetime if lifetime is not None and lifetime > 0 else None
    # No excerpt: the body may hold the token under a name not recognized here.
    raise ProtocolError(
        "SELISE Blocks' token endpoint answered without an access_token "
        f"({len(response.content)} bytes; not shown, as it may hold a credential)",
        provider="selise",
        status_code=response.status_code,
    )
