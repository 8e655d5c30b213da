"""Secrets referenced by a manifest never show in plans, outcomes, logs or errors."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

import modelreg
from modelreg import ApplyStatus
from modelreg.sandbox import Sandbox
from tests.manifest.conftest import SECRET, SELISE_SETTINGS, WriteManifest, scriptix_entry, selise_entry


def test_plans_and_outcomes_never_show_a_referenced_secret(
    registries: modelreg.Registries, write_manifest: WriteManifest, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="modelreg")
    path = write_manifest(selise_entry("Support bot"), scriptix_entry("Cardiology EN"))
    plan = registries.plan(path)
    outcomes = registries.apply(plan)
    replace = registries.plan(write_manifest(selise_entry("Support bot", version="gpt-4o")), allow_replace=True)
    outcomes += registries.apply(replace)
    shown = [repr(plan), repr(replace), json.dumps(plan.to_json()), json.dumps(replace.to_json()), repr(outcomes)]
    shown += [str(outcome.detail) for outcome in outcomes]
    assert all(outcome.ok for outcome in outcomes)
    assert not [text for text in shown if SECRET in text]
    assert SECRET not in caplog.text
    assert "api_key" not in replace.actions[0].changes  # secrets are never compared either


def test_a_vendor_error_echoing_the_secret_is_masked_in_the_outcome_and_the_log(
    sandboxes: dict[str, Sandbox], write_manifest: WriteManifest, caplog: pytest.LogCaptureFixture
) -> None:
    """A vendor that quotes the request back in its error (as FastAPI's 422 may) still leaks nothing."""
    caplog.set_level(logging.DEBUG, logger="modelreg")
    emulator = sandboxes["selise"]

    def echoing(request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path == "/models/":
            sent = json.loads(request.content)
            detail = [
                {"loc": ["body", "api_key"], "msg": f"the key {sent['api_key']} was refused", "type": "value_error"}
            ]
            return httpx.Response(422, json={"detail": detail})
        return emulator.handle(request)

    settings = {"selise": {**SELISE_SETTINGS, "transport": httpx.MockTransport(echoing)}}
    with modelreg.connect_all(sandbox=sandboxes, settings=settings) as registries:
        (outcome,) = registries.apply(registries.plan(write_manifest(selise_entry("Support bot"))))
    assert outcome.status is ApplyStatus.FAILED
    assert outcome.detail and "was refused" in outcome.detail
    for text in (outcome.detail, str(outcome.error), repr(outcome.error), repr(outcome), caplog.text):
        assert SECRET not in text


def test_a_field_refused_when_loading_does_not_quote_the_secret(
    sandboxes: dict[str, Sandbox], write_manifest: WriteManifest
) -> None:
    path = write_manifest(
        selise_entry("Support bot").replace('vendor = "openai"', 'vendor = "openai"\nbase_url = "ftp://x"')
    )
    with pytest.raises(modelreg.ValidationFailed) as caught:
        modelreg.load_manifest(path)
    assert "base_url: must start with http:// or https://" in str(caught.value)
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value.issues)
