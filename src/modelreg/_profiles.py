"""Named profiles in the config file: per-provider settings, each inline or kept by reference.

The file is ``$MODELREG_CONFIG``, else ``$XDG_CONFIG_HOME/modelreg/config.toml``, else
``~/.config/modelreg/config.toml``. One TOML table per profile and provider::

    [profiles.prod.scriptix]
    api_key = { env = "SCRIPTIX_PROD_KEY" }      # or { file = "..." }, { keyring = "modelreg", username = "..." }
    base_url = "https://api.scriptix.io"

A file holding a secret inline must not be readable by every user: it is refused, with the
``chmod`` that fixes it. References are resolved only when their value is needed.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import attrs

from modelreg.errors import ConfigurationError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONFIG_ENV = "MODELREG_CONFIG"
"""The config file to use instead of ``$XDG_CONFIG_HOME/modelreg/config.toml``."""
PROFILE_ENV = "MODELREG_PROFILE"
"""The profile to use when ``profile=`` (``--profile``) does not name one."""
DEFAULT_PROFILE = "default"
"""The profile used when none is named, if the file has it."""
KINDS = ("env", "file", "keyring")
CREDENTIAL_WORDS = ("key", "token", "secret", "password")
"""A setting of a provider that is not installed counts as a secret when its name holds one of these."""

Scalar = str | int | float | bool


def config_path() -> Path:
    """Where the config file is (it may not exist)."""
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CONFIG_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".config"
    return base / "modelreg" / "config.toml"


@attrs.frozen
class Reference:
    """A setting's value kept outside the config file: an env var, a file, or the system keyring."""

    kind: Literal["env", "file", "keyring"]
    target: str
    """The env var's name, the file's path, or the keyring service."""
    username: str | None = None
    """The keyring entry's user name (keyring references only)."""

    def describe(self) -> str:
        """Where the value is read from, in words: ``env SCRIPTIX_KEY``, ``file ~/.keys/x``, ``keyring modelreg``."""
        if self.kind == "keyring":
            return f"keyring {self.target} ({self.username})"
        return f"{self.kind} {self.target}"

    def toml(self) -> dict[str, str]:
        """The inline table that stands for this reference in the config file."""
        table: dict[str, str] = {self.kind: self.target}
        if self.username is not None:
            table["username"] = self.username
        return table


Value = Scalar | Reference


@attrs.frozen
class ConfigFile:
    """The parsed config file: ``profiles[profile][provider][setting]`` -> an inline value or a ``Reference``."""

    path: Path
    profiles: Mapping[str, Mapping[str, Mapping[str, Value]]]
    exists: bool = True

    def names(self) -> list[str]:
        """The profile names, sorted."""
        return sorted(self.profiles)

    def table(self, profile: str, provider: str) -> Mapping[str, Value]:
        """The settings ``profile`` gives ``provider`` (empty when it gives none)."""
        return self.profiles.get(profile, {}).get(provider, {})


def load_config(path: Path | None = None) -> ConfigFile:
    """The config file at ``path`` (default: ``config_path()``), checked; an empty one when it does not exist."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ConfigFile(path, {}, exists=False)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot read the modelreg config file {path}: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"the modelreg config file {path} is not valid TOML: {exc}") from None
    config = ConfigFile(path, _profiles(path, data))
    inline = inline_secrets(config)
    if inline:
        refuse_world_readable(path, f"holds {inline[0]} inline")
    return config


def _profiles(path: Path, data: Mapping[str, Any]) -> dict[str, dict[str, dict[str, Value]]]:
    raw = data.get("profiles", {})
    if not isinstance(raw, Mapping):
        raise ConfigurationError(f"{path}: 'profiles' must be a table of profiles, e.g. [profiles.prod.scriptix]")
    profiles: dict[str, dict[str, dict[str, Value]]] = {}
    for profile, providers in raw.items():
        if not isinstance(providers, Mapping):
            raise ConfigurationError(f"{path}: profiles.{profile} must hold one table per provider")
        profiles[profile] = {}
        for provider, settings in providers.items():
            where = f"profiles.{profile}.{provider}"
            if not isinstance(settings, Mapping):
                raise ConfigurationError(f"{path}: {where} must be a table of settings, e.g. [{where}]")
            profiles[profile][provider] = {name: _value(path, f"{where}.{name}", v) for name, v in settings.items()}
    return profiles


def _value(path: Path, where: str, value: Any) -> Value:
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Mapping):
        kinds = [kind for kind in KINDS if kind in value]
        extra = set(value) - {*KINDS, "username"}
        target = value.get(kinds[0]) if len(kinds) == 1 else None
        username = value.get("username")
        if (
            len(kinds) == 1
            and not extra
            and isinstance(target, str)
            and target
            and (username is None or (kinds[0] == "keyring" and isinstance(username, str)))
        ):
            return Reference(kinds[0], target, username)  # type: ignore[arg-type]
    raise ConfigurationError(
        f"{path}: {where} must be a string, a number, a boolean, or a reference such as "
        '{ env = "VAR" }, { file = "PATH" } or { keyring = "SERVICE", username = "NAME" }'
    )


def secret_names(provider: str) -> frozenset[str] | None:
    """The secret settings of an installed provider, or None when it is not installed."""
    from modelreg._plugins import provider_classes

    cls = provider_classes().get(provider)
    return None if cls is None else frozenset(s.name for s in cls.settings if s.secret)


def is_secret(provider: str, name: str) -> bool:
    """Whether setting ``name`` of ``provider`` is a credential (guessed by name for a provider not installed)."""
    declared = secret_names(provider)
    if declared is not None:
        return name in declared
    return any(word in name.lower() for word in CREDENTIAL_WORDS)


def inline_secrets(config: ConfigFile) -> list[str]:
    """The dotted names of every secret the file holds inline (``profiles.prod.scriptix.api_key``)."""
    return [
        f"profiles.{profile}.{provider}.{name}"
        for profile, providers in config.profiles.items()
        for provider, settings in providers.items()
        for name, value in settings.items()
        if not isinstance(value, Reference) and is_secret(provider, name)
    ]


def refuse_world_readable(path: Path, why: str) -> None:
    """Raise ``ConfigurationError`` when ``path`` (which ``why`` says holds a secret) is readable by every user."""
    if os.name != "posix":
        return  # Windows files have ACLs, not mode bits
    try:
        mode = path.stat().st_mode
    except OSError:
        return  # reading it will say what is wrong
    if mode & stat.S_IROTH:
        raise ConfigurationError(
            f"{path} {why} and is readable by every user (mode {stat.S_IMODE(mode):o}); "
            f"run `chmod 600 {path}`, or keep the secret by reference (env, file or keyring)"
        )


def select_profile(config: ConfigFile, profile: str | None) -> str | None:
    """The profile that applies: ``profile``, else ``$MODELREG_PROFILE``, else ``default`` if the file has it.

    A profile named explicitly (argument or env var) must exist: a typo is an error, not an empty profile.
    """
    named, how = (profile, "profile=") if profile else (os.environ.get(PROFILE_ENV) or None, PROFILE_ENV)
    if named is None:
        return DEFAULT_PROFILE if DEFAULT_PROFILE in config.profiles else None
    if named not in config.profiles:
        where = f"{config.path}" if config.exists else f"{config.path} (which does not exist)"
        known = f"its profiles: {', '.join(config.names())}" if config.profiles else "it has no profile"
        raise ConfigurationError(
            f"no profile {named!r} (from {how}) in {where}; {known}. "
            f"Create it with `modelreg configure PROVIDER --profile {named}`"
        )
    return named


def resolve(reference: Reference, *, secret: bool, where: str, base: Path) -> str:
    """The value ``reference`` points at; ``ConfigurationError`` naming ``where`` when it cannot be read."""
    if reference.kind == "env":
        value = os.environ.get(reference.target)
        if not value:
            raise ConfigurationError(f"{where} is read from env var {reference.target}, which is not set")
        return value
    if reference.kind == "file":
        path = (base / Path(reference.target).expanduser()).resolve()
        if secret:
            refuse_world_readable(path, f"holds {where}")
        try:
            return path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigurationError(f"{where} is read from {path}, which cannot be read: {exc}") from None
    return _from_keyring(reference, where)


def _from_keyring(reference: Reference, where: str) -> str:
    try:
        import keyring
        import keyring.errors
    except ImportError:
        raise ConfigurationError(
            f"{where} is kept in the system keyring, which needs the keyring package: pip install 'modelreg[keyring]'"
        ) from None
    try:
        value = keyring.get_password(reference.target, reference.username or "")
    except keyring.errors.KeyringError as exc:
        raise ConfigurationError(f"{where}: the system keyring could not be read: {exc}") from None
    if not value:
        raise ConfigurationError(
            f"{where}: the keyring has no entry {reference.username!r} in service {reference.target!r}; "
            "store it again with `modelreg configure`"
        )
    return str(value)


def store_in_keyring(reference: Reference, value: str) -> None:
    """Save ``value`` in the system keyring under ``reference`` (a keyring reference)."""
    if reference.kind != "keyring":
        raise ValueError(f"not a keyring reference: {reference!r}")
    try:
        import keyring
        import keyring.errors
    except ImportError:
        raise ConfigurationError("keeping secrets in the keyring needs: pip install 'modelreg[keyring]'") from None
    try:
        keyring.set_password(reference.target, reference.username or "", value)
    except keyring.errors.KeyringError as exc:
        raise ConfigurationError(f"the system keyring could not store the secret: {exc}") from None
