"""``--set`` values typed by the provider's declared field types; secrets from a file, a variable or a prompt."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelreg.cli._fields import coerce
from tests.cli.conftest import Invoke, parse

OPENAI_KEY = "sk-from-a-file-0123456789abcdef"
SELISE = ["--sandbox", "create", "selise", "--name", "Bot", "--set", "vendor=openai"]
SELISE += ["--set", "service_platform=official_api", "--set", "model_name=gpt-4o"]


def _raw(cli: Invoke, ref: str) -> dict[str, object]:
    raw: dict[str, object] = parse(cli("--sandbox", "get", ref, "--json", "--raw"))["raw"]
    return raw


@pytest.mark.usefixtures("vendors")
def test_a_text_field_stays_text_and_a_number_field_becomes_a_number(cli: Invoke, tmp_path: Path) -> None:
    key = tmp_path / "openai.key"
    key.write_text(OPENAI_KEY + "\n")
    result = cli(*SELISE, "--set", "version=1", "--set", f"api_key=@{key}", "--set", "max_tokens=4096", "--json")
    assert result.exit_code == 0, result.stderr
    raw = _raw(cli, parse(result)["ref"])
    assert raw["version"] == "1"  # not the number 1, which SELISE would refuse
    assert raw["MaxTokens"] == 4096
    assert OPENAI_KEY not in result.stdout + result.stderr


@pytest.mark.usefixtures("vendors")
def test_a_value_that_is_not_of_the_declared_type_is_a_usage_error(cli: Invoke) -> None:
    result = cli(*SELISE, "--set", "version=1", "--set", "max_tokens=lots", "--set-env", "api_key=HOME")
    assert result.exit_code == 2
    assert "max_tokens is an integer, got 'lots'" in result.stderr


@pytest.mark.usefixtures("vendors")
def test_a_secret_comes_from_an_environment_variable(cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    result = cli(*SELISE, "--set", "version=v1", "--set-env", "api_key=OPENAI_API_KEY", "--json")
    assert result.exit_code == 0, result.stderr
    assert cli("--sandbox", "validate", parse(result)["ref"]).exit_code == 0  # the key arrived whole
    missing = cli(*SELISE, "--set", "version=v1", "--set-env", "api_key=NOT_SET_ANYWHERE")
    assert missing.exit_code == 2 and "$NOT_SET_ANYWHERE, which is not set" in missing.stderr


@pytest.mark.usefixtures("vendors")
def test_a_secret_comes_from_a_hidden_prompt(cli: Invoke) -> None:
    result = cli(*SELISE, "--set", "version=v1", "--set-prompt", "api_key", "--json", input=OPENAI_KEY + "\n")
    assert result.exit_code == 0, result.stderr
    assert OPENAI_KEY not in result.stdout + result.stderr
    assert cli("--sandbox", "validate", parse(result)["ref"]).exit_code == 0


@pytest.mark.usefixtures("vendors")
def test_a_secret_typed_on_the_command_line_gets_a_warning_with_the_safer_forms(cli: Invoke) -> None:
    result = cli(*SELISE, "--set", "version=v1", "--set", f"api_key={OPENAI_KEY}")
    assert result.exit_code == 0, result.stderr
    assert "shell history" in result.stderr and "--set-env api_key=VAR" in result.stderr
    assert OPENAI_KEY not in result.stderr


@pytest.mark.usefixtures("vendors")
def test_a_double_at_sign_is_a_literal_at_sign(cli: Invoke) -> None:
    result = cli(
        "--sandbox", "create", "scriptix", "--name", "x", "--set", "language=en", "--set", "description=@@home"
    )
    assert result.exit_code == 0, result.stderr
    assert "@home" in cli("--sandbox", "list", "-o", "tsv").stdout


@pytest.mark.usefixtures("vendors")
def test_a_boolean_filter_is_typed_too(cli: Invoke) -> None:
    inactive = parse(cli("--sandbox", "list", "--provider", "selise", "--is-active", "no", "--json"))
    assert [m["status"] for m in inactive] == ["inactive"]
    refused = cli("--sandbox", "list", "--provider", "selise", "--is-active", "maybe")
    assert refused.exit_code == 2 and "is true or false" in refused.stderr


@pytest.mark.usefixtures("toy_only")
def test_a_provider_declaring_no_types_keeps_json_values(cli: Invoke) -> None:
    result = cli("--sandbox", "create", "toy", "--name", "Alpha", "--set", "description=3", "--json")
    assert result.exit_code == 0, result.stderr
    assert parse(result)["description"] == 3  # read as JSON, as before providers declared field types


def test_coerce_reads_each_declared_type() -> None:
    assert coerce(str, "1", "k", "--set") == "1"
    assert coerce(int, "12", "k", "--set") == 12
    assert coerce(float, "0.5", "k", "--set") == 0.5
    assert coerce(bool, "Yes", "k", "--set") is True
    assert coerce(dict, '{"a": 1}', "k", "--set") == {"a": 1}
    assert coerce(list, '["a"]', "k", "--set") == ["a"]
    assert coerce(None, "true", "k", "--set") is True
