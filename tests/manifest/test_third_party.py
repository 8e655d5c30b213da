"""A third-party provider joins models as code by declaring ``natural_key`` (the toy plugin of docs/plugins.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

import modelreg
from modelreg import ActionKind, Change
from modelreg._plugins import provider_class
from tests.manifest.conftest import WriteManifest

TOY = '[[models]]\nprovider = "toy"\nname = "{name}"\ndescription = "{description}"\n'


@pytest.fixture
def toy_with_key(toy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The toy provider, identified by name as its ``find_created`` does."""
    monkeypatch.setattr(provider_class("toy"), "natural_key", ("name",))


@pytest.mark.usefixtures("toy_with_key")
def test_a_plugin_provider_with_a_natural_key_plans_and_applies(write_manifest: WriteManifest) -> None:
    path = write_manifest(TOY.format(name="Alpha", description="first"), TOY.format(name="Beta", description="b"))
    with modelreg.connect_all(sandbox={"toy": provider_class("toy").sandbox()}) as registries:
        registries["toy"].create(name="Alpha", description="edited")
        plan = registries.plan(path)
        assert [(a.kind, dict(a.changes)) for a in plan.actions] == [
            (ActionKind.UPDATE, {"description": Change("edited", "first")}),
            (ActionKind.CREATE, {}),
        ]
        assert all(outcome.ok for outcome in registries.apply(plan))
        assert registries.plan(path).in_sync
