"""Resolving a provider's settings from ``connect()`` arguments, the environment and the profile."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from typing import Any

import httpx

from modelreg._sources import effective
from modelreg.errors import ConfigurationError
from modelreg.provider import Config, Provider


def resolve_config(
    cls: type[Provider],
    arguments: Mapping[str, Any],
    *,
    base_url: str | None,
    sandbox: bool,
    profile: str | None = None,
) -> Config:
    """Settings for ``cls`` from ``arguments``, then env vars, then the profile, then defaults; nothing is sent."""
    known = {setting.name for setting in cls.settings}
    unknown = sorted(set(arguments) - known)
    if unknown:
        accepted = ", ".join(sorted(known)) or "no provider settings"
        raise ConfigurationError(
            f"{cls.name} does not take {', '.join(map(repr, unknown))}; it accepts {accepted} "
            "(plus sandbox, base_url, transport, max_retries, timeout, limits, max_wait, deadline, profile)",
            provider=cls.name,
        )
    found = effective(cls, arguments, base_url=base_url, sandbox=sandbox, profile=profile)
    values: dict[str, Any] = {}
    missing = []
    for setting, source in zip(cls.settings, found[:-1], strict=True):
        if source.error:
            raise ConfigurationError(source.error, provider=cls.name)
        value = source.value
        if value is None and setting.required:
            missing.append(setting)
        if setting.secret and value is not None and not isinstance(value, str):
            raise ConfigurationError(
                f"{cls.name} setting {setting.name} must be a string, got {type(value).__name__}",
                provider=cls.name,
            )
        values[setting.name] = value
    if missing:
        wanted = "; ".join(f"pass {s.name}=..." + (f" or set {s.env}" if s.env else "") for s in missing)
        raise ConfigurationError(f"{cls.name} needs credentials: {wanted}", provider=cls.name)
    url_source = found[-1]
    if url_source.error:
        raise ConfigurationError(url_source.error, provider=cls.name)
    url = str(url_source.value)
    if not url.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"{cls.name} base_url must start with http:// or https://, got {url!r}", provider=cls.name
        )
    secret_names = frozenset(s.name for s in cls.settings if s.secret)
    config = Config(cls.name, url.rstrip("/"), values, secret_names)
    cls.check_config(config)
    return config


INSECURE_ENV = "MODELREG_ALLOW_INSECURE"
"""Set to 1 to allow ``http://`` base URLs to hosts other than this machine (credentials in clear)."""


def check_secure(config: Config, allow_insecure: bool) -> None:
    """Refuse an ``http://`` base URL to a host that is not loopback, unless the user opted in."""
    url = httpx.URL(config.base_url)
    if url.scheme != "http" or _loopback(url.host) or allow_insecure:
        return
    if os.environ.get(INSECURE_ENV, "").strip().lower() in ("1", "true", "yes"):
        return
    shown = str(url.copy_with(query=None))
    for secret in config.secrets():
        shown = shown.replace(secret, "***")
    raise ConfigurationError(
        f"{config.provider} base_url {shown} is plain http:// to another host, which would "
        f"send the credentials in clear; use https://, or pass allow_insecure=True (or set {INSECURE_ENV}=1) "
        "if this network is trusted",
        provider=config.provider,
    )


def _loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.") or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def missing_settings(cls: type[Provider]) -> list[str]:
    """The env vars of required settings that are unset (for ``connect_all`` and the CLI)."""
    return [
        s.env or s.name
        for s in cls.settings
        if s.required and s.default is None and not (s.env and os.environ.get(s.env))
    ]
