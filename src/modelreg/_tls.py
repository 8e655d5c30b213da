"""The TLS context every registry's HTTP client uses: built once per process, not once per client.

Building one loads the CA bundle, which costs tens of milliseconds: more than a whole listing's
first request. ``ssl.SSLContext`` is safe to share between clients, threads and event loops.
The context is httpx's own default (certifi, or ``SSL_CERT_FILE``/``SSL_CERT_DIR`` when set), one
per value of those variables, so that setting them still takes effect for later registries.
"""

from __future__ import annotations

import os
import ssl
import threading
from typing import Any

import httpx

_contexts: dict[tuple[str | None, str | None], ssl.SSLContext] = {}
_lock = threading.Lock()


def tls_context() -> ssl.SSLContext:
    """httpx's default verifying TLS context for the current CA settings, shared by every client."""
    key = (os.environ.get("SSL_CERT_FILE") or None, os.environ.get("SSL_CERT_DIR") or None)
    context = _contexts.get(key)
    if context is None:
        with _lock:
            context = _contexts.get(key)
            if context is None:
                context = _contexts[key] = httpx.create_ssl_context()
    return context


def verify_for(transport: Any) -> ssl.SSLContext | bool:
    """The ``verify=`` for a client: the shared context, or httpx's default when a transport of the
    caller's (or a sandbox's) answers, since the client then opens no connection of its own."""
    return tls_context() if transport is None else True
