"""Resolving a provider's settings from ``connect()`` arguments, the environment and the profile."""

from __future__ import annotations

import ipaddress
import os
import re
import urllib.parse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from modelreg._paging import paging_of
from modelreg._sources import effective
from modelreg.errors import ConfigurationError

if TYPE_CHECKING:
    from modelreg.provider import Config, Provider

from modelreg._placeholder import SANDBOX_SECRET

__all__ = ["SANDBOX_SECRET", "check_secure", "missing_settings", "resolve_config"]


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
    paging_of(cls)
    url_source = found[-1]
    if url_source.error:
        raise ConfigurationError(url_source.error, provider=cls.name)
    url = fill_base_url(cls, str(url_source.value), values)
    if not url.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"{cls.name} base_url must start with http:// or https://, got {url!r}", provider=cls.name
        )
    secret_names = frozenset(s.name for s in cls.settings if s.secret)
    from modelreg.provider import Config  # with httpx: not needed to list missing settings

    secret_params = frozenset(s.query for s in cls.settings if s.secret and s.query)
    config = Config(cls.name, url.rstrip("/"), values, secret_names, secret_params)
    cls.check_config(config)
    return config


_PLACEHOLDER = re.compile(r"\{(\w*)\}")
_URL_SAFE = re.compile(r"[A-Za-z0-9._~-]+")


def fill_base_url(cls: type[Provider], url: str, values: Mapping[str, Any]) -> str:
    """``url`` with each ``{setting}`` placeholder replaced by that setting's value (a region, an account...).

    A value must be a plain URL segment (letters, digits, ``._~-``): one that could change the
    host or the path, such as ``evil.example/x``, is refused before anything is sent.
    """
    known = {setting.name: setting for setting in cls.settings}

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        setting = known.get(name)
        if setting is None:
            raise ConfigurationError(
                f"{cls.name} base URL {url!r} names {{{name}}}, which is none of its settings "
                f"({', '.join(known) or 'none'})",
                provider=cls.name,
            )
        value = values.get(name)
        if value is None:
            how = f"pass {name}=..." + (f" or set {setting.env}" if setting.env else "")
            raise ConfigurationError(f"{cls.name} needs {name} to build its base URL: {how}", provider=cls.name)
        text = str(value)
        if not _URL_SAFE.fullmatch(text):
            shown = "***" if setting.secret else repr(text)
            raise ConfigurationError(
                f"{cls.name} setting {name} goes into the base URL, so it may hold only letters, digits and "
                f"'._~-'; got {shown}",
                provider=cls.name,
            )
        return text

    return _PLACEHOLDER.sub(fill, url)


INSECURE_ENV = "MODELREG_ALLOW_INSECURE"
"""Set to 1 to allow ``http://`` base URLs to hosts other than this machine (credentials in clear)."""


def check_secure(config: Config, allow_insecure: bool) -> None:
    """Refuse an ``http://`` base URL to a host that is not loopback, unless the user opted in."""
    url = urllib.parse.urlsplit(config.base_url)
    if url.scheme != "http" or _loopback(url.hostname or "") or allow_insecure:
        return
    if os.environ.get(INSECURE_ENV, "").strip().lower() in ("1", "true", "yes"):
        return
    shown = url._replace(query="", fragment="").geturl()
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
