"""No cassette holds a credential: the fixed fake ones of the scenarios, key-like strings, auth headers."""

from __future__ import annotations

import functools
import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest

import tests.scenarios as package
from modelreg._plugins import provider_class
from modelreg.sandbox import SANDBOX_SECRET
from modelreg.testing import scan_cassette

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"
_CREDENTIAL_WORDS = ("KEY", "TOKEN", "SECRET", "PASSWORD")


def _scenario_modules() -> list[Any]:
    return [importlib.import_module(f"tests.scenarios.{i.name}") for i in pkgutil.iter_modules(package.__path__)]


@functools.cache
def known_credentials() -> frozenset[str]:
    """Every fixed fake credential the scenarios use, and the sandbox placeholders."""
    found: set[str] = set()
    for module in _scenario_modules():
        secret_names = {s.name for s in provider_class(module.PROVIDER).settings if s.secret}
        found |= {SANDBOX_SECRET.format(name=name) for name in secret_names}
        # Module constants named like credentials (API_KEY, OTHER_TOKEN...) hold the fake values.
        found |= {
            value
            for name, value in vars(module).items()
            if name.isupper() and isinstance(value, str) and any(w in name for w in _CREDENTIAL_WORDS)
        }
        for scenario in module.SCENARIOS.values():
            found |= {str(v) for k, v in scenario.settings.items() if k in secret_names and v}
    return frozenset(found)


CASSETTE_FILES = sorted(CASSETTES.rglob("*.yaml"))


def test_the_fake_credentials_are_found_so_the_scan_means_something() -> None:
    assert CASSETTE_FILES, "no cassettes found: run `make cassettes`"
    assert any(value.startswith("sandbox-") for value in known_credentials())


@pytest.mark.parametrize("path", CASSETTE_FILES, ids=[str(p.relative_to(CASSETTES)) for p in CASSETTE_FILES])
def test_cassette_holds_no_credential(path: Path) -> None:
    leaks = scan_cassette(path, secrets=known_credentials())
    assert leaks == [], "\n".join(map(str, leaks))


def test_the_scan_fails_a_cassette_that_kept_a_scenario_credential(tmp_path: Path) -> None:
    credential = sorted(known_credentials())[0]
    source = CASSETTE_FILES[0].read_text(encoding="utf-8")
    leaky = tmp_path / "leaky.yaml"
    leaky.write_text(source.replace("'***'", repr(credential), 1), encoding="utf-8")
    kinds = {leak.kind for leak in scan_cassette(leaky, secrets=known_credentials())}
    assert "known secret" in kinds
