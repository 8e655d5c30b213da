"""What a provider declares rather than codes: where its credentials travel, and which links it may follow."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

import httpx

from modelreg.errors import ProtocolError


class _Setting(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def header(self) -> str | None: ...
    @property
    def query(self) -> str | None: ...


class _Config(Protocol):
    def get(self, name: str, default: Any = None) -> Any: ...


def sign_declared(settings: Iterable[_Setting], config: _Config, request: httpx.Request) -> None:
    """Put each setting that names a header or query parameter there (``Provider.sign``'s default)."""
    for setting in settings:
        if setting.header is None and setting.query is None:
            continue
        value = config.get(setting.name)
        if value is None:
            continue
        if setting.header is not None:
            request.headers[setting.header] = str(value)
        if setting.query is not None:
            request.url = request.url.copy_merge_params({setting.query: str(value)})


def under_base(base: str, url: str, provider: str, title: str) -> str:
    """``url`` when it lies under ``base``; else ``ProtocolError``: the credentials go to no other server."""
    if url == base or url.startswith((base + "/", base + "?")):
        return url
    shown = str(httpx.URL(url).copy_with(query=None, fragment=None))[:120]
    raise ProtocolError(
        f"{title}: a link outside the base URL {base} is not followed, so that the "
        "credentials go nowhere else (a next link or cursor of another server?)",
        provider=provider,
        excerpt=shown,
    )
