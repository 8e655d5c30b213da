"""Profiles in the config file: precedence, secrets by reference, file permissions, selection."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import modelreg
from modelreg.profiles import Reference, effective_settings, load_config, missing_settings, save_profile

SEEN: list[httpx.Request] = []


def _answer(request: httpx.Request) -> httpx.Response:
    SEEN.append(request)
    return httpx.Response(200, json={"id": 1, "name": "a"})


@pytest.fixture
def seen() -> Iterator[list[httpx.Request]]:
    SEEN.clear()
    yield SEEN
    SEEN.clear()


def write(config: Path, text: str, mode: int = 0o600) -> Path:
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text)
    config.chmod(mode)
    return config


def token_sent(profile: str | None = None, **arguments: Any) -> str:
    with modelreg.connect("toy", profile=profile, transport=httpx.MockTransport(_answer), **arguments) as reg:
        reg.get(1)
    return SEEN[-1].headers["authorization"].removeprefix("Bearer ")


PROD = '[profiles.prod.toy]\ntoken = "from-profile-token"\nbase_url = "https://prod.toy.example"\n'


@pytest.mark.usefixtures("seen")
def test_a_named_profile_gives_the_token_and_base_url(
    toy: Path, isolated_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TOY_TOKEN")
    write(isolated_config, PROD)
    assert token_sent("prod") == "from-profile-token"
    assert str(SEEN[-1].url) == "https://prod.toy.example/v1/models/1"


@pytest.mark.usefixtures("seen")
def test_precedence_is_arguments_then_environment_then_profile(
    toy: Path, isolated_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(isolated_config, PROD)
    assert token_sent("prod", token="argument-token") == "argument-token"
    monkeypatch.setenv("TOY_TOKEN", "environment-token")
    assert token_sent("prod") == "environment-token"
    monkeypatch.delenv("TOY_TOKEN")
    assert token_sent("prod") == "from-profile-token"
    monkeypatch.setenv("TOY_BASE_URL", "https://env.toy.example")
    token_sent("prod")
    assert SEEN[-1].url.host == "env.toy.example"


@pytest.mark.usefixtures("seen")
def test_the_profile_comes_from_the_argument_then_modelreg_profile_then_default(
    toy: Path, isolated_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TOY_TOKEN")
    write(
        isolated_config,
        '[profiles.default.toy]\ntoken = "default-token"\n\n[profiles.staging.toy]\ntoken = "staging-token"\n' + PROD,
    )
    assert token_sent() == "default-token"
    monkeypatch.setenv("MODELREG_PROFILE", "staging")
    assert token_sent() == "staging-token"
    assert token_sent("prod") == "from-profile-token"


def test_an_unknown_profile_is_an_error_naming_the_file_and_the_profiles(toy: Path, isolated_config: Path) -> None:
    write(isolated_config, PROD)
    with pytest.raises(modelreg.ConfigurationError) as caught:
        modelreg.connect("toy", profile="prdo")
    message = str(caught.value)
    assert "no profile 'prdo'" in message and str(isolated_config) in message and "prod" in message


def test_modelreg_profile_naming_a_missing_profile_is_an_error(
    toy: Path, monkeypatch: pytest.MonkeyPatch, isolated_config: Path
) -> None:
    monkeypatch.setenv("MODELREG_PROFILE", "nope")
    with pytest.raises(modelreg.ConfigurationError, match=r"MODELREG_PROFILE.*does not exist"):
        modelreg.connect("toy")


def test_a_setting_the_provider_does_not_take_is_an_error(toy: Path, isolated_config: Path) -> None:
    write(isolated_config, '[profiles.prod.toy]\ntokn = "x"\n')
    with pytest.raises(modelreg.ConfigurationError, match=r"gives toy 'tokn', which it does not take.*token"):
        modelreg.connect("toy", profile="prod")


def test_invalid_toml_names_the_file(toy: Path, isolated_config: Path) -> None:
    write(isolated_config, "[profiles.prod.toy\n")
    with pytest.raises(modelreg.ConfigurationError, match="is not valid TOML"):
        modelreg.connect("toy", profile="prod")


def test_a_malformed_reference_says_what_is_accepted(toy: Path, isolated_config: Path) -> None:
    write(isolated_config, '[profiles.prod.toy]\ntoken = { vault = "x" }\n')
    with pytest.raises(modelreg.ConfigurationError, match=r'profiles.prod.toy.token must be .*\{ env = "VAR" \}'):
        modelreg.connect("toy", profile="prod")


@pytest.mark.usefixtures("seen")
def test_a_secret_by_env_reference_reads_that_variable(
    toy: Path, isolated_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TOY_TOKEN")
    write(isolated_config, '[profiles.prod.toy]\ntoken = { env = "TOY_PROD_TOKEN" }\n')
    monkeypatch.setenv("TOY_PROD_TOKEN", "token-from-referenced-var")
    assert token_sent("prod") == "token-from-referenced-var"
    monkeypatch.delenv("TOY_PROD_TOKEN")
    with pytest.raises(modelreg.ConfigurationError, match="env var TOY_PROD_TOKEN, which is not set"):
        modelreg.connect("toy", profile="prod")


@pytest.mark.usefixtures("seen")
def test_a_secret_by_file_reference_is_read_relative_to_the_config_file(
    toy: Path, isolated_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TOY_TOKEN")
    write(isolated_config, '[profiles.prod.toy]\ntoken = { file = "toy.token" }\n')
    write(isolated_config.parent / "toy.token", "token-from-a-file\n")
    assert token_sent("prod") == "token-from-a-file"


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_world_readable_secret_file_is_refused(
    toy: Path, isolated_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TOY_TOKEN")
    write(isolated_config, '[profiles.prod.toy]\ntoken = { file = "toy.token" }\n')
    secret = write(isolated_config.parent / "toy.token", "token-from-a-file\n", mode=0o644)
    with pytest.raises(modelreg.ConfigurationError, match=f"readable by every user.*chmod 600 {secret}"):
        modelreg.connect("toy", profile="prod")


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_world_readable_config_file_with_an_inline_secret_is_refused(toy: Path, isolated_config: Path) -> None:
    write(isolated_config, PROD, mode=0o644)
    with pytest.raises(modelreg.ConfigurationError) as caught:
        modelreg.connect("toy", profile="prod")
    message = str(caught.value)
    assert "holds profiles.prod.toy.token inline" in message and f"chmod 600 {isolated_config}" in message
    assert "from-profile-token" not in message


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.usefixtures("seen")
def test_a_world_readable_config_file_holding_only_references_is_fine(
    toy: Path, isolated_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOY_PROD_TOKEN", "token-from-referenced-var")
    write(isolated_config, '[profiles.prod.toy]\ntoken = { env = "TOY_PROD_TOKEN" }\n', mode=0o644)
    monkeypatch.delenv("TOY_TOKEN")
    assert token_sent("prod") == "token-from-referenced-var"


@pytest.mark.usefixtures("seen")
def test_a_secret_in_the_keyring_is_read_through_the_keyring_api(
    toy: Path, isolated_config: Path, monkeypatch: pytest.MonkeyPatch, fake_keyring: dict[tuple[str, str], str]
) -> None:
    monkeypatch.delenv("TOY_TOKEN")
    fake_keyring[("modelreg", "prod.toy.token")] = "token-from-the-keyring"
    write(isolated_config, '[profiles.prod.toy]\ntoken = { keyring = "modelreg", username = "prod.toy.token" }\n')
    assert token_sent("prod") == "token-from-the-keyring"
    fake_keyring.clear()
    with pytest.raises(modelreg.ConfigurationError, match=r"keyring has no entry 'prod\.toy\.token'"):
        modelreg.connect("toy", profile="prod")


def test_a_keyring_reference_without_the_keyring_package_says_which_extra_to_install(
    toy: Path, isolated_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TOY_TOKEN")
    monkeypatch.setitem(sys.modules, "keyring", None)
    write(isolated_config, '[profiles.prod.toy]\ntoken = { keyring = "modelreg", username = "prod.toy.token" }\n')
    with pytest.raises(modelreg.ConfigurationError, match=r"pip install 'modelreg\[keyring\]'"):
        modelreg.connect("toy", profile="prod")


def test_the_sandbox_reads_no_profile_and_no_credential_from_the_environment(
    isolated_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One sandbox story: a user's real SELISE key does not hide the seeded models (nor reach the emulator)."""
    monkeypatch.setenv("SELISE_BLOCKS_KEY", "blk-real-user-key-0123456789")
    monkeypatch.setenv("MODELREG_PROFILE", "absent")  # not even read
    write(isolated_config, "this is not TOML", mode=0o644)
    with modelreg.connect("selise", sandbox=True) as reg:
        assert len(list(reg.list())) == 4
        assert "blk-real-user-key-0123456789" not in reg.config.secrets()


def test_connect_all_connects_the_providers_a_profile_configures(
    toy: Path, isolated_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TOY_TOKEN")
    monkeypatch.setenv("MODELREG_PLUGINS", "toy,scriptix")
    monkeypatch.delenv("SCRIPTIX_API_KEY", raising=False)
    write(isolated_config, PROD)
    with modelreg.connect_all() as nothing:
        assert set(nothing.skipped) == {"scriptix", "toy"}
    with modelreg.connect_all(profile="prod") as everything:
        assert sorted(everything.registries) == ["toy"]
        assert "scriptix" in everything.skipped
    assert missing_settings("toy", profile="prod") == ()
    assert missing_settings("toy") == ("TOY_TOKEN",)


def test_effective_settings_say_where_each_value_comes_from(
    toy: Path, isolated_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(isolated_config, '[profiles.prod.toy]\ntoken = { env = "TOY_PROD_TOKEN" }\nbase_url = "https://p.example"\n')
    monkeypatch.delenv("TOY_TOKEN")
    shown = {s.name: (s.source, s.error is not None) for s in effective_settings("toy", profile="prod")}
    assert shown == {"token": ("profile prod: env TOY_PROD_TOKEN", True), "base_url": ("profile prod", False)}
    monkeypatch.setenv("TOY_TOKEN", "t" * 12)
    (token, url) = effective_settings("toy", profile="prod", base_url="https://arg.example")
    assert (token.source, token.secret, url.source, url.value) == (
        "env TOY_TOKEN",
        True,
        "argument",
        "https://arg.example",
    )


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_save_profile_writes_a_private_file_in_a_private_directory(isolated_config: Path) -> None:
    save_profile("prod", "toy", {"token": "inline-secret-value", "base_url": "https://p.example"})
    assert stat.S_IMODE(isolated_config.stat().st_mode) == 0o600
    assert stat.S_IMODE(isolated_config.parent.stat().st_mode) == 0o700
    assert load_config().table("prod", "toy") == {"token": "inline-secret-value", "base_url": "https://p.example"}


def test_save_profile_keeps_comments_and_other_tables(toy: Path, isolated_config: Path) -> None:
    original = (
        '# my modelreg settings\n[profiles.dev.toy]\ntoken = { env = "DEV" }  # the dev key\n\n'
        '# production\n[profiles.prod.toy]\ntoken = "old"\n\n# staging below\n[profiles.staging.toy]\ntoken = "s"\n'
    )
    write(isolated_config, original)
    save_profile("prod", "toy", {"token": Reference("env", "TOY_PROD_TOKEN")})
    text = isolated_config.read_text()
    assert text == original.replace('token = "old"\n', 'token = { env = "TOY_PROD_TOKEN" }\n')
    save_profile("new profile", "toy", {"token": Reference("keyring", "modelreg", "new.toy.token")})
    config = load_config()
    assert config.names() == ["dev", "new profile", "prod", "staging"]
    assert config.table("new profile", "toy") == {"token": Reference("keyring", "modelreg", "new.toy.token")}
    assert isolated_config.read_text().startswith(text)


def test_save_profile_refuses_to_guess_at_an_unusual_layout(isolated_config: Path) -> None:
    original = '[profiles.prod]\ntoy = { token = "x" }\n'
    write(isolated_config, original)
    with pytest.raises(modelreg.ConfigurationError, match="cannot update"):
        save_profile("prod", "toy", {"token": "y"})
    assert isolated_config.read_text() == original
