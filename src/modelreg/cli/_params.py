"""Command-line values turned into library arguments: refs, ``key=value`` pairs, filter values (typed)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import click

from modelreg import ModelStatus, parse_ref

RESERVED_FILTER_OPTIONS = frozenset(
    {"status", "search", "limit", "provider", "providers", "json", "jsonl", "filter", "extra", "as_json", "help"}
    | {"yes", "dry_run", "force", "export", "session"}
)
"""Names list and prune use themselves: a vendor filter by one of these goes through ``--filter``."""


def own_option(filter_name: str) -> bool:
    """True when a vendor filter can have an option of its own (else ``--filter`` reaches it)."""
    return (
        filter_name.isidentifier() and filter_name.lower() == filter_name and filter_name not in RESERVED_FILTER_OPTIONS
    )


def parse_value(text: str) -> Any:
    """A JSON value when ``text`` is one (``true``, ``3``, ``["a"]``, ``null``), else the text itself."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def split_pairs(pairs: Iterable[str], option: str, *, example: str = "language=en") -> list[tuple[str, str]]:
    """``KEY=VALUE`` strings as ``(key, value)`` pairs; a usage error showing ``example`` otherwise."""
    split = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE (e.g. {option} {example})", param_hint=option)
        split.append((key, value))
    return split


def parse_pairs(pairs: Iterable[str], option: str, types: Mapping[str, type] | None = None) -> dict[str, Any]:
    """``KEY=VALUE`` strings as a dict, each value of the type ``types`` gives its key (else JSON when it parses)."""
    from modelreg.cli._fields import coerce

    fields: dict[str, Any] = {}
    for key, value in split_pairs(pairs, option):
        if key in fields:
            raise click.BadParameter(f"{key!r} is given twice", param_hint=option)
        fields[key] = coerce((types or {}).get(key), value, key, option)
    return fields


def merge_fields(named: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Fields from named options (``--name``) and ``--set`` pairs; the same field twice is a usage error."""
    fields = {key: value for key, value in named.items() if value is not None}
    clash = sorted(set(fields) & set(extra))
    if clash:
        raise click.UsageError(f"{', '.join(clash)} given both as an option and with --set; give it once")
    fields.update(extra)
    return fields


def check_ref(ref: str) -> str:
    """``ref`` unchanged when it reads PROVIDER:ID; a usage error saying how to write it otherwise."""
    try:
        parse_ref(ref)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="REF") from None
    return ref


def list_filters(
    status: str | None, search: str | None, vendor: Mapping[str, str | None], extra: Iterable[str]
) -> dict[str, Any]:
    """The ``list()`` filters from the common options, the vendor options and ``--filter`` pairs."""
    filters: dict[str, Any] = {}
    if status is not None:
        filters["status"] = ModelStatus(status)
    if search is not None:
        filters["search"] = search
    from modelreg.cli._fields import coerce, filter_types

    types = filter_types()
    given = {key: value for key, value in vendor.items() if value is not None}
    filters.update({key: coerce(types.get(key), value, key, option_name(key)) for key, value in given.items()})
    return merge_fields(filters, parse_pairs(extra, "--filter", types))


def option_name(filter_name: str) -> str:
    """The command-line option of a vendor filter: ``base_model`` -> ``--base-model``."""
    return "--" + filter_name.replace("_", "-")
