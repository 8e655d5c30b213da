"""The ``modelreg`` entry points, global options, plugin commands and error reporting."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from modelreg import AuthenticationFailed, ProviderInfo, RateLimited, TransportError, ValidationFailed, __version__
from modelreg.cli import _errors, main
from tests.cli.conftest import Invoke, parse
from tests.conftest import install_entry_points

HELLO = """
import click
import modelreg

@modelreg.hookimpl
def register_commands(cli):
    @cli.command("hello")
    @click.argument("who")
    def hello(who):
        "Say hello."
        click.echo(f"hello {who}")
"""

BROKEN = """
import modelreg

@modelreg.hookimpl
def register_commands(cli):
    raise RuntimeError("cannot add my commands")
"""


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run([sys.executable, "-m", "modelreg", "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert __version__ in done.stdout


def test_help_lists_every_command(cli: Invoke) -> None:
    result = cli("--help")
    assert result.exit_code == 0
    for command in ("providers", "list", "get", "create", "update", "delete", "prune", "upload-data", "train"):
        assert command in result.stdout
    assert "validate" in result.stdout and "sandbox" in result.stdout


def test_an_unknown_command_is_a_usage_error(cli: Invoke) -> None:
    assert cli("frobnicate").exit_code == 2


def test_main_without_click_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delitem(sys.modules, "modelreg.cli._app")
    monkeypatch.setitem(sys.modules, "click", None)
    assert main(["--help"]) == 1
    assert "pip install 'modelreg[cli]'" in capsys.readouterr().err


def test_the_library_works_without_click_and_rich() -> None:
    """The CLI's libraries are an extra: the core and its providers never need them."""
    code = (
        "import sys; sys.modules['click'] = sys.modules['rich'] = None\n"
        "import modelreg\n"
        "with modelreg.connect('scriptix', sandbox=True) as reg: print(len(reg.list_page().items))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "5"  # the seeded sandbox


def test_plugins_add_commands_through_the_hook(toy: Path, cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    install_entry_points(toy, "modelreg-hello", {"hello": "modelreg_hello"}, {"modelreg_hello": HELLO})
    monkeypatch.setenv("MODELREG_PLUGINS", "toy,hello")
    result = cli("hello", "world")
    assert result.exit_code == 0
    assert result.stdout == "hello world\n"


def test_a_plugin_failing_to_add_commands_leaves_the_built_ins_working(
    toy: Path, cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_entry_points(toy, "modelreg-broken", {"broken": "modelreg_broken"}, {"modelreg_broken": BROKEN})
    monkeypatch.setenv("MODELREG_PLUGINS", "toy,broken")
    with pytest.warns(RuntimeWarning, match="cannot add my commands"):
        result = cli("--sandbox", "list", "--json")
    assert result.exit_code == 0
    assert parse(result) == []


@pytest.mark.usefixtures("toy_only")
@pytest.mark.parametrize(("flags", "level"), [([], logging.WARNING), (["-v"], logging.INFO), (["-vv"], logging.DEBUG)])
def test_verbose_flags_set_the_modelreg_log_level(
    cli: Invoke, flags: list[str], level: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    logger = logging.getLogger("modelreg")

    def providers(details: bool = False) -> list[ProviderInfo]:
        seen.append(logger.level)  # the level once the CLI has read its flags
        return []

    monkeypatch.setattr("modelreg.providers", providers)
    assert cli(*flags, "--sandbox", "providers").exit_code == 0
    assert seen and set(seen) == {level}


def test_the_cli_puts_the_modelreg_logger_back_afterwards(cli: Invoke) -> None:
    logger = logging.getLogger("modelreg")
    before = (logger.level, logger.propagate, list(logger.handlers))
    cli("-vv", "providers")
    assert (logger.level, logger.propagate, list(logger.handlers)) == before


@pytest.mark.usefixtures("toy_only")
def test_debug_logs_show_requests_but_never_the_token(cli: Invoke) -> None:
    result = cli("-vv", "--sandbox", "create", "toy", "--name", "Alpha")
    assert result.exit_code == 0
    assert "POST" in result.stderr
    assert "toy-secret-token-123" not in result.stderr + result.stdout


@pytest.mark.usefixtures("toy_only")
def test_an_unexpected_error_is_one_line_naming_a_bug(cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr("modelreg.cli._providers.describe_provider", explode)
    result = cli("providers")
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == "Error: unexpected RuntimeError: kaboom (this is a bug in modelreg) (run with -v for details)"
    )


@pytest.mark.usefixtures("toy_only")
def test_providers_table_says_which_variable_is_missing(cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOY_TOKEN")
    result = cli("providers")
    assert result.exit_code == 0
    assert "no: set TOY_TOKEN" in result.stdout
    assert "publish" in result.stdout  # the provider's own operations are listed too
    rows = parse(cli("providers", "--json"))
    assert rows[0]["configured"] is False and rows[0]["missing"] == ["TOY_TOKEN"]


@pytest.mark.usefixtures("toy_only")
def test_providers_table_with_credentials_says_yes(cli: Invoke) -> None:
    row = parse(cli("providers", "--json"))[0]
    assert row["configured"] is True
    assert row["operations"] == ["list", "get", "create", "update", "delete", "publish"]
    assert "yes" in cli("providers").stdout


def test_providers_with_none_installed_says_so(cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    from modelreg import _plugins

    monkeypatch.setenv("MODELREG_PLUGINS", "")
    _plugins.reset()
    try:
        result = cli("providers")
        listed = cli("list")
    finally:
        _plugins.reset()
    assert result.exit_code == 0 and "No provider is installed" in result.stderr
    assert listed.exit_code == 1 and "no provider is installed" in listed.stderr


def test_describe_adds_how_to_fix_it() -> None:
    assert "wait 30 s" in _errors.describe(RateLimited("too many", retry_after=30.0))
    assert "`modelreg config show`" in _errors.describe(AuthenticationFailed("401", status_code=401))
    assert "check the network" in _errors.describe(TransportError("connection refused"))


def test_exit_code_is_2_only_for_input_rejected_before_sending() -> None:
    assert _errors.exit_code(ValidationFailed([])) == 2
    assert _errors.exit_code(ValidationFailed([], status_code=422)) == 1
    assert _errors.exit_code(TransportError("x")) == 1


CLASH = """
import click
import modelreg

@modelreg.hookimpl
def register_commands(cli):
    @cli.command("list")
    def hijack():
        click.echo("not the real list")
"""


def test_a_plugin_cannot_replace_a_built_in_command(toy: Path, cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    install_entry_points(toy, "modelreg-clash", {"clash": "modelreg_clash"}, {"modelreg_clash": CLASH})
    monkeypatch.setenv("MODELREG_PLUGINS", "toy,clash")
    with pytest.warns(RuntimeWarning, match="ignored a plugin's command 'list'"):
        result = cli("--sandbox", "list", "--json")
    assert result.exit_code == 0
    assert parse(result) == []


@pytest.mark.usefixtures("toy_only")
def test_a_bad_sandbox_speed_is_one_line_saying_what_to_set(cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODELREG_SANDBOX_SPEED", "fast")
    result = cli("--sandbox", "list")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: MODELREG_SANDBOX_SPEED must be a positive number (e.g. 60), got 'fast'"


ODD_FILTERS = """
import modelreg
from modelreg_toy import ToyProvider, ToySandbox

class OddProvider(ToyProvider):
    name = "odd"
    filters = ("status", "search", "help", "IsActive", "colour")
    settings = ()

    @classmethod
    def sandbox(cls, **options):
        return ToySandbox(limits=cls.limits, **options)

@modelreg.hookimpl
def register_providers(register):
    register(OddProvider)
"""


def test_vendor_filters_get_options_only_when_the_name_is_safe(
    toy: Path, cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_entry_points(toy, "modelreg-odd", {"odd": "modelreg_odd"}, {"modelreg_odd": ODD_FILTERS})
    monkeypatch.setenv("MODELREG_PLUGINS", "odd")
    result = cli("list", "--help")
    assert result.exit_code == 0
    assert "--colour" in result.stdout
    assert "--IsActive" not in result.stdout and "--is-active" not in result.stdout
