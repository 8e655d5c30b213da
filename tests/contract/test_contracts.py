"""``ProviderContract`` run for every provider this repository ships or documents, as a plugin author would."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import pytest

from modelreg.testing import ProviderContract


class TestScriptixContract(ProviderContract):
    provider = "scriptix"
    create_fields: ClassVar[Mapping[str, Any]] = {"language": "en", "description": "first"}


class TestSeliseContract(ProviderContract):
    provider = "selise"
    create_fields: ClassVar[Mapping[str, Any]] = {
        "vendor": "openai",
        "service_platform": "official_api",
        "version": "gpt-4",
        "model_name": "gpt-4o-mini",
        "api_key": "sk-contract-000000000000",
    }
    sandbox_options: ClassVar[Mapping[str, Any]] = {"seed": False}
    keep_one_model = True


class TestToyContract(ProviderContract):
    provider = "toy"
    create_fields: ClassVar[Mapping[str, Any]] = {"name": "Contract model", "description": "first"}

    @pytest.fixture(autouse=True)
    def installed(self, toy: Path) -> None:
        """The toy provider is installed through its entry point for these tests."""


class TestAcmeContract(ProviderContract):
    provider = "acme"
    create_fields: ClassVar[Mapping[str, Any]] = {"name": "Contract model", "locale": "en-US"}

    @pytest.fixture(autouse=True)
    def installed(self, acme: Path) -> None:
        """The Acme provider is installed through its entry point for these tests."""
