"""``apply``: one outcome per action, dry runs send nothing, failures never stop the rest silently."""

from __future__ import annotations

from typing import Any

import modelreg
from modelreg import ActionKind, ApplyOutcome, ApplyStatus, PermissionDenied, RateLimited, Registries
from modelreg.provider import Limit
from modelreg.sandbox import Sandbox
from tests.manifest.conftest import SELISE_SETTINGS, WriteManifest, connect, names, scriptix_entry, selise_entry

SELISE_PRUNE = '[prune]\nselise = { name_prefix = "team-a/" }\n'


def selise_fields(name: str) -> dict[str, Any]:
    return {
        "vendor": "openai", "service_platform": "official_api", "version": "gpt-4", "model_name": "gpt-4o-mini",
        "display_name": name, "api_key": "sk-stray-0000000000000000",
    }  # fmt: skip


def test_a_dry_run_reports_every_action_and_sends_nothing(
    registries: Registries, sandboxes: dict[str, Sandbox], write_manifest: WriteManifest
) -> None:
    plan = registries.plan(write_manifest(scriptix_entry("Cardiology EN"), selise_entry("Support bot")))
    before = {name: sum(sandbox.requests.values()) for name, sandbox in sandboxes.items()}
    outcomes = registries.apply(plan, dry_run=True)
    assert [(o.status, o.detail) for o in outcomes] == [(ApplyStatus.WOULD_APPLY, "dry run: nothing was sent")] * 2
    assert {name: sum(sandbox.requests.values()) for name, sandbox in sandboxes.items()} == before


def test_progress_is_reported_once_per_action(registries: Registries, write_manifest: WriteManifest) -> None:
    seen: list[tuple[str, int, int]] = []
    path = write_manifest(scriptix_entry("a"), scriptix_entry("b"), selise_entry("c"))
    registries.apply(registries.plan(path), progress=lambda o, done, total: seen.append((str(o.status), done, total)))
    assert seen == [("applied", 1, 3), ("applied", 2, 3), ("applied", 3, 3)]


def test_a_failed_action_is_its_outcome_and_the_others_still_run(
    registries: Registries, sandboxes: dict[str, Sandbox], write_manifest: WriteManifest
) -> None:
    selise = registries["selise"]
    busy = selise.create(**selise_fields("team-a/busy"))
    idle = selise.create(**selise_fields("team-a/idle"))
    sandboxes["selise"].mark_in_use(busy.id)  # type: ignore[attr-defined]
    path = write_manifest(scriptix_entry("Cardiology EN"), selise_entry("Support bot"), SELISE_PRUNE)
    outcomes = registries.apply(registries.plan(path, prune=True))
    by_ref = {o.action.ref: o for o in outcomes if o.action.kind is ActionKind.DELETE}
    assert by_ref[busy.ref].status is ApplyStatus.FAILED
    detail = by_ref[busy.ref].detail or ""
    assert "not deleted: " in detail and "in use" in detail
    assert isinstance(by_ref[busy.ref].error, modelreg.ModelInUse)
    assert by_ref[idle.ref].status is ApplyStatus.APPLIED
    assert [o.status for o in outcomes if o.action.kind is ActionKind.CREATE] == [ApplyStatus.APPLIED] * 2
    assert names(registries, "selise") == ["Support bot", "keeper", "team-a/busy"]


def test_refused_credentials_skip_that_providers_remaining_actions_saying_why(
    registries: Registries, sandboxes: dict[str, Sandbox], write_manifest: WriteManifest
) -> None:
    sandboxes["selise"].restrict(SELISE_SETTINGS["project_key"])  # type: ignore[attr-defined]
    path = write_manifest(selise_entry("one"), selise_entry("two"), scriptix_entry("Cardiology EN"))
    outcomes = registries.apply(registries.plan(path))
    assert [o.status for o in outcomes] == [ApplyStatus.FAILED, ApplyStatus.SKIPPED, ApplyStatus.APPLIED]
    assert isinstance(outcomes[0].error, PermissionDenied)
    assert (
        outcomes[1].detail == "not attempted: an earlier selise request failed with PermissionDenied; run apply again"
    )


def test_apply_waits_out_a_rate_limit_window_instead_of_giving_up(
    sandboxes: dict[str, Sandbox], write_manifest: WriteManifest
) -> None:
    clock = sandboxes["scriptix"].clock
    started = clock.now()
    path = write_manifest(*(scriptix_entry(f"model {n}") for n in range(4)))
    with connect(sandboxes, limits={"create": Limit(calls=2, period=3600)}) as registries:
        outcomes = registries.apply(registries.plan(path))
        assert [o.status for o in outcomes] == [ApplyStatus.APPLIED] * 4
    # The third create waited for the first token of the hour to come back, on the sandbox's clock.
    assert 3600 <= clock.now() - started < 3700


def test_a_rate_limit_longer_than_max_wait_fails_that_action_and_skips_the_rest(
    sandboxes: dict[str, Sandbox], write_manifest: WriteManifest
) -> None:
    path = write_manifest(*(scriptix_entry(f"model {n}") for n in range(4)))
    with connect(sandboxes, limits={"create": Limit(calls=2, period=3600)}) as registries:
        outcomes: list[ApplyOutcome] = registries.apply(registries.plan(path), max_wait=60)
    statuses = [o.status for o in outcomes]
    assert statuses == [ApplyStatus.APPLIED, ApplyStatus.APPLIED, ApplyStatus.FAILED, ApplyStatus.SKIPPED]
    assert isinstance(outcomes[2].error, RateLimited)
    assert outcomes[3].detail and "RateLimited" in outcomes[3].detail


def test_a_failed_replacement_says_the_old_model_is_gone_and_a_rerun_creates_it(
    registries: Registries, sandboxes: dict[str, Sandbox], write_manifest: WriteManifest
) -> None:
    registries.apply(registries.plan(write_manifest(selise_entry("Support bot", version="gpt-4"))))
    path = write_manifest(selise_entry("Support bot", version="gpt-4o"))
    plan = registries.plan(path, allow_replace=True)
    old = plan.actions[0].ref
    sandboxes["selise"].faults = modelreg.sandbox.FaultPlan(
        rate=1.0, weights={modelreg.sandbox.Fault.SERVER_ERROR: 1.0}, operations={"create"}
    )
    (outcome,) = registries.apply(plan)
    assert outcome.status is ApplyStatus.FAILED
    assert outcome.detail and outcome.detail.startswith(f"{old} was deleted but creating its replacement failed")
    sandboxes["selise"].faults = None
    assert [a.kind for a in registries.plan(path).actions] == [ActionKind.CREATE]
    registries.apply(registries.plan(path))
    assert registries.plan(path).in_sync and names(registries, "selise") == ["Support bot", "keeper"]
