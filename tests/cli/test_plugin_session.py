"""A plugin's command gets the CLI's own session: the persisted sandbox state, its clock and options."""

from __future__ import annotations

from pathlib import Path

import pytest

import modelreg.cli
from tests.cli.conftest import Invoke, create, parse
from tests.conftest import install_entry_points

COUNTING = """
import click
import modelreg
from modelreg.cli import session

@modelreg.hookimpl
def register_commands(cli):
    @cli.command("toy-count")
    def toy_count():
        "Count the toy models the CLI sees."
        current = session()
        names = [model.name for model in current.registry("toy").list()]
        click.echo(f"{len(names)} {','.join(names)} sandbox={current.sandbox} verbose={current.verbose}")
"""


@pytest.fixture
def counting(toy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_entry_points(toy, "modelreg-counting", {"counting": "modelreg_counting"}, {"modelreg_counting": COUNTING})
    monkeypatch.setenv("MODELREG_PLUGINS", "toy,counting")


@pytest.mark.usefixtures("counting")
def test_a_plugin_command_sees_the_models_earlier_commands_made_in_the_sandbox(cli: Invoke) -> None:
    create(cli, "Cardiology EN")
    result = cli("--sandbox", "-v", "toy-count")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "1 Cardiology EN sandbox=True verbose=1"


def test_the_session_outside_a_cli_command_is_a_clear_error() -> None:
    with pytest.raises(RuntimeError, match="inside a command"):
        modelreg.cli.session()
    assert modelreg.cli.Session.__name__ == "Session"


def _guide_block(heading: str) -> str:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "plugins.md").read_text()
    return guide.split(f"\n{heading}\n", 1)[1].split("```python\n", 1)[1].split("\n```\n", 1)[0]


def test_the_guides_plugin_command_deploys_a_model_the_cli_created(
    acme: Path, cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = _guide_block("### `register_commands(cli)`")
    install_entry_points(acme, "modelreg-deploy", {"deploy": "modelreg_deploy"}, {"modelreg_deploy": module})
    monkeypatch.setenv("MODELREG_PLUGINS", "acme,deploy")
    made = cli("--sandbox", "create", "acme", "--name", "Cardiology", "--set", "locale=en-US", "--json")
    assert made.exit_code == 0, made.stderr
    ref = parse(made)["ref"]
    deployed = cli("--sandbox", "acme-deploy", ref.split(":", 1)[1])
    assert deployed.exit_code == 0, deployed.stderr
    assert deployed.stdout.strip() == ref
    assert parse(cli("--sandbox", "get", ref, "--json"))["details"]["deployed"] is True
