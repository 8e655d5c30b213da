"""``modelreg providers``: what is installed, whether it is configured, and what it can do."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

import modelreg
from modelreg.cli import _output
from modelreg.cli._session import Session

if TYPE_CHECKING:
    from modelreg import ProviderInfo


def describe_provider(info: ProviderInfo, *, sandbox: bool) -> dict[str, Any]:
    """A provider's description for ``modelreg providers --json``."""
    return {
        "name": info.name,
        "title": info.title,
        "configured": sandbox or info.configured,
        "missing": [] if sandbox else list(info.missing),
        "settings": [
            {"name": s.name, "env": s.env, "required": s.required, "secret": s.secret, "help": s.help}
            for s in info.settings
        ],
        "operations": list(info.operations),
        "filters": list(info.filters),
        "create_fields": list(info.create_fields),
        "update_fields": list(info.update_fields),
    }


def register(cli: click.Group) -> None:
    """Add ``providers`` to ``cli``."""

    @cli.command("providers")
    @click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
    @click.pass_obj
    def providers_command(session: Session, as_json: bool) -> None:
        """List installed providers, whether each is configured, and their operations."""
        rows = [describe_provider(info, sandbox=session.sandbox) for info in modelreg.providers(details=True)]
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
