"""``modelreg configure PROVIDER`` writes a profile; ``modelreg config show`` says where each setting comes from.

Secrets never go on the command line: ``configure`` asks for them with hidden input (or takes
``--set KEY=@FILE`` / ``--set-env KEY=VAR``, stored as references), keeps them inline in the
config file (written with mode 0600) or, with ``--keyring``, in the system keyring.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

import modelreg
from modelreg.cli import _formats, _output, _params
from modelreg.cli._completion import complete_provider
from modelreg.cli._session import Session, check_provider
from modelreg.profiles import (
    BASE_URL,
    DEFAULT_PROFILE,
    PROFILE_ENV,
    Reference,
    active_profile,
    config_path,
    effective_settings,
    load_config,
    save_profile,
    store_in_keyring,
)

KEYRING_SERVICE = "modelreg"
"""The keyring service ``configure --keyring`` stores secrets under (user name: PROFILE.PROVIDER.SETTING)."""
Value = str | int | float | bool | Reference


def _shown(value: Value | None) -> str:
    """A current value as a prompt shows it: a reference by where it points, an inline secret masked."""
    if value is None:
        return ""
    if isinstance(value, Reference):
        return value.describe()
    return str(value)


def _given(provider: str, pairs: tuple[str, ...], env_pairs: tuple[str, ...]) -> dict[str, Value]:
    """Settings given as options: ``--set KEY=VALUE`` (``@FILE`` as a file reference), ``--set-env KEY=VAR``."""
    info = modelreg.provider_info(provider)
    secret = set(info.secret_settings)
    known = {setting.name for setting in info.settings} | {BASE_URL}
    given: dict[str, Value] = {}
    split = [(k, v, "--set") for k, v in _params.split_pairs(pairs, "--set", example="base_url=https://...")]
    split += [(k, v, "--set-env") for k, v in _params.split_pairs(env_pairs, "--set-env", example="api_key=MY_KEY")]
    for key, value, option in split:
        if key not in known:
            raise click.BadParameter(
                f"{provider} has no setting {key!r} (it has {', '.join(sorted(known))})", param_hint=option
            )
        if key in given:
            raise click.BadParameter(f"{key!r} is given twice", param_hint=option)
        if option == "--set-env":
            given[key] = Reference("env", value)
        elif value.startswith("@") and not value.startswith("@@"):
            given[key] = Reference("file", str(Path(value[1:]).expanduser().resolve()))
        elif key in secret:
            raise click.BadParameter(
                f"{key} is a secret: keep it off the command line with --set {key}=@FILE or --set-env {key}=VAR, "
                "or leave it out to be asked for it (hidden input)",
                param_hint=option,
            )
        else:
            given[key] = value.removeprefix("@")
    return given


def _ask(
    profile: str, provider: str, name: str, help_text: str, secret: bool, current: Value | None, keyring: bool
) -> Value | None:
    """Ask for one setting; Enter keeps the current value. A secret is read hidden and may be env:VAR or file:PATH."""
    label = f"{name}" + (f" ({help_text})" if help_text else "")
    if not secret:
        answer = click.prompt(label, default=_shown(current), show_default=bool(current), err=True)
        return answer.strip() or None
    keep = f" [{'keep: ' + ('***' if not isinstance(current, Reference) else _shown(current))}]" if current else ""
    answer = click.prompt(
        f"{label}; hidden, or env:VAR / file:PATH{keep}", default="", hide_input=True, show_default=False, err=True
    ).strip()
    if not answer:
        return current
    if answer.startswith("env:"):
        return Reference("env", answer[4:])
    if answer.startswith("file:"):
        return Reference("file", str(Path(answer[5:]).expanduser().resolve()))
    if keyring:
        reference = Reference("keyring", KEYRING_SERVICE, f"{profile}.{provider}.{name}")
        store_in_keyring(reference, answer)
        return reference
    return answer


def register(cli: click.Group) -> None:
    """Add ``configure`` and the ``config`` group to ``cli``."""

    @cli.command("configure")
    @click.argument("provider", shell_complete=complete_provider)
    @click.option(
        "--profile", metavar="NAME", help=f"The profile to write (default: ${PROFILE_ENV}, else {DEFAULT_PROFILE})."
    )
    @click.option("--set", "pairs", multiple=True, metavar="KEY=VALUE", help="A setting (a secret only as @FILE).")
    @click.option(
        "--set-env", "env_pairs", multiple=True, metavar="KEY=VAR", help="A setting read from $VAR when used."
    )
    @click.option("--keyring", "use_keyring", is_flag=True, help="Keep typed-in secrets in the system keyring.")
    @click.option("--no-input", is_flag=True, help="Ask nothing: write only what --set and --set-env give.")
    @click.pass_obj
    def configure_command(
        session: Session,
        provider: str,
        profile: str | None,
        pairs: tuple[str, ...],
        env_pairs: tuple[str, ...],
        use_keyring: bool,
        no_input: bool,
    ) -> None:
        """Write PROVIDER's settings to a profile of the config file, asking for each one.

        Secrets are read with hidden input (type env:VAR or file:PATH to keep a reference instead)
        and written to a file only its owner can read (mode 600), or with --keyring to the system
        keyring. Example: modelreg configure scriptix --profile prod
        """
        check_provider(provider)
        name = profile or session.profile or os.environ.get(PROFILE_ENV) or DEFAULT_PROFILE
        info = modelreg.provider_info(provider)
        current: dict[str, Value] = dict(load_config().table(name, provider))
        given = _given(provider, pairs, env_pairs)
        values: dict[str, Value] = {}
        rows = [(s.name, s.help, s.secret) for s in info.settings] + [
            (BASE_URL, f"default {info.default_base_url}", False)
        ]
        for setting, help_text, secret in rows:
            if setting in given:
                values[setting] = given[setting]
            elif no_input:
                if setting in current:
                    values[setting] = current[setting]
            else:
                answer = _ask(name, provider, setting, help_text, secret, current.get(setting), use_keyring)
                if answer is not None:
                    values[setting] = answer
        path = save_profile(name, provider, values)
        _output.note(f"Wrote profile {name} for {provider} to {path} (readable by you only).")
        check = ["modelreg", "config", "show", provider] + (["--profile", name] if name != DEFAULT_PROFILE else [])
        _output.note(f"Check it with `{' '.join(check)}`.")

    @cli.group("config")
    def config_group() -> None:
        """The config file of profiles: where it is and what it sets."""

    @config_group.command("show")
    @click.argument("names", nargs=-1, metavar="[PROVIDER]...", shell_complete=complete_provider)
    @click.option("--json", "as_json", is_flag=True, help="Print one JSON document (-o json).")
    @click.pass_obj
    def show_command(session: Session, names: tuple[str, ...], as_json: bool) -> None:
        """Show each provider's effective settings, secrets masked, and where each comes from.

        Precedence: environment variables, then the profile, then defaults (--sandbox needs no credential).
        """
        for name in names:
            check_provider(name)
        rows: list[dict[str, Any]] = []
        for provider in names or tuple(modelreg.providers()):
            for setting in effective_settings(provider, profile=session.profile, sandbox=session.sandbox):
                value = "***" if setting.secret and setting.value else setting.value
                rows.append(
                    {"provider": provider, "setting": setting.name, "value": value, "source": setting.source}
                    | {"error": setting.error}
                )
        grid = _output.table("PROVIDER", "SETTING", "VALUE", "SOURCE")
        for row in rows:
            grid.add_row(
                _output.plain(row["provider"], "bold"),
                _output.plain(row["setting"]),
                _output.plain("(error)", "red") if row["error"] else _output.plain(row["value"]),
                _output.plain(row["source"], "dim"),
                data=[row["provider"], row["setting"], row["value"], row["source"]],
            )
        config = load_config()
        where = str(config.path) if config.exists else f"{config.path} (not written yet)"
        _output.note(f"Config file: {where}; profile: {_active(session) or 'none'}")
        for row in rows:
            if row["error"]:
                _output.note(f"Error: {row['error']}")
        _formats.emit(grid, rows, as_json=as_json)

    @config_group.command("path")
    def path_command() -> None:
        """Print where the config file is ($MODELREG_CONFIG, else $XDG_CONFIG_HOME/modelreg/config.toml)."""
        click.echo(str(config_path()))


def _active(session: Session) -> str | None:
    return None if session.sandbox else active_profile(session.profile)
