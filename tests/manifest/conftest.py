"""Fixtures for models as code: manifests on disk, fresh sandboxes of both vendors, a secret in the environment."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import modelreg
from modelreg._plugins import provider_class
from modelreg.sandbox import FaultPlan, Sandbox

SECRET = "sk-manifest-secret-0123456789abcdef"
"""The OpenAI key the SELISE entries refer to; no output, log or error may ever show it."""
SELISE_SETTINGS: dict[str, Any] = {"blocks_key": "blocks-key-manifest-0123", "project_key": "project-manifest"}

SCRIPTIX_ENTRY = """
[[models]]
provider = "scriptix"
name = "{name}"
language = "en"
base_model = "medical"
description = "{description}"
"""
SELISE_ENTRY = """
[[models]]
provider = "selise"
display_name = "{name}"
vendor = "openai"
service_platform = "official_api"
version = "{version}"
model_name = "gpt-4o-mini"
api_key = "${{env:OPENAI_API_KEY}}"
"""

WriteManifest = Callable[..., Path]


def scriptix_entry(name: str, description: str = "first") -> str:
    """A ``[[models]]`` entry for a Scriptix model."""
    return SCRIPTIX_ENTRY.format(name=name, description=description)


def selise_entry(name: str, version: str = "gpt-4") -> str:
    """A ``[[models]]`` entry for a SELISE model whose api_key is a reference."""
    return SELISE_ENTRY.format(name=name, version=version)


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> str:
    """The referenced secret, set in the environment."""
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    return SECRET


@pytest.fixture
def write_manifest(tmp_path: Path) -> WriteManifest:
    """``write_manifest(*parts, name="models.toml")``: the parts joined into a manifest file; returns its path."""

    def write(*parts: str, name: str = "models.toml") -> Path:
        path = tmp_path / name
        path.write_text("\n".join(parts), encoding="utf-8")
        return path

    return write


def new_sandboxes(faults: Callable[[], FaultPlan | None] = lambda: None) -> dict[str, Sandbox]:
    """An empty emulator of each vendor (SELISE keeps one unrelated model: a project may not lose its last)."""
    found = {
        "scriptix": provider_class("scriptix").sandbox(faults=faults()),
        "selise": provider_class("selise").sandbox(seed=False, faults=faults()),
    }
    with modelreg.connect("selise", sandbox=found["selise"], **SELISE_SETTINGS) as selise:
        saved, found["selise"].faults = found["selise"].faults, None
        selise.create(
            vendor="anthropic", service_platform="official_api", version="3", model_name="claude-3-haiku",
            display_name="keeper", api_key="sk-ant-keeper-000000000000",
        )  # fmt: skip
        found["selise"].faults = saved
    return found


def connect(sandboxes: dict[str, Sandbox], **options: Any) -> modelreg.Registries:
    """Both vendors' registries over ``sandboxes``."""
    return modelreg.connect_all(sandbox=sandboxes, settings={"selise": SELISE_SETTINGS}, **options)


def connect_async(sandboxes: dict[str, Sandbox], **options: Any) -> modelreg.AsyncRegistries:
    """The async twin of ``connect``."""
    return modelreg.connect_all_async(sandbox=sandboxes, settings={"selise": SELISE_SETTINGS}, **options)


@pytest.fixture
def sandboxes() -> dict[str, Sandbox]:
    """Fresh emulators of both vendors."""
    return new_sandboxes()


@pytest.fixture
def registries(sandboxes: dict[str, Sandbox]) -> Iterator[modelreg.Registries]:
    """Sync registries of both vendors over ``sandboxes``."""
    with connect(sandboxes) as connected:
        yield connected


def names(registries: modelreg.Registries, provider: str) -> list[str]:
    """The names of every model of ``provider``, sorted (duplicates kept)."""
    return sorted(model.name for model in registries[provider].list())
