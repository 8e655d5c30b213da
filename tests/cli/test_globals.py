"""Global options work before or after the command, and a command's own option of the same name wins."""

from __future__ import annotations

import logging
from pathlib import Path

import click
import pytest

from modelreg.cli import make_cli
from tests.cli.conftest import Invoke, create, parse
from tests.conftest import install_entry_points

pytestmark = pytest.mark.usefixtures("toy_only")


@pytest.mark.parametrize(
    "args",
    [
        ["--sandbox", "-o", "json", "list"],
        ["list", "--sandbox", "-o", "json"],
        ["-o", "json", "list", "--sandbox"],
        ["--sandbox", "list", "--output", "json"],
        ["list", "--sandbox", "--json"],
    ],
)
def test_sandbox_and_output_work_before_or_after_the_command(cli: Invoke, args: list[str]) -> None:
    create(cli, "Alpha")
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    assert [m["name"] for m in parse(result)] == ["Alpha"]


def test_verbose_after_the_command_logs_the_requests(cli: Invoke) -> None:
    before = logging.getLogger("modelreg").level
    result = cli("create", "toy", "--name", "Alpha", "--sandbox", "-vv")
    assert result.exit_code == 0
    assert "POST" in result.stderr
    assert logging.getLogger("modelreg").level == before  # put back afterwards


def test_global_json_is_an_alias_of_output_json_and_conflicts_with_another_format(cli: Invoke) -> None:
    create(cli, "Alpha")
    assert parse(cli("--json", "--sandbox", "get", "toy:1"))["name"] == "Alpha"
    clash = cli("--sandbox", "get", "toy:1", "--json", "-o", "yaml")
    assert clash.exit_code == 2
    assert "--json asks for JSON but -o asks for yaml" in clash.stderr


def test_a_commands_own_option_is_kept_where_it_shares_a_global_name(cli: Invoke) -> None:
    command = make_cli().commands["list"]
    spellings = [opt for param in command.params for opt in param.opts]
    assert spellings.count("--json") == 1  # list's own --json, not a hidden global copy


def test_plugin_commands_accept_the_global_options_too(toy: Path, monkeypatch: pytest.MonkeyPatch, cli: Invoke) -> None:
    source = """
import click
import modelreg

@modelreg.hookimpl
def register_commands(cli):
    @cli.command("whoami")
    @click.pass_obj
    def whoami(session):
        "Say which mode this is."
        click.echo(f"sandbox={session.sandbox} profile={session.profile} output={session.output}")
"""
    install_entry_points(toy, "modelreg-whoami", {"whoami": "modelreg_whoami"}, {"modelreg_whoami": source})
    monkeypatch.setenv("MODELREG_PLUGINS", "toy,whoami")
    result = cli("whoami", "--sandbox", "--profile", "prod", "-o", "yaml")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "sandbox=True profile=prod output=yaml"


def test_every_built_in_command_accepts_every_global_option() -> None:
    def walk(group: click.Group) -> list[click.Command]:
        found: list[click.Command] = []
        for command in group.commands.values():
            found.append(command)
            if isinstance(command, click.Group):
                found += walk(command)
        return found

    for command in walk(make_cli()):
        spellings = {opt for param in command.params for opt in param.opts}
        assert {"--sandbox", "-o", "--no-headers", "--timeout", "--deadline", "-v", "--profile"} <= spellings, (
            command.name
        )


def test_timeout_and_deadline_reach_the_registries_whichever_side_they_are_on(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    from modelreg.cli._session import Session

    seen: list[dict[str, float]] = []
    original = Session.connect_options

    def spy(self: Session) -> dict[str, float]:
        options = original(self)
        seen.append(options)
        return options

    monkeypatch.setattr(Session, "connect_options", spy)
    assert cli("--timeout", "3", "list", "--sandbox", "--deadline", "9").exit_code == 0
    assert seen[-1] == {"timeout": 3.0, "deadline": 9.0}


def test_a_non_positive_timeout_is_a_usage_error(cli: Invoke) -> None:
    result = cli("--sandbox", "list", "--timeout", "0")
    assert result.exit_code == 2
    assert "--timeout" in result.stderr
