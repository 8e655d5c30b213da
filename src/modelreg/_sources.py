"""Where each provider setting comes from: arguments > environment > profile > defaults.

``effective()`` applies that precedence once, for ``connect()`` (which needs the values) and for
``modelreg config show`` (which shows where each came from). In sandbox mode no profile is read
and no credential is taken from the environment: the emulators need none, and a real credential
has no business in a sandbox's state files.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from modelreg._placeholder import SANDBOX_SECRET
from modelreg._profiles import ConfigFile, Reference, load_config, resolve, select_profile
from modelreg.errors import ConfigurationError

if TYPE_CHECKING:
    from modelreg.provider import Provider

BASE_URL = "base_url"
"""The one profile key that is not a provider setting: the vendor's host root."""


@attrs.frozen
class EffectiveSetting:
    """One setting's effective value and where it came from; ``error`` when its reference cannot be read."""

    name: str
    value: Any
    source: str
    """``argument``, ``env VAR``, ``profile NAME``, ``profile NAME: env VAR`` (a reference), ``default``,
    ``sandbox`` (a placeholder credential) or ``unset``."""
    secret: bool = False
    error: str | None = None


@attrs.frozen
class _Profile:
    """The profile table that applies to one provider, with what is needed to resolve its references."""

    name: str | None
    config: ConfigFile | None
    table: Mapping[str, Any]

    def lookup(self, provider: str, name: str, *, secret: bool) -> EffectiveSetting | None:
        if name not in self.table or self.config is None:
            return None
        value = self.table[name]
        source = f"profile {self.name}"
        if not isinstance(value, Reference):
            return EffectiveSetting(name, value, source, secret)
        where = f"{provider} {name} (profile {self.name} in {self.config.path})"
        source = f"{source}: {value.describe()}"
        try:
            resolved = resolve(value, secret=secret, where=where, base=self.config.path.parent)
        except ConfigurationError as exc:
            return EffectiveSetting(name, None, source, secret, error=str(exc))
        return EffectiveSetting(name, resolved, source, secret)


def applicable_profile(cls: type[Provider], profile: str | None, *, sandbox: bool) -> _Profile:
    """The profile table that applies to ``cls`` (none in sandbox mode), its keys checked."""
    if sandbox:
        return _Profile(None, None, {})
    config = load_config()
    name = select_profile(config, profile)
    table = config.table(name, cls.name) if name else {}
    known = {setting.name for setting in cls.settings} | {BASE_URL}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigurationError(
            f"profile {name} in {config.path} gives {cls.name} {', '.join(map(repr, unknown))}, which it does not "
            f"take; it accepts {', '.join(sorted(known))}",
            provider=cls.name,
        )
    return _Profile(name, config, table)


def effective(
    cls: type[Provider],
    arguments: Mapping[str, Any],
    *,
    base_url: str | None = None,
    sandbox: bool = False,
    profile: str | None = None,
) -> list[EffectiveSetting]:
    """Every setting of ``cls`` (then ``base_url``) with its value and source, by precedence."""
    chosen = applicable_profile(cls, profile, sandbox=sandbox)
    found = []
    for setting in cls.settings:
        secret = setting.secret
        if arguments.get(setting.name) is not None:
            found.append(EffectiveSetting(setting.name, arguments[setting.name], "argument", secret))
            continue
        if setting.env and not (sandbox and secret) and os.environ.get(setting.env):
            found.append(EffectiveSetting(setting.name, os.environ[setting.env], f"env {setting.env}", secret))
            continue
        from_profile = chosen.lookup(cls.name, setting.name, secret=secret)
        if from_profile is not None:
            found.append(from_profile)
        elif setting.default is not None:
            found.append(EffectiveSetting(setting.name, setting.default, "default", secret))
        elif setting.required and sandbox:
            placeholder = SANDBOX_SECRET.format(name=setting.name) if secret else "sandbox"
            found.append(EffectiveSetting(setting.name, placeholder, "sandbox", secret))
        else:
            found.append(EffectiveSetting(setting.name, None, "unset", secret))
    found.append(_base_url(cls, base_url, chosen))
    return found


def _base_url(cls: type[Provider], base_url: str | None, chosen: _Profile) -> EffectiveSetting:
    if base_url:
        return EffectiveSetting(BASE_URL, base_url, "argument")
    if cls.base_url_env and os.environ.get(cls.base_url_env):
        return EffectiveSetting(BASE_URL, os.environ[cls.base_url_env], f"env {cls.base_url_env}")
    return chosen.lookup(cls.name, BASE_URL, secret=False) or EffectiveSetting(
        BASE_URL, cls.default_base_url, "default"
    )


def missing(cls: type[Provider], profile: str | None = None) -> list[str]:
    """The env vars (or names) of required settings that neither the environment nor the profile gives."""
    chosen = applicable_profile(cls, profile, sandbox=False)
    return [
        setting.env or setting.name
        for setting in cls.settings
        if setting.required
        and setting.default is None
        and not (setting.env and os.environ.get(setting.env))
        and setting.name not in chosen.table
    ]
