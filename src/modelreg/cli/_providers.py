"""``modelreg providers``: what is installed, whether it is configured, and what it can do."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from modelreg._config import missing_settings
from modelreg._plugins import provider_classes
from modelreg.cli import _output
from modelreg.cli._session import Session

if TYPE_CHECKING:
    from modelreg.provider import Provider

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


def operations(cls: type[Provider]) -> list[str]:
    """The operations a provider class offers: the common ones it implements, then its own."""
    from modelreg.provider import Provider

    common = [name for name, method in CORE_OPERATIONS if getattr(cls, method) is not getattr(Provider, method)]
    return common + [name for name in cls.extra_operations if name not in common]


def describe_provider(cls: type[Provider], *, sandbox: bool) -> dict[str, Any]:
    """A provider's description for ``modelreg providers --json``."""
    missing = missing_settings(cls)
    return {
        "name": cls.name,
        "title": cls.title or cls.name,
        "configured": sandbox or not missing,
        "missing": [] if sandbox else missing,
        "settings": [
            {"name": s.name, "env": s.env, "required": s.required, "secret": s.secret, "help": s.help}
            for s in cls.settings
        ],
        "operations": operations(cls),
        "filters": sorted(cls.filters),
        "create_fields": sorted(cls.create_fields),
        "update_fields": sorted(cls.update_fields),
    }


def register(cli: click.Group) -> None:
    """Add ``providers`` to ``cli``."""

    @cli.command("providers")
    @click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
    @click.pass_obj
    def providers_command(session: Session, as_json: bool) -> None:
        """List installed providers, whether each is configured, and their operations."""
        rows = [describe_provider(cls, sandbox=session.sandbox) for cls in provider_classes().values()]
        if as_json:
            _output.echo_json(rows)
            return
        if not rows:
            _output.note("No provider is installed: install a modelreg provider plugin.")
            return
        grid = _output.table("PROVIDER", "VENDOR", "CONFIGURED", "OPERATIONS")
        for row in rows:
            if session.sandbox:
                state = _output.plain("sandbox", "green")
            elif row["configured"]:
                state = _output.plain("yes", "green")
            else:
                state = _output.plain("no: set " + ", ".join(row["missing"]), "yellow")
            grid.add_row(_output.plain(row["name"], "bold"), row["title"], state, ", ".join(row["operations"]))
        _output.console().print(grid)
