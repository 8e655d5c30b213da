"""Plans: create, update (old -> new), replace, delete within [prune], noop; apply then plan again is all noop."""

from __future__ import annotations

import pytest

import modelreg
from modelreg import ActionKind, ApplyStatus, Change, Registries, ValidationFailed
from modelreg.sandbox import Sandbox
from tests.manifest.conftest import WriteManifest, connect_async, names, scriptix_entry, selise_entry

PRUNE = '[prune]\nscriptix = { name_prefix = "team-a/" }\n'


def kinds(plan: modelreg.Plan) -> list[str]:
    return [f"{action.kind} {action.provider}" for action in plan.actions]


def test_plan_apply_plan_round_trip_on_both_sandboxes(registries: Registries, write_manifest: WriteManifest) -> None:
    path = write_manifest(scriptix_entry("Cardiology EN"), scriptix_entry("Radiology EN"), selise_entry("Support bot"))
    plan = registries.plan(modelreg.load_manifest(path))
    assert kinds(plan) == ["create scriptix", "create scriptix", "create selise"]
    assert [a.ref for a in plan.actions] == [None, None, None]
    outcomes = registries.apply(plan)
    assert [o.status for o in outcomes] == [ApplyStatus.APPLIED] * 3
    assert all(o.ref and o.ref.startswith(o.action.provider + ":") for o in outcomes)
    again = registries.plan(path)
    assert again.in_sync and kinds(again) == ["noop scriptix", "noop scriptix", "noop selise"]
    assert [a.ref for a in again.actions] == [o.ref for o in outcomes]
    assert names(registries, "selise") == ["Support bot", "keeper"]


async def test_the_async_registries_plan_and_apply_alike(
    sandboxes: dict[str, Sandbox], write_manifest: WriteManifest
) -> None:
    path = write_manifest(scriptix_entry("Cardiology EN"), selise_entry("Support bot"))
    async with connect_async(sandboxes) as registries:
        plan = await registries.plan(path)
        assert kinds(plan) == ["create scriptix", "create selise"]
        outcomes = await registries.apply(plan)
        assert all(outcome.ok for outcome in outcomes)
        assert (await registries.plan(path)).in_sync


def test_a_model_deleted_by_hand_is_planned_again_as_a_create(
    registries: Registries, write_manifest: WriteManifest
) -> None:
    path = write_manifest(scriptix_entry("Cardiology EN"), selise_entry("Support bot"))
    created = registries.apply(registries.plan(path))
    registries.delete(created[0].ref or "")
    registries.delete(created[1].ref or "")
    assert kinds(registries.plan(path)) == ["create scriptix", "create selise"]


def test_a_description_edited_by_hand_is_an_update_showing_old_and_new(
    registries: Registries, write_manifest: WriteManifest
) -> None:
    path = write_manifest(scriptix_entry("Cardiology EN", description="as written"))
    (created,) = registries.apply(registries.plan(path))
    registries.update(created.ref or "", description="edited in the console")
    plan = registries.plan(path)
    (action,) = plan.actions
    assert action.kind is ActionKind.UPDATE and action.ref == created.ref
    assert action.changes == {"description": Change("edited in the console", "as written")}
    assert action.to_dict() == {
        "action": "update",
        "provider": "scriptix",
        "key": {"name": "Cardiology EN", "language": "en", "base_model": "medical"},
        "ref": created.ref,
        "changes": {"description": {"old": "edited in the console", "new": "as written"}},
    }
    (outcome,) = registries.apply(plan)
    assert (outcome.status, outcome.detail) == (ApplyStatus.APPLIED, "updated description")
    assert registries.get(created.ref or "").description == "as written"
    assert registries.plan(path).in_sync


def test_a_field_the_vendor_cannot_update_is_a_replace_refused_without_allow_replace(
    registries: Registries, write_manifest: WriteManifest
) -> None:
    registries.apply(registries.plan(write_manifest(selise_entry("Support bot", version="gpt-4"))))
    path = write_manifest(selise_entry("Support bot", version="gpt-4o"))
    plan = registries.plan(path)
    (action,) = plan.actions
    assert action.kind is ActionKind.REPLACE and action.changes == {"version": Change("gpt-4", "gpt-4o")}
    assert action.blocked == "selise cannot update version: replacing the model needs --allow-replace"
    with pytest.raises(ValidationFailed, match=r"nothing was sent.*needs --allow-replace"):
        registries.apply(plan)
    assert [m.ref for m in registries["selise"].list() if m.name == "Support bot"] == [action.ref]
    allowed = registries.plan(path, allow_replace=True)
    assert allowed.blocked == ()
    (outcome,) = registries.apply(allowed)
    assert outcome.status is ApplyStatus.APPLIED and outcome.ref != action.ref
    assert outcome.detail == f"replaced {action.ref}"
    assert registries.get(outcome.ref or "").details.version == "gpt-4o"
    assert registries.plan(path).in_sync


def test_prune_deletes_only_inside_its_scope_and_only_when_asked(
    registries: Registries, write_manifest: WriteManifest
) -> None:
    scriptix = registries["scriptix"]
    stray = scriptix.create(name="team-a/stray", language="nl")
    outside = scriptix.create(name="team-b/other", language="en")
    path = write_manifest(scriptix_entry("team-a/kept"), PRUNE)
    registries.apply(registries.plan(path))
    plan = registries.plan(path)
    assert plan.in_sync
    assert plan.notes == (
        f"1 scriptix model(s) in the [prune] scope are not in the manifest: {stray.ref} (--prune deletes them)",
    )
    pruning = registries.plan(path, prune=True)
    assert kinds(pruning) == ["noop scriptix", "delete scriptix"]
    assert pruning.actions[1].ref == stray.ref
    assert dict(pruning.actions[1].key) == {"name": "team-a/stray", "language": "nl", "base_model": "general"}
    outcomes = registries.apply(pruning)
    assert outcomes[1].status is ApplyStatus.APPLIED and outcomes[1].detail == "deleted"
    assert names(registries, "scriptix") == ["team-a/kept", outside.name]
    assert names(registries, "selise") == ["keeper"]  # no [prune] scope: never touched


def test_a_prune_scope_with_filters_lists_with_them(registries: Registries, write_manifest: WriteManifest) -> None:
    scriptix = registries["scriptix"]
    dutch = scriptix.create(name="team-a/dutch", language="nl")
    scriptix.create(name="team-a/english", language="en")
    path = write_manifest('[prune]\nscriptix = { name_prefix = "team-a/", language = "nl" }\n')
    plan = registries.plan(path, prune=True)
    assert [(a.kind, a.ref) for a in plan.actions] == [(ActionKind.DELETE, dutch.ref)]


def test_prune_without_a_prune_table_deletes_nothing_and_says_so(
    registries: Registries, write_manifest: WriteManifest
) -> None:
    registries["scriptix"].create(name="anything", language="en")
    plan = registries.plan(write_manifest(scriptix_entry("Cardiology EN")), prune=True)
    assert kinds(plan) == ["create scriptix"]
    assert plan.notes == ("--prune was given but the manifest has no [prune] table: nothing will be deleted",)


def test_duplicates_of_a_key_leave_the_oldest_managed_and_say_so(
    registries: Registries, write_manifest: WriteManifest
) -> None:
    scriptix = registries["scriptix"]
    first = scriptix.create(name="team-a/twin", language="en", base_model="medical", description="first")
    second = scriptix.create(name="team-a/twin", language="en", base_model="medical", description="first")
    path = write_manifest(scriptix_entry("team-a/twin"), PRUNE)
    plan = registries.plan(path, prune=True)
    assert [(a.kind, a.ref) for a in plan.actions] == [(ActionKind.NOOP, first.ref), (ActionKind.DELETE, second.ref)]
    assert plan.notes[0].endswith(f"matches several models: {first.ref} is managed, not {second.ref}")


def test_the_connected_providers_settings_check_the_plan_before_anything_is_sent(
    sandboxes: dict[str, Sandbox], write_manifest: WriteManifest
) -> None:
    path = write_manifest(scriptix_entry("Cardiology EN"))
    settings = {"scriptix": {"languages": "nl,de"}}
    with (
        modelreg.connect_all(sandbox=sandboxes, settings=settings) as registries,
        pytest.raises(ValidationFailed, match=r"entry 1: language: language 'en' is not supported"),
    ):
        registries.plan(path)
    assert sandboxes["scriptix"].requests["create"] == 0


def test_a_provider_the_manifest_names_must_be_connected(
    sandboxes: dict[str, Sandbox], write_manifest: WriteManifest
) -> None:
    with (
        modelreg.connect_all(sandbox={"scriptix": sandboxes["scriptix"]}) as registries,
        pytest.raises(modelreg.ConfigurationError, match="provider 'selise' is not connected"),
    ):
        registries.plan(write_manifest(selise_entry("Support bot")))


def test_the_summary_counts_each_kind(registries: Registries, write_manifest: WriteManifest) -> None:
    plan = registries.plan(write_manifest(scriptix_entry("a"), scriptix_entry("b")))
    assert plan.summary() == "2 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged"


def test_long_rate_limited_work_comes_with_an_estimate(write_manifest: WriteManifest) -> None:
    entries = [scriptix_entry(f"model {n}") for n in range(12)]
    manifest = modelreg.load_manifest(write_manifest(*entries))
    plan = modelreg.Plan(
        tuple(modelreg.Action(ActionKind.CREATE, "scriptix", e.key, entry=e) for e in manifest.entries)
    )
    estimate = plan.estimate()
    assert estimate.seconds == 3600
    assert str(estimate) == "12 scriptix creates at 10/h: about 1 h"
    assert modelreg.Plan(plan.actions[:10]).estimate().seconds == 0
