"""Named profiles: provider settings kept in a config file, secrets inline or by reference.

``connect(name, profile="prod")`` (``modelreg --profile prod``) reads ``[profiles.prod.NAME]``
from the config file (``config_path()``: ``$MODELREG_CONFIG``, else
``$XDG_CONFIG_HOME/modelreg/config.toml``). Precedence: arguments > environment > profile >
defaults. A value may be inline or a ``Reference`` to an env var, a file or the system keyring
(the ``keyring`` extra). ``effective_settings()`` says where each setting of a provider comes
from; ``save_profile()`` writes one profile's table (mode 0600), as ``modelreg configure`` does.
"""

from __future__ import annotations

from typing import Any

from modelreg._plugins import provider_class
from modelreg._profile_write import save_profile
from modelreg._profiles import (
    CONFIG_ENV,
    DEFAULT_PROFILE,
    PROFILE_ENV,
    ConfigFile,
    Reference,
    config_path,
    load_config,
    select_profile,
    store_in_keyring,
)
from modelreg._sources import BASE_URL, EffectiveSetting, effective, missing


def effective_settings(
    provider: str, *, profile: str | None = None, sandbox: bool = False, **arguments: Any
) -> tuple[EffectiveSetting, ...]:
    """Each setting of ``provider`` (then ``base_url``) as ``connect()`` would resolve it, with its source.

    Unlike ``connect()``, a reference that cannot be read is reported in the setting's ``error``
    instead of raised. Values are not masked: mask ``secret`` ones before showing them.
    """
    base_url = arguments.pop(BASE_URL, None)
    found = effective(provider_class(provider), arguments, base_url=base_url, sandbox=sandbox, profile=profile)
    return tuple(found)


def missing_settings(provider: str, *, profile: str | None = None) -> tuple[str, ...]:
    """The env vars (or names) of required settings that neither the environment nor the profile gives."""
    return tuple(missing(provider_class(provider), profile))


def active_profile(profile: str | None = None) -> str | None:
    """The profile that applies: ``profile``, else ``$MODELREG_PROFILE``, else ``default`` if it exists."""
    return select_profile(load_config(), profile)


__all__ = [
    "BASE_URL",
    "CONFIG_ENV",
    "DEFAULT_PROFILE",
    "PROFILE_ENV",
    "ConfigFile",
    "EffectiveSetting",
    "Reference",
    "active_profile",
    "config_path",
    "effective_settings",
    "load_config",
    "missing_settings",
    "save_profile",
    "store_in_keyring",
]
