"""What the conformance kit knows of the provider under test: settings, fields, and how to connect."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from typing import Any

import attrs

import modelreg
from modelreg import AsyncModelRegistry, Model, ModelRegistry, ProviderInfo
from modelreg.sandbox import Sandbox
from modelreg.testing._workload import new_sandbox


@attrs.frozen
class Subject:
    """How to drive one provider generically (the workload's ``Subject``), built from a contract's settings."""

    name: str
    credentials: Mapping[str, Any]
    create: Callable[[str], dict[str, Any]]
    update: Callable[[int], dict[str, Any]] | None
    observed: Callable[[Model], dict[str, Any]]
    sandbox_options: Mapping[str, Any] = attrs.field(factory=dict)
    keeper: bool = False

    @property
    def info(self) -> ProviderInfo:
        """The provider's catalogue entry."""
        return modelreg.provider_info(self.name)

    @property
    def secrets(self) -> tuple[str, ...]:
        """The secret values the kit connects with."""
        secret = set(self.info.secret_settings)
        return tuple(str(value) for name, value in self.credentials.items() if name in secret and value)

    def sandbox(self, **options: Any) -> Sandbox:
        """A fresh, empty emulator (but for a kept model, where the vendor needs one)."""
        return new_sandbox(self, **options)

    def connect(self, sandbox: Sandbox, **options: Any) -> ModelRegistry:
        """A registry on ``sandbox`` with the kit's credentials."""
        return modelreg.connect(self.name, sandbox=sandbox, **{**self.credentials, **options})

    def connect_async(self, sandbox: Sandbox, **options: Any) -> AsyncModelRegistry:
        """An async registry on ``sandbox`` with the kit's credentials."""
        return modelreg.connect_async(self.name, sandbox=sandbox, **{**self.credentials, **options})


def distinctive_credentials(info: ProviderInfo, given: Mapping[str, Any]) -> dict[str, Any]:
    """``given``, plus a fresh 32-digit hex value for each required secret it leaves out.

    A 32-digit hex key has no telltale shape (a ``uuid4().hex`` looks the same), so only its
    value can find it in a log line, an error or a cassette: the secrecy checks look for it.
    """
    values = dict(given)
    for setting in info.settings:
        if setting.secret and setting.required and setting.name not in values:
            values[setting.name] = secrets.token_hex(16)
    return values


def read_field(model: Model, name: str) -> Any:
    """A field of ``model`` by name: the record's own, else its details', else the vendor's raw JSON."""
    if name in ("name", "description", "status", "created_at", "updated_at", "id"):
        return getattr(model, name)
    if model.details is not None and hasattr(model.details, name):
        return getattr(model.details, name)
    return model.raw.get(name) if isinstance(model.raw, Mapping) else None
