"""SELISE cassettes: what the recorded interactions show, and that no secret is in them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.scenarios import selise
from tests.scenarios.selise import SCENARIOS

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes" / "selise"
SECRETS = (
    selise.BLOCKS_KEY,
    selise.PROJECT_KEY,
    selise.CLIENT_ID,
    selise.CLIENT_SECRET,
    selise.THIRD_PARTY_KEY,
    "sk-scenario-working-0123456789",
    "not-an-anthropic-key",
    "another-secret-0005",
    "tok-revoked-scenario-0006",
)


def test_the_401_cassette_shows_a_refused_token_replaced_once() -> None:
    interactions = yaml.safe_load((CASSETTES / "token_refresh_on_401.yaml").read_text())["interactions"]
    steps = [
        (i["request"]["method"], i["request"]["uri"].split("?")[0].rsplit("/", 1)[-1], i["response"]["status"]["code"])
        for i in interactions
    ]
    assert steps == [
        ("POST", "Token", 200),
        ("GET", "", 200),
        ("GET", "", 401),
        ("POST", "Token", 200),
        ("GET", "", 200),
    ]


def test_the_expiry_cassette_fetches_a_second_token_before_any_401() -> None:
    interactions = yaml.safe_load((CASSETTES / "token_expiry.yaml").read_text())["interactions"]
    codes = [(i["request"]["method"], i["response"]["status"]["code"]) for i in interactions]
    assert codes == [("POST", 200), ("GET", 200), ("POST", 200), ("GET", 200)]


def test_every_scenario_has_its_cassette_and_every_cassette_its_scenario() -> None:
    assert {p.stem for p in CASSETTES.glob("*.yaml")} == set(SCENARIOS)


@pytest.mark.parametrize("path", sorted(CASSETTES.glob("*.yaml")), ids=lambda p: p.stem)
def test_no_credential_token_or_third_party_key_is_in_a_cassette(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret not in text, f"{path.name} holds {secret[:6]}..."
    assert not re.search(r"sbx\.\d+\.[0-9a-f]+", text), f"{path.name} holds an issued access token"
    assert not re.search(r"sk-\.\.\.\w{4}", text), f"{path.name} holds a masked third-party key"
    for interaction in yaml.safe_load(text)["interactions"]:
        headers = {k.lower(): v for k, v in interaction["request"]["headers"].items()}
        for name in ("x-blocks-key", "authorization"):
            assert headers.get(name, ["***"]) == ["***"], f"{path.name}: {name} not scrubbed"


def test_the_create_cassettes_carry_the_body_fields_but_not_the_key() -> None:
    for name in ("create", "create_422", "lifecycle"):
        text = (CASSETTES / f"{name}.yaml").read_text(encoding="utf-8")
        assert '\\"api_key\\":\\"***\\"' in text or '"api_key":"***"' in text, name
        assert "MaxTokens" in text and "DefaultTemp" in text
