"""The whole life of a Scriptix model on the sandbox, through the sync and the async registry."""

from __future__ import annotations

from pathlib import Path

import pytest
from modelreg_scriptix import ScriptixProvider

import modelreg
from modelreg import ModelStatus, NotFound
from modelreg.sandbox import SqliteStore

AUDIO = ("cardiology_01.mp3", b"ID3 audio")
TRANSCRIPT = ("cardiology_01.txt", "Patient presents with chest pain.")


def test_lifecycle_through_the_sync_registry() -> None:
    reports: list[tuple[ModelStatus, int | None]] = []
    with modelreg.connect("scriptix", sandbox=True) as reg:
        model = reg.create(name="Cardiology EN", language="en", base_model="medical", description="Consultations")
        assert (model.status, model.details.training_status) == (ModelStatus.PENDING, 1)
        upload = reg.upload_training_data(model.id, audio=AUDIO, transcript=TRANSCRIPT)
        assert upload.status is ModelStatus.READY and reg.get(model.id).status is ModelStatus.READY
        reg.upload_training_data(model.id, audio=AUDIO, transcript=TRANSCRIPT, kind="test")
        started = reg.train(model.id)
        assert (started.status, started.details.training_status) == (ModelStatus.TRAINING, 3)
        trained = reg.wait_for_training(
            model.id, progress=lambda m: reports.append((m.status, m.details.training_progress))
        )
        assert trained.status is ModelStatus.AVAILABLE and trained.details.training_status == 4
        assert reports[-1] == (ModelStatus.AVAILABLE, 100)
        assert all(status is ModelStatus.TRAINING for status, _ in reports[:-1])
        listed = list(reg.list(status=ModelStatus.AVAILABLE, language="en", base_model="medical"))
        assert model.id in [m.id for m in listed]  # beside the seeded "Medical Cardiology EN"
        assert {(m.status, m.details.language, m.details.base_model) for m in listed} == {
            (ModelStatus.AVAILABLE, "en", "medical")
        }
        updated = reg.update(model.id, name="Cardiology EN v2", description=None)
        assert (updated.name, updated.description, updated.status) == ("Cardiology EN v2", None, ModelStatus.AVAILABLE)
        assert reg.delete(model.id).deleted
        with pytest.raises(NotFound):
            reg.get(model.id)


async def test_lifecycle_through_the_async_registry() -> None:
    async with modelreg.connect_async("scriptix", sandbox=True) as reg:
        model = await reg.create(name="Legal NL", language="nl", base_model="legal")
        assert model.status is ModelStatus.PENDING
        upload = await reg.upload_training_data(model.id, audio=AUDIO, transcript=TRANSCRIPT)
        assert upload.status is ModelStatus.READY
        seen: list[ModelStatus] = []
        trained = await reg.train(model.id, wait=True, progress=lambda m: seen.append(m.status))
        assert seen[0] is ModelStatus.TRAINING and trained.status is ModelStatus.AVAILABLE
        assert model.id in [m.id async for m in reg.list(status=ModelStatus.AVAILABLE)]
        assert (await reg.update(model.id, description="Contracts")).description == "Contracts"
        data = await reg.training_data(model.id)
        assert [d.kind for d in data] == ["train"]
        assert (await reg.get_training_data(model.id, data[0].id)).name == AUDIO[0]
        assert (await reg.delete_training_data(model.id, data[0].id)).deleted
        assert (await reg.delete(model.id)).deleted
        assert (await reg.delete(model.id, missing_ok=True)).deleted is False


def test_lifecycle_on_a_sqlite_backed_sandbox_across_registries(tmp_path: Path) -> None:
    path = tmp_path / "scriptix.db"
    with modelreg.connect("scriptix", sandbox=ScriptixProvider.sandbox(store=SqliteStore(path))) as reg:
        model = reg.create(name="Persistent", language="de", base_model="technical")
        reg.upload_training_data(model.id, audio=AUDIO, transcript=TRANSCRIPT)
    with modelreg.connect("scriptix", sandbox=ScriptixProvider.sandbox(store=SqliteStore(path))) as reg:
        assert reg.get(model.id).status is ModelStatus.READY
        assert reg.train(model.id, wait=True).status is ModelStatus.AVAILABLE
    with modelreg.connect("scriptix", sandbox=ScriptixProvider.sandbox(store=SqliteStore(path))) as reg:
        assert reg.get(model.id).status is ModelStatus.AVAILABLE
        assert reg.delete(model.id).deleted
        assert list(reg.list()) == []


def test_registries_expose_the_scriptix_operations() -> None:
    with modelreg.connect("scriptix", sandbox=True) as reg:
        assert set(reg.operations) == {
            "upload_training_data",
            "training_data",
            "get_training_data",
            "delete_training_data",
            "wait_for_training",
        }
        assert set(reg.operations) <= set(dir(reg))
        assert "multipart" in (reg.upload_training_data.__doc__ or "")


def test_the_plugin_is_registered_with_the_documented_limits() -> None:
    from modelreg.provider import Limit

    assert "scriptix" in modelreg.providers()
    limits = ScriptixProvider.limits
    assert limits["list"] == Limit(calls=100, period=60, concurrency=10)
    assert limits["create"] == Limit(calls=10, period=3600, concurrency=3)
    assert limits["delete"] == Limit(calls=20, period=3600, concurrency=3)
    assert {"get", "update", "train", "upload_data", "list_data", "get_data", "delete_data"} <= set(limits)
