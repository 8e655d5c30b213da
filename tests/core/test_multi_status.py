"""A listing across providers asks for a status some vendor cannot have: that vendor contributes nothing.

The CLI has always listed so (``modelreg --sandbox list --status training``); ``connect_all`` raised.
"""

from __future__ import annotations

import pytest

import modelreg
from modelreg import ModelStatus, ValidationFailed


def _training(regs: modelreg.Registries) -> str:
    """Start one Scriptix training, so that a TRAINING model exists."""
    scriptix = regs["scriptix"]
    model = scriptix.create(name="Cardiology EN", language="en")
    scriptix.upload_training_data(model.id, b"audio", "transcript", filename="visit-01.mp3")
    return scriptix.train(model.id).ref


def test_connect_all_lists_training_models_from_the_vendors_that_have_them() -> None:
    with modelreg.connect_all(providers=["scriptix", "selise"], sandbox=True) as regs:
        seeded = [model.ref for model in regs.list(status=ModelStatus.TRAINING)]  # the seed's one training model
        assert [ref.split(":")[0] for ref in seeded] == ["scriptix"]
        ref = _training(regs)
        assert [model.ref for model in regs.list(status=ModelStatus.TRAINING)] == [*seeded, ref]
        assert [model.ref for model in regs.list(status="training")] == [*seeded, ref]


def test_a_vendor_named_for_a_status_it_cannot_have_refuses_as_the_cli_does() -> None:
    regs = modelreg.connect_all(providers=["scriptix", "selise"], sandbox=True)
    with regs, pytest.raises(ValidationFailed) as refused:
        list(regs.list(status=ModelStatus.TRAINING, providers=["selise"]))
    assert refused.value.status_code is None and refused.value.issues[0].loc == ("query", "status")


async def test_the_async_twin_agrees() -> None:
    async with modelreg.connect_all_async(providers=["scriptix", "selise"], sandbox=True) as regs:
        refs = [model.ref async for model in regs.list(status=ModelStatus.TRAINING)]
        assert [ref.split(":")[0] for ref in refs] == ["scriptix"]  # the seed's one; SELISE contributes nothing


def test_a_status_that_is_no_status_at_all_is_still_refused_before_sending() -> None:
    with modelreg.connect_all(providers=["scriptix", "selise"], sandbox=True) as regs, pytest.raises(ValidationFailed):
        list(regs.list(status="bogus"))
