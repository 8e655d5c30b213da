"""The SELISE plugin registers through its entry point and uses modelreg's public API only."""

from __future__ import annotations

import ast
from pathlib import Path

import modelreg_selise

import modelreg
from modelreg.provider import Provider

PACKAGE = Path(modelreg_selise.__file__).parent
PUBLIC = {"modelreg", "modelreg.provider", "modelreg.sandbox", "modelreg.errors", "modelreg.typed", "modelreg.plugins"}


def test_selise_is_an_installed_provider() -> None:
    assert "selise" in modelreg.providers()


def test_the_plugin_registers_the_selise_provider() -> None:
    registered: list[type[Provider]] = []
    modelreg_selise.register_providers(registered.append)
    assert registered == [modelreg_selise.SeliseProvider]


def test_the_provider_imports_only_modelregs_public_modules() -> None:
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                if name == "modelreg" or name.startswith("modelreg."):
                    assert name in PUBLIC, f"{path.name} imports {name}"


def test_provider_only_operations_are_registry_methods() -> None:
    with modelreg.connect("selise", sandbox=True) as reg:
        assert set(reg.operations) == {"agent_models", "catalogue", "upsert_catalogue", "activate", "deactivate"}
        assert {"agent_models", "catalogue", "upsert_catalogue"} <= set(dir(reg))


def test_every_module_stays_small() -> None:
    for path in PACKAGE.glob("*.py"):
        assert len(path.read_text().splitlines()) <= 400, path.name


def test_the_readme_lists_the_assumptions_section() -> None:
    text = (PACKAGE / "README.md").read_text()
    assert "## Assumptions" in text
    for topic in ("list envelope", "create", "get", "update", "token", "PENDING", "404", "limits", "find_created"):
        assert topic in text, topic
