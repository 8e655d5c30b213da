"""The credentials every installed provider declares: their field names and configured values."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from modelreg import providers
from modelreg.provider import Setting
from modelreg.sandbox import SANDBOX_SECRET
from modelreg.testing._scrub import Scrubber


def declared_secrets() -> list[tuple[str, Setting]]:
    """Every ``Setting(secret=True)`` of every installed provider, with the provider's name."""
    return [(info.name, s) for info in providers(details=True) for s in info.settings if s.secret]


def secret_fields() -> frozenset[str]:
    """The names of every declared credential, and the headers and query parameters they travel in.

    Each is masked wherever it appears as a header, a query parameter or a body field.
    """
    names: set[str] = set()
    for _, setting in declared_secrets():
        names.update(name.lower() for name in (setting.name, setting.header, setting.query) if name)
    return frozenset(names)


def configured_secrets() -> list[str]:
    """The values of every declared credential found in the environment, and the sandbox placeholders."""
    values = []
    for _, setting in declared_secrets():
        if setting.env and os.environ.get(setting.env):
            values.append(os.environ[setting.env])
        values.append(SANDBOX_SECRET.format(name=setting.name))
    return values


def registry_secrets(registry: Any) -> tuple[str, ...]:
    """The credential values a (sync or async) registry was configured with."""
    secrets: tuple[str, ...] = registry.config.secrets()
    return secrets


def scrubber(secrets: Iterable[str] = (), fields: Iterable[str] = ()) -> Scrubber:
    """A ``Scrubber`` that knows every installed provider's credentials, plus ``secrets`` and ``fields``."""
    return Scrubber([*configured_secrets(), *secrets], [*secret_fields(), *fields])
