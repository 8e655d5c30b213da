"""The provider catalogue: what each installed provider is, needs and offers, as plain records.

What the CLI, ``modelreg.testing`` and any third-party tool need to know of a provider, without
reaching into its class: its settings (with their env vars and secrecy), filters, create and
update fields, operations, and whether the environment configures it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, overload

import attrs

from modelreg._config import missing_settings
from modelreg._paging import Paging, paging_of
from modelreg._plugins import provider_class, provider_classes
from modelreg._records import Limit
from modelreg.provider import Provider, Setting
from modelreg.sandbox import Sandbox

CORE_OPERATIONS = (
    ("list", "list_page"),
    ("get", "get"),
    ("create", "create"),
    ("update", "update"),
    ("delete", "delete"),
    ("train", "train"),
    ("validate", "validate"),
)
"""Registry operations and the provider method behind each: a provider offers those it overrides."""


@attrs.frozen
class ProviderInfo:
    """One installed provider as the catalogue describes it (``modelreg.provider_info(name)``)."""

    name: str
    title: str
    settings: tuple[Setting, ...]
    """Every ``connect()`` setting, with its env var, whether it is secret and whether it is required."""
    filters: tuple[str, ...]
    create_fields: tuple[str, ...]
    update_fields: tuple[str, ...]
    operations: tuple[str, ...]
    """The common operations it implements (``list``, ``get``...), then its own (``reg.operations``)."""
    limits: Mapping[str, Limit]
    """The vendor's documented limits per operation, which the client paces itself by."""
    default_base_url: str
    base_url_env: str | None
    missing: tuple[str, ...]
    """The env vars (or setting names) of required settings the environment does not provide."""
    provider_class: type[Provider] = attrs.field(repr=False)
    """The plugin's class, for tools that build on the provider contract (``modelreg.provider``)."""
    paging: Paging = Paging.PAGES
    """How the vendor pages: page numbers, offsets or cursors (``modelreg.provider.Paging``)."""

    @property
    def configured(self) -> bool:
        """Whether ``connect(name)`` would find every required setting in the environment."""
        return not self.missing

    @property
    def reason(self) -> str | None:
        """Why it is not configured (which env vars to set), or None when it is."""
        return f"not configured: set {', '.join(self.missing)}" if self.missing else None

    @property
    def secret_settings(self) -> tuple[str, ...]:
        """The names of its secret settings (credentials)."""
        return tuple(setting.name for setting in self.settings if setting.secret)

    def sandbox(self, **options: Any) -> Sandbox:
        """A new emulator of this provider's vendor (``UnsupportedOperation`` when it ships none)."""
        return self.provider_class.sandbox(**options)


def provider_info(name: str) -> ProviderInfo:
    """What the installed provider ``name`` needs and offers; ``ConfigurationError`` when none is installed."""
    return _info(provider_class(name))


@overload
def providers(details: Literal[False] = False) -> list[str]: ...


@overload
def providers(details: Literal[True]) -> list[ProviderInfo]: ...


def providers(details: bool = False) -> list[str] | list[ProviderInfo]:
    """The installed providers, sorted by name: their names, or with ``details=True`` their ``ProviderInfo``."""
    classes = provider_classes()
    names = sorted(classes)
    if details:
        return [_info(classes[name]) for name in names]
    return names


def _info(cls: type[Provider]) -> ProviderInfo:
    common = [name for name, method in CORE_OPERATIONS if getattr(cls, method) is not getattr(Provider, method)]
    return ProviderInfo(
        name=cls.name,
        title=cls.title or cls.name,
        settings=tuple(cls.settings),
        filters=tuple(sorted(cls.filters)),
        create_fields=tuple(sorted(cls.create_fields)),
        update_fields=tuple(sorted(cls.update_fields)),
        operations=(*common, *(name for name in cls.extra_operations if name not in common)),
        limits=dict(cls.limits),
        default_base_url=cls.default_base_url,
        base_url_env=cls.base_url_env,
        missing=tuple(missing_settings(cls)),
        provider_class=cls,
        paging=paging_of(cls),
    )
