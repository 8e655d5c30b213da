"""Vendor field values from the command line, typed, and secrets kept off it.

``--set KEY=VALUE`` gives a value inline (``@PATH`` reads it from a file, ``@@`` stands for a
literal ``@``); ``--set-env KEY=VAR`` reads it from an environment variable; ``--set-prompt KEY``
asks for it with hidden input. Each value is turned into the type the provider declares for the
field (``Provider.field_types``): ``--set version=1`` is the string ``"1"`` for a text field and
the number 1 for an integer one. A provider that declares no types gets JSON where it parses.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import click

import modelreg
from modelreg.cli import _params
from modelreg.cli._redaction import KEY_FIELDS, fold

TRUE = frozenset({"true", "yes", "on", "1"})
FALSE = frozenset({"false", "no", "off", "0"})


def field_types(provider: str) -> Mapping[str, type] | None:
    """The types ``provider`` declares for its fields and filters, or None when it declares none."""
    declared: Mapping[str, type] = getattr(modelreg.provider_info(provider).provider_class, "field_types", {}) or {}
    return declared or None


def filter_types() -> dict[str, type]:
    """The filter types every installed provider declares (the first declaration of a name wins)."""
    found: dict[str, type] = {}
    for info in modelreg.providers(details=True):
        for name, kind in (getattr(info.provider_class, "field_types", {}) or {}).items():
            found.setdefault(name, kind)
    return found


def coerce(kind: type | None, text: str, key: str, option: str) -> Any:
    """``text`` as a value of ``kind`` (a usage error naming ``option`` when it is not one); JSON if no kind."""
    if kind is None:
        return _params.parse_value(text)
    if kind is str:
        return text
    if kind is bool:
        if text.strip().lower() in TRUE | FALSE:
            return text.strip().lower() in TRUE
        raise click.BadParameter(f"{key} is true or false, got {text!r}", param_hint=option)
    if kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            wanted = "an integer" if kind is int else "a number"
            raise click.BadParameter(f"{key} is {wanted}, got {text!r}", param_hint=option) from None
    if kind in (dict, list):
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if not isinstance(value, kind):
            shape = 'a JSON object, e.g. \'{"k": "v"}\'' if kind is dict else "a JSON array, e.g. '[\"a\"]'"
            raise click.BadParameter(f"{key} is {shape}", param_hint=option) from None
        return value
    return text


def _from_file(text: str, key: str) -> str:
    path = Path(text).expanduser()
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.BadParameter(f"cannot read {key}'s value from {path}: {exc}", param_hint="--set") from None
    return content.rstrip("\r\n")


def _secret_like(key: str) -> bool:
    return fold(key) in KEY_FIELDS


def read_fields(
    provider: str, pairs: Iterable[str], env_pairs: Iterable[str] = (), prompts: Iterable[str] = ()
) -> dict[str, Any]:
    """The vendor fields of ``--set``, ``--set-env`` and ``--set-prompt``, typed for ``provider``."""
    types = field_types(provider)
    texts: dict[str, str] = {}
    inline_secrets: list[str] = []

    def put(key: str, text: str, option: str) -> None:
        if key in texts:
            raise click.BadParameter(f"{key!r} is given twice", param_hint=option)
        texts[key] = text

    for key, value in _params.split_pairs(pairs, "--set", example="language=en"):
        if value.startswith("@@"):
            value = value[1:]
        elif value.startswith("@"):
            value = _from_file(value[1:], key)
        elif _secret_like(key) and value:
            inline_secrets.append(key)
        put(key, value, "--set")
    for key, variable in _params.split_pairs(env_pairs, "--set-env", example="api_key=OPENAI_API_KEY"):
        if variable not in os.environ:
            raise click.BadParameter(f"{key} is read from ${variable}, which is not set", param_hint="--set-env")
        put(key, os.environ[variable], "--set-env")
    for key in prompts:
        put(key, click.prompt(f"{key}", hide_input=True, err=True), "--set-prompt")
    for key in inline_secrets:  # only names in it: click.echo, since masking would hide the advice
        click.echo(
            f"Note: {key} was given on the command line, where shell history and other users' `ps` can see it; "
            f"next time use --set {key}=@FILE, --set-env {key}=VAR or --set-prompt {key}.",
            err=True,
        )
    if types is None:
        return {key: _params.parse_value(text) for key, text in texts.items()}
    # A field the provider does not declare stays text: the provider says it is unknown.
    return {key: coerce(types.get(key, str), text, key, "--set") for key, text in texts.items()}
