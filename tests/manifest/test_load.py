"""``load_manifest``: entries keyed by natural key, checked by the providers' own rules, with positions."""

from __future__ import annotations

from pathlib import Path

import pytest

import modelreg
from modelreg import Secret, ValidationFailed
from tests.manifest.conftest import SECRET, WriteManifest, scriptix_entry, selise_entry


def problems(path: Path) -> str:
    with pytest.raises(ValidationFailed) as caught:
        modelreg.load_manifest(path)
    assert caught.value.status_code is None  # nothing was sent
    return str(caught.value)


def test_entries_carry_their_provider_fields_natural_key_and_line(write_manifest: WriteManifest) -> None:
    manifest = modelreg.load_manifest(write_manifest(scriptix_entry("Cardiology EN"), selise_entry("Support bot")))
    scriptix, selise = manifest.entries
    assert (scriptix.provider, scriptix.number, scriptix.line) == ("scriptix", 1, 2)
    assert dict(scriptix.key) == {"name": "Cardiology EN", "language": "en", "base_model": "medical"}
    assert dict(selise.key) == {"display_name": "Support bot", "model_name": "gpt-4o-mini", "vendor": "openai"}
    assert selise.line == 10
    assert manifest.providers == ["scriptix", "selise"]


def test_a_key_field_left_out_takes_the_providers_default(write_manifest: WriteManifest) -> None:
    path = write_manifest('[[models]]\nprovider = "scriptix"\nname = "Plain"\nlanguage = "nl"\n')
    (entry,) = modelreg.load_manifest(path).entries
    assert entry.key["base_model"] == "general"
    assert "base_model" not in entry.fields


def test_a_secret_reference_is_resolved_but_shows_only_the_reference(write_manifest: WriteManifest) -> None:
    manifest = modelreg.load_manifest(write_manifest(selise_entry("Support bot")))
    api_key = manifest.entries[0].fields["api_key"]
    assert isinstance(api_key, Secret) and api_key.reveal() == SECRET
    assert SECRET not in repr(manifest) and SECRET not in str(api_key)
    assert manifest.entries[0].create_fields()["api_key"] == SECRET
    assert manifest.secrets() == [SECRET]


def test_a_file_reference_is_read_relative_to_the_manifest(write_manifest: WriteManifest, tmp_path: Path) -> None:
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "openai.key").write_text("sk-from-a-file-0123456789\n")
    text = selise_entry("Support bot").replace("${env:OPENAI_API_KEY}", "${file:keys/openai.key}")
    (entry,) = modelreg.load_manifest(write_manifest(text)).entries
    assert entry.fields["api_key"].reveal() == "sk-from-a-file-0123456789"


def test_a_secret_written_inline_is_refused_without_quoting_it(write_manifest: WriteManifest) -> None:
    inline = "sk-inline-0123456789abcdefghij"
    message = problems(write_manifest(selise_entry("Bot").replace("${env:OPENAI_API_KEY}", inline)))
    assert "entry 1 (line 9), api_key: api_key is a secret" in message
    assert "${env:VAR} or ${file:path}" in message
    assert inline not in message


def test_a_secret_inside_a_table_must_be_a_reference_too(write_manifest: WriteManifest) -> None:
    text = selise_entry("Bot") + 'custom_headers = { "X-Token" = "tok-inline-0123456789" }\n'
    message = problems(write_manifest(text))
    assert "custom_headers.X-Token is a secret" in message and "tok-inline-0123456789" not in message


def test_a_missing_variable_or_file_names_the_reference(
    write_manifest: WriteManifest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    text = selise_entry("Bot") + 'custom_headers = { "X-Token" = "${file:nowhere.txt}" }\n'
    message = problems(write_manifest(text))
    assert "environment variable OPENAI_API_KEY is not set (referenced as ${env:OPENAI_API_KEY})" in message
    assert "nowhere.txt (referenced as ${file:nowhere.txt}): No such file or directory" in message


def test_a_malformed_reference_says_how_to_write_one(write_manifest: WriteManifest) -> None:
    message = problems(write_manifest(selise_entry("Bot").replace("${env:OPENAI_API_KEY}", "${vault:openai}")))
    assert "'${vault:openai}' is not a reference; write it as a reference: ${env:VAR} or ${file:path}" in message


def test_fields_are_checked_by_the_providers_own_create_rules(write_manifest: WriteManifest) -> None:
    text = scriptix_entry("Bad").replace('language = "en"', 'language = "EN"') + 'colour = "blue"\n'
    message = problems(write_manifest(text))
    assert "entry 1 (line 5), language: language codes are lowercase: use 'en', not 'EN'" in message
    assert "entry 1 (line 8), colour: unknown body field 'colour'" in message


def test_every_problem_is_reported_at_once(write_manifest: WriteManifest) -> None:
    path = write_manifest(
        "version = 2\n", '[[models]]\nprovider = "acme"\nname = "x"\n', '[[models]]\nname = "no provider"\n'
    )
    message = problems(path)
    assert "version (line 1): unknown key 'version'; a manifest has [[models]] entries and a [prune] table" in message
    assert "entry 1 (line 4), provider: no provider named 'acme' is installed (installed: scriptix, selise)" in message
    assert 'entry 2 (line 7), provider: provider is required, e.g. provider = "scriptix"' in message


def test_a_missing_natural_key_field_is_named(write_manifest: WriteManifest) -> None:
    text = selise_entry("Bot").replace('display_name = "Bot"', 'name = "Bot"')
    assert "selise models are identified by display_name, model_name, vendor: add display_name" in problems(
        write_manifest(text)
    )


def test_two_entries_with_one_natural_key_are_refused(write_manifest: WriteManifest) -> None:
    first = '[[models]]\nprovider = "scriptix"\nname = "Twice"\nlanguage = "en"\n'
    second = '[[models]]\nprovider = "scriptix"\nname = "Twice"\nlanguage = "en"\nbase_model = "general"\n'
    message = problems(write_manifest(first, second))
    assert "entry 2 (line 6): scriptix 'Twice' / 'en' / 'general' is already described by entry 1 (line 1)" in message


def test_invalid_toml_names_its_line(write_manifest: WriteManifest) -> None:
    message = problems(write_manifest('[[models]]\nprovider = "scriptix"\nname = \n'))
    assert "is not valid TOML" in message and "line 3" in message


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    assert "cannot read the manifest" in problems(tmp_path / "absent.toml")


def test_a_prune_scope_is_a_name_prefix_and_or_the_providers_filters(write_manifest: WriteManifest) -> None:
    path = write_manifest(
        '[prune]\nscriptix = { name_prefix = "team-a/", language = "en" }\nselise = { vendor = "openai" }\n'
    )
    manifest = modelreg.load_manifest(path)
    assert manifest.entries == ()
    assert manifest.prune["scriptix"].name_prefix == "team-a/"
    assert dict(manifest.prune["scriptix"].filters) == {"language": "en"}
    assert dict(manifest.prune["selise"].filters) == {"vendor": "openai"}


def test_an_empty_or_unknown_prune_scope_is_refused(write_manifest: WriteManifest) -> None:
    path = write_manifest('[prune]\nscriptix = {}\nselise = { name_prefix = "a", colour = "blue" }\n')
    message = problems(path)
    assert "[prune] scriptix (line 2): give the scope as a table" in message
    assert "an empty scope would let --prune delete every scriptix model" in message
    assert "[prune] selise (line 3): unknown query field 'colour'" in message


def test_a_provider_without_a_natural_key_cannot_be_managed(
    write_manifest: WriteManifest, toy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(modelreg.provider_info("toy").provider_class, "natural_key", ())
    message = problems(write_manifest('[[models]]\nprovider = "toy"\nname = "x"\n'))
    assert "provider 'toy' declares no natural key" in message
