"""Nothing the command line prints or writes to disk holds a credential: exports, JSON, tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modelreg import Model, ModelStatus
from modelreg.cli._delete import export_record
from modelreg.cli._output import model_dict
from tests.cli.conftest import Invoke, parse

BLOCKS_KEY = "bk-live-0123456789abcdef"
"""The SELISE blocks key the CLI connects with; the project key defaults to it."""
THIRD_PARTY_KEY = "sk-openai-live-9876543210"
HEADER_SECRET = "hdr-secret-5555555555"


@pytest.fixture
def selise_key(vendors: None, monkeypatch: pytest.MonkeyPatch) -> str:
    """A real-looking blocks key in the environment, as a user of the CLI sets it."""
    monkeypatch.setenv("SELISE_BLOCKS_KEY", BLOCKS_KEY)
    return BLOCKS_KEY


def _create_selise_model(cli: Invoke) -> str:
    fields = {
        "display_name": "Secretive GPT",
        "vendor": "openai",
        "service_platform": "official_api",
        "version": "v1",
        "model_name": "gpt-4o",
        "api_key": THIRD_PARTY_KEY,
        "custom_headers": json.dumps({"X-Upstream-Auth": HEADER_SECRET}),
    }
    created = cli("--sandbox", "create", "selise", *(f"--set={k}={v}" for k, v in fields.items()), "--json")
    assert created.exit_code == 0, created.stderr
    ref: str = parse(created)["ref"]
    return ref


def _assert_clean(text: str) -> None:
    for secret in (BLOCKS_KEY, THIRD_PARTY_KEY, HEADER_SECRET):
        assert secret not in text


@pytest.mark.usefixtures("selise_key")
def test_delete_export_writes_the_record_without_project_key_or_any_credential(cli: Invoke, tmp_path: Path) -> None:
    ref = _create_selise_model(cli)
    _create_selise_model(cli)  # SELISE refuses to delete a project's last model
    out = tmp_path / "exported"
    result = cli("--sandbox", "delete", ref, "--yes", "--export", str(out), "--json")
    assert result.exit_code == 0, result.stderr
    (exported,) = out.iterdir()
    text = exported.read_text()
    _assert_clean(text + result.stdout + result.stderr)
    record = json.loads(text)
    assert record["raw"]["project_key"] == "***"
    assert record["details"]["custom_headers"] == {"X-Upstream-Auth": "***"}
    assert record["name"] == "Secretive GPT"  # the rest of the record is kept


@pytest.mark.usefixtures("selise_key")
@pytest.mark.parametrize(
    "command",
    [
        ["get", "{ref}", "--json", "--raw"],
        ["get", "{ref}"],
        ["list", "--provider", "selise", "--json"],
        ["list", "--provider", "selise", "--jsonl"],
        ["list", "--provider", "selise"],
        ["delete", "{ref}", "--dry-run"],
        ["prune", "--provider", "selise", "--search", "Secretive", "--dry-run", "--json"],
    ],
)
def test_printed_models_hold_no_credential(cli: Invoke, command: list[str]) -> None:
    ref = _create_selise_model(cli)
    result = cli("--sandbox", *(part.format(ref=ref) for part in command))
    assert result.exit_code == 0, result.stderr
    assert "Secretive GPT" in result.stdout + result.stderr
    _assert_clean(result.stdout + result.stderr)


def _leaky_model() -> Model:
    deep: object = {"access_token": "tok-deep-0000000000"}
    for _ in range(5_000):
        deep = {"a": deep}
    raw = {
        "id": "m1",
        "api_key": THIRD_PARTY_KEY,
        "ProjectKey": "project-key-777777",
        "auth": {"client_secret": "cs-1234567890", "access_token": "tok-1234567890"},
        "custom_headers": {"Authorization": f"Bearer {HEADER_SECRET}"},
        "api_key_masked": "sk-...3210",
        "deep": deep,
    }
    return Model(provider="selise", id="m1", name="leaky", status=ModelStatus.AVAILABLE, raw=raw)


def test_model_dict_masks_credential_fields_by_name_at_any_depth() -> None:
    data = model_dict(_leaky_model(), raw=True)
    text = json.dumps(data)  # cut deep enough to serialize
    for secret in ("project-key-777777", "cs-1234567890", "tok-1234567890", "tok-deep-0000000000", HEADER_SECRET):
        assert secret not in text
    _assert_clean(text)
    assert data["raw"]["api_key_masked"] == "sk-...3210"  # already masked by the vendor: kept
    assert data["raw"]["custom_headers"] == {"Authorization": "***"}


def test_export_record_masks_credential_fields(tmp_path: Path) -> None:
    path = export_record(tmp_path, _leaky_model())
    assert json.loads(path.read_text())["raw"]["api_key"] == "***"
    _assert_clean(path.read_text())


def test_a_configured_credential_is_masked_in_free_text_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRIPTIX_API_KEY", "scriptix-live-key-4242")
    model = Model(provider="scriptix", id="1", name="n", description="key scriptix-live-key-4242 inside")
    assert model_dict(model)["description"] == "key *** inside"
