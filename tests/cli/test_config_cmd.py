"""``modelreg configure`` and ``config show``, and ``--profile``: secrets asked hidden, kept private, shown masked."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from modelreg.profiles import Reference, load_config
from tests.cli.conftest import Invoke, parse

TOKEN = "toy-profile-token-0123456789"


@pytest.fixture(autouse=True)
def toy_without_a_token(toy_only: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The toy provider alone, its token in no environment variable: only a profile can give it."""
    monkeypatch.delenv("TOY_TOKEN")


def test_configure_asks_for_each_setting_with_the_secret_hidden_and_writes_a_private_file(
    cli: Invoke, isolated_config: Path
) -> None:
    result = cli("configure", "toy", "--profile", "prod", input=f"{TOKEN}\nhttps://toy.example\n")
    assert result.exit_code == 0, result.stderr
    assert TOKEN not in result.stdout + result.stderr  # typed without echo, never printed
    assert "token" in result.stderr and "base_url" in result.stderr  # the questions
    assert stat.S_IMODE(isolated_config.stat().st_mode) == 0o600
    assert load_config().table("prod", "toy") == {"token": TOKEN, "base_url": "https://toy.example"}
    assert "modelreg config show toy --profile prod" in result.stderr


def test_configure_without_a_profile_writes_the_default_one_which_applies_by_itself(cli: Invoke) -> None:
    assert cli("configure", "toy", input=f"{TOKEN}\n\n").exit_code == 0
    assert load_config().names() == ["default"]
    row = parse(cli("providers", "--json"))[0]
    assert row["configured"] is True


def test_configure_keeps_the_current_values_when_enter_is_pressed(cli: Invoke) -> None:
    cli("configure", "toy", "--profile", "prod", input=f"{TOKEN}\nhttps://one.example\n")
    result = cli("configure", "toy", "--profile", "prod", input="\n\n")
    assert result.exit_code == 0
    assert "keep" in result.stderr and TOKEN not in result.stderr
    assert load_config().table("prod", "toy") == {"token": TOKEN, "base_url": "https://one.example"}


def test_a_secret_typed_as_env_or_file_is_kept_by_reference(cli: Invoke, tmp_path: Path) -> None:
    assert cli("configure", "toy", "--profile", "a", input="env:TOY_A_TOKEN\n\n").exit_code == 0
    assert load_config().table("a", "toy") == {"token": Reference("env", "TOY_A_TOKEN")}
    key = tmp_path / "toy.key"
    assert cli("configure", "toy", "--profile", "b", input=f"file:{key}\n\n").exit_code == 0
    assert load_config().table("b", "toy") == {"token": Reference("file", str(key))}


def test_configure_refuses_a_secret_on_the_command_line_and_takes_references(cli: Invoke, tmp_path: Path) -> None:
    refused = cli("configure", "toy", "--set", f"token={TOKEN}", "--no-input")
    assert refused.exit_code == 2
    assert "token is a secret" in refused.stderr and "--set token=@FILE" in refused.stderr
    assert not load_config().exists
    key = tmp_path / "toy.key"
    given = cli("configure", "toy", "--set", f"token=@{key}", "--set", "base_url=https://b.example", "--no-input")
    assert given.exit_code == 0, given.stderr
    assert load_config().table("default", "toy") == {
        "token": Reference("file", str(key)),
        "base_url": "https://b.example",
    }
    cli("configure", "toy", "--set-env", "token=TOY_TOKEN_VAR", "--no-input")
    assert load_config().table("default", "toy")["token"] == Reference("env", "TOY_TOKEN_VAR")


def test_configure_keyring_stores_the_secret_in_the_keyring_and_a_reference_in_the_file(
    cli: Invoke, isolated_config: Path, fake_keyring: dict[tuple[str, str], str]
) -> None:
    result = cli("configure", "toy", "--profile", "prod", "--keyring", input=f"{TOKEN}\n\n")
    assert result.exit_code == 0, result.stderr
    assert fake_keyring == {("modelreg", "prod.toy.token"): TOKEN}
    assert TOKEN not in isolated_config.read_text()
    shown = parse(cli("config", "show", "toy", "--profile", "prod", "--json"))
    assert shown[0] == {
        "provider": "toy",
        "setting": "token",
        "value": "***",
        "source": "profile prod: keyring modelreg (prod.toy.token)",
        "error": None,
    }


def test_config_show_masks_secrets_and_says_where_each_value_comes_from(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("configure", "toy", "--profile", "prod", input=f"{TOKEN}\nhttps://prod.example\n")
    result = cli("config", "show", "--profile", "prod", "-o", "table")
    assert result.exit_code == 0
    assert TOKEN not in result.stdout + result.stderr
    rows = {line.split()[1]: line.split() for line in result.stdout.splitlines()[1:]}
    assert rows["token"][2:] == ["***", "profile", "prod"]
    assert rows["base_url"][2:] == ["https://prod.example", "profile", "prod"]
    monkeypatch.setenv("TOY_TOKEN", "t" * 20)
    sources = {row["setting"]: row["source"] for row in parse(cli("config", "show", "--profile", "prod", "--json"))}
    assert sources == {"token": "env TOY_TOKEN", "base_url": "profile prod"}


def test_config_show_reports_a_reference_that_cannot_be_read(cli: Invoke) -> None:
    cli("configure", "toy", "--set-env", "token=TOY_MISSING_VAR", "--no-input")
    result = cli("config", "show", "toy", "-o", "table")
    assert result.exit_code == 0
    assert "(error)" in result.stdout
    assert "env var TOY_MISSING_VAR, which is not set" in result.stderr


def test_the_profile_comes_from_modelreg_profile_too(cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    cli("configure", "toy", "--profile", "staging", input=f"{TOKEN}\n\n")
    assert parse(cli("providers", "--json"))[0]["configured"] is False
    monkeypatch.setenv("MODELREG_PROFILE", "staging")
    assert parse(cli("providers", "--json"))[0]["configured"] is True


def test_an_unknown_profile_is_one_line_naming_the_file(cli: Invoke) -> None:
    cli("configure", "toy", "--profile", "prod", input=f"{TOKEN}\n\n")
    result = cli("--profile", "prdo", "list")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no profile 'prdo'") and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_world_readable_config_with_an_inline_secret_is_refused_with_the_fix(
    cli: Invoke, isolated_config: Path
) -> None:
    cli("configure", "toy", "--profile", "prod", input=f"{TOKEN}\n\n")
    isolated_config.chmod(0o644)
    result = cli("--profile", "prod", "list")
    assert result.exit_code == 1
    assert f"chmod 600 {isolated_config}" in result.stderr and TOKEN not in result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """The sandboxes served over HTTP by ``modelreg sandbox serve`` in another process; yields the base URL."""
    port = _free_port()
    env = {**os.environ, "MODELREG_STATE_DIR": str(tmp_path / "served"), "MODELREG_PLUGINS": "scriptix,selise"}
    process = subprocess.Popen(
        [sys.executable, "-m", "modelreg", "--sandbox", "sandbox", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        assert process.stdout is not None
        assert b"scriptix: http://127.0.0.1" in process.stdout.readline()
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.communicate(timeout=30)


@pytest.mark.timeout(300)
def test_a_profile_configures_the_cli_against_a_real_http_server(
    served: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A profile holding a key and a base URL is all it takes; the key never shows, even in -vv logs."""
    monkeypatch.delenv("SCRIPTIX_API_KEY", raising=False)
    config = tmp_path / "config.toml"
    config.write_text(
        f'[profiles.prod.scriptix]\napi_key = "sk-profile-secret-424242"\nbase_url = "{served}/scriptix"\n'
    )
    config.chmod(0o600)
    env = {
        **os.environ,
        "MODELREG_CONFIG": str(config),
        "MODELREG_PLUGINS": "scriptix",
        "MODELREG_STATE_DIR": str(tmp_path / "client"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "modelreg", "list", "--profile", "prod", "-vv"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert [line.split("\t")[0] for line in done.stdout.splitlines()][:2] == ["scriptix:1", "scriptix:2"]
    assert "GET" in done.stderr and "sk-profile-secret-424242" not in done.stdout + done.stderr
