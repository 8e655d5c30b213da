"""The whole life of a model against the sandbox, sync and async: create, validate, list, get, delete."""

from __future__ import annotations

from modelreg_selise import SeliseDetails, Validation

import modelreg
from modelreg import ModelStatus

FIELDS = {
    "vendor": "openai",
    "service_platform": "official_api",
    "version": "gpt-4",
    "model_name": "gpt-4o-mini",
    "display_name": "Support bot model",
    "api_key": "sk-acceptance-0123456789abcdef",
    "max_tokens": 2048,
    "default_temperature": 0.2,
}


def test_create_validate_list_get_delete_twice_sync() -> None:
    with modelreg.connect("selise", sandbox=True) as reg:
        model = reg.create(**FIELDS)
        assert model.status is ModelStatus.PENDING
        assert isinstance(model.details, SeliseDetails)
        assert (model.details.max_tokens, model.details.default_temperature) == (2048, 0.2)
        result = reg.validate(model.id)
        assert isinstance(result, Validation) and result.is_valid
        listed = list(reg.list(vendor="openai", status=ModelStatus.AVAILABLE, search="support"))
        assert [m.id for m in listed] == [model.id]
        fetched = reg.get(model.id)
        assert fetched.status is ModelStatus.AVAILABLE
        assert fetched.name == "Support bot model"
        assert fetched.ref == f"selise:{model.id}"
        assert reg.delete(model.id).deleted is True
        try:
            reg.delete(model.id)
        except modelreg.NotFound:
            pass
        else:
            raise AssertionError("a second delete must be NotFound")
        again = reg.delete(model.id, missing_ok=True)
        assert again.deleted is False
        assert "sk-acceptance-0123456789abcdef" not in repr(fetched)


async def test_create_validate_list_get_delete_twice_async() -> None:
    async with modelreg.connect_async("selise", sandbox=True) as reg:
        model = await reg.create(**FIELDS)
        assert (await reg.validate(model.id)).is_valid
        listed = [m.id async for m in reg.list(vendor="openai", status=ModelStatus.AVAILABLE, search="support")]
        assert listed == [model.id]
        assert (await reg.get(model.id)).status is ModelStatus.AVAILABLE
        assert (await reg.delete(model.id)).deleted is True
        try:
            await reg.delete(model.id)
        except modelreg.NotFound:
            pass
        else:
            raise AssertionError("a second delete must be NotFound")
        assert (await reg.delete(model.id, missing_ok=True)).deleted is False
        assert [m.model_id for m in await reg.agent_models()][:1] == ["gpt-4-turbo"]
        assert len(await reg.catalogue("openai")) == 2


def test_a_lost_create_answer_is_settled_by_finding_the_model() -> None:
    from modelreg_selise import SeliseProvider

    from modelreg.sandbox import Fault, FaultPlan

    sandbox = SeliseProvider.sandbox(
        faults=FaultPlan(rate=1.0, weights={Fault.DROP_AFTER_COMMIT: 1}, operations={"create"})
    )
    with modelreg.connect("selise", sandbox=sandbox) as reg:
        model = reg.create(**FIELDS)
        assert model.name == "Support bot model"
        assert sandbox.requests["create"] == 1
        assert [m.id for m in reg.list(search="Support bot")] == [model.id]


def test_the_long_listing_walks_every_page_once() -> None:
    with modelreg.connect("selise", sandbox=True) as reg:
        for number in range(45):
            reg.create(**{**FIELDS, "display_name": f"bulk {number:02d}"})
        names = [m.name for m in reg.list(page_size=10, search="bulk")]
    assert names == [f"bulk {n:02d}" for n in range(45)]
