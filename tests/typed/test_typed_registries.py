"""Typed registries: ``connect("scriptix")`` is a ``ScriptixRegistry`` whose own operations type-check."""

from __future__ import annotations

import asyncio
import os
import textwrap
from pathlib import Path

import pytest
from modelreg_scriptix import AsyncScriptixRegistry, ScriptixRegistry, TrainingData
from modelreg_selise import AsyncSeliseRegistry, SeliseRegistry

import modelreg
from modelreg import ModelRegistry
from modelreg.typed import TypedRegistry, operation

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def bindings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Registry classes a test declares are forgotten after it (the toy's class outlives the test)."""
    from modelreg import _binding

    monkeypatch.setattr(_binding, "_bound", {provider: list(found) for provider, found in _binding._bound.items()})


def test_connect_builds_each_built_in_providers_typed_registry() -> None:
    with modelreg.connect("scriptix", sandbox=True) as scriptix, modelreg.connect("selise", sandbox=True) as selise:
        assert type(scriptix) is ScriptixRegistry and type(selise) is SeliseRegistry
        model = scriptix.create(name="Cardiology EN", language="en")
        scriptix.upload_training_data(model.id, b"audio", "transcript", filename="visit-01.mp3")
        assert all(isinstance(data, TrainingData) for data in scriptix.training_data(model.id))
        assert scriptix.training_data.__doc__ == "The datasets uploaded to a model (``GET .../{id}/data``)."

    async def run() -> None:
        async with modelreg.connect_async("scriptix", sandbox=True) as areg:
            assert type(areg) is AsyncScriptixRegistry
            assert await areg.training_data((await areg.create(name="x", language="en")).id) == []
        assert type(modelreg.connect_async("selise", sandbox=True)) is AsyncSeliseRegistry

    asyncio.run(run())


def test_a_provider_without_a_typed_registry_gets_the_plain_one(toy: Path) -> None:
    with modelreg.connect("toy", sandbox=True) as reg:
        assert type(reg) is ModelRegistry
        assert reg.publish(reg.create(name="a").id).status is modelreg.ModelStatus.AVAILABLE


def test_declaring_an_operation_the_provider_does_not_offer_fails_when_the_class_is_made(toy: Path) -> None:
    from modelreg_toy import ToyProvider

    with pytest.raises(TypeError, match="'delete', which ToyProvider does not list"):

        class Wrong(TypedRegistry, provider=ToyProvider):
            delete_it = operation(ToyProvider.delete)

    with pytest.raises(TypeError, match="Provider subclass"):

        class NotAProvider(TypedRegistry, provider=int):  # type: ignore[arg-type]
            pass


def test_a_typed_registry_declared_for_a_provider_is_what_connect_builds(toy: Path) -> None:
    from modelreg_toy import ToyProvider

    class ToyRegistry(TypedRegistry, provider=ToyProvider):
        publish = operation(ToyProvider.publish)

    with modelreg.connect("toy", sandbox=True) as reg:
        assert isinstance(reg, ToyRegistry)
        assert reg.publish(reg.create(name="a").id, wait=1.0).status is modelreg.ModelStatus.AVAILABLE


CHECKED = """
import modelreg
from modelreg_scriptix import TrainingDataUpload

def use() -> None:
    with modelreg.connect("scriptix", api_key="k") as reg:
        upload: TrainingDataUpload = reg.upload_training_data(1, b"audio", "text")
        reg.upload_trainig_data(1, b"audio", "text")
        reg.training_data(1, 2, 3)
    other = modelreg.connect(str("toy"))
    other.anything_goes()
"""


@pytest.mark.timeout(300)
def test_mypy_strict_rejects_a_misspelt_or_misused_operation_and_accepts_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = pytest.importorskip("mypy.api")
    source = tmp_path / "uses_scriptix.py"
    source.write_text(textwrap.dedent(CHECKED))
    monkeypatch.setenv("MYPYPATH", os.pathsep.join(str(ROOT / part) for part in ("src", "providers")))
    # The project's own cache: the package is checked once, not again for this one file.
    out, _err, status = api.run(["--strict", "--cache-dir", str(ROOT / ".mypy_cache"), str(source)])
    lines = {int(line.split(":")[1]) for line in out.splitlines() if ": error:" in line}
    assert status == 1 and lines == {8, 9}, out
    assert 'of "UnknownOperation"' in out and "Too many arguments" in out, out
